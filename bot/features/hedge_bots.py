"""Installer for the kimp-hedge bots (issue 16).

The bot manager (installed by `strategies`) keeps their run state like any bot's; this starts
the `kimp-hedge` component that acts for the running ones: bus prices -> premium -> policy ->
a `core.hedge.HedgeGateway`. Paper mode fills both legs on the shared fill model at the bot's
own reading (`strategies.hedge.paper`) only when there is no order layer; otherwise, paper or
live, the bots trade through the trading layer's two-leg executor (`facade.hedges`), and live
mode without one refuses every hedge loudly rather than faking it.
"""

from __future__ import annotations

from loguru import logger

from bot.features import AppContext
from core.fills import FillModel
from core.freshness import Freshness
from core.hedge import HedgeGateway, HedgeOutcome, HedgeRequest, HedgeResult, HedgeSource
from core.symbols import Instrument
from core.text import Text
from strategies.hedge.config import HEDGE_STRATEGY, HedgeConfig
from strategies.hedge.paper import PaperHedgeGateway
from strategies.hedge.premium import USDT_KRW, PremiumTracker, instruments
from strategies.hedge.runner import HedgeRunner
from strategies.runner import BotManager


class _NoHedgeExecutor:
    """Live mode without the two-leg executor: every hedge is refused, never faked."""

    async def submit(self, req: HedgeRequest) -> HedgeResult:
        why = Text.of("hedge.no_executor")
        return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=why)

    async def open_hedges(self, bot: str) -> list[HedgeResult]:
        return []


async def install(app: AppContext, gateway: HedgeGateway | None = None) -> HedgeRunner | None:
    manager = app.facade.bots
    if not isinstance(manager, BotManager):
        return None
    configs = [
        HedgeConfig.of(d) for d in manager.definitions.values() if d.strategy == HEDGE_STRATEGY
    ]
    if not configs:
        return None
    s = app.settings
    kimp = app.facade.kimp

    def fx() -> float | None:  # USD/KRW while the kimp monitor holds a fresh rate
        return None if kimp is None else kimp.monitor.tether_view().usd_krw

    tracker = PremiumTracker(fx)
    if gateway is None and isinstance(app.facade.hedges, HedgeSource):
        gateway = app.facade.hedges.hedge_gateway()  # the two-leg executor (paper or live)
    if gateway is None:
        if s.core.live:
            gateway = _NoHedgeExecutor()
            logger.warning("kimp-hedge: no two-leg executor in live mode; hedges are refused")
        else:
            model = FillModel(slippage_bps=s.risk.paper_slippage_bps)
            gateway = PaperHedgeGateway(tracker.reading, model, app.clock.now)
    md = app.market_data
    runner = HedgeRunner(
        configs,
        gateway,
        app.bus,
        manager.store,
        app.clock,
        running=lambda name: name in manager.runners,
        paused=lambda name: name in manager.runners and manager.runners[name].engine.paused,
        tracker=tracker,
        freshness=None if md is None else Freshness(s.market_data.max_data_age, md.data_age),
        entry_gate=app.notices.entry_problem if s.strategies.upbit_warnings_block_entries else None,
        notify=app.notifier.notify,
    )
    if md is not None:
        md.subscribe_symbols([USDT_KRW, *(i for c in configs for i in instruments_of(c))])
    app.supervisor.start("kimp-hedge", runner.run)
    logger.info("kimp-hedge: {} bot(s): {}", len(configs), ", ".join(c.bot for c in configs))
    return runner


def instruments_of(cfg: HedgeConfig) -> list[Instrument]:
    return [i for coin in cfg.coins for i in instruments(coin)]
