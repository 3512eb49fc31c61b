"""Installer for the strategy bots.

Loads user strategies (STRATEGIES_DIR) and the bot definitions (BOTS_FILE; refused at start-up
with one line per problem), stores them with their run state, resumes the bots that were
running, and starts the `strategies` component: closed candles from the bus -> bots -> the
order layer (the gateway `facade.trading` hands out, see `strategies.gateway.adapt`). Commands: /bots,
/start, /stop, /pause, /resume.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Mapping
from decimal import Decimal

from loguru import logger

from bot.commands.bots import register_bots
from bot.features import AppContext
from bot.notify.stop_watch import run_stop_watch
from core.clock import Clock
from core.fills import FillModel
from core.freshness import Freshness
from core.market import Candle, timeframe_ms
from core.orders import Brackets, OrderGateway, OrderRequest, OrderResult
from core.positions import PositionBook
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore
from exchanges.manager import MarketDataManager
from strategies.botconfig import BotDefinition, load_bots
from strategies.gateway import adapt
from strategies.loader import load_user_strategies
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore


def _pct(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


class _NoOrderLayer:
    """Live mode without an order layer: every order is refused, loudly, never faked."""

    async def submit(self, req: OrderRequest) -> OrderResult:
        return OrderResult.refused("no order layer is installed (TRADING_MODE=live)")


class _History:
    """Warm-up candles before a bot's first live candle, newest first from:

    1. the candles the market-data manager built (and published, and stored): the table, after
       asking the manager to write what it holds, so they are exactly what was on the bus;
    2. the manager's recent history (the REST candles it seeded its builder with);
    3. older candles from its REST client;
    4. the candles table alone, when the manager has nothing.
    """

    def __init__(
        self, md: MarketDataManager | None, stored: CandleStore, clock: Clock, wait: float = 15.0
    ) -> None:
        self._md = md
        self._stored = stored
        self._clock = clock
        self._wait = wait

    async def history(
        self, instrument: Instrument, timeframe: str, limit: int, before: int | None = None
    ) -> list[Candle]:
        if before is None:
            step = timeframe_ms(timeframe)
            before = int(self._clock.now() * 1000) // step * step  # closed candles only
        merged = {c.open_ts: c for c in await self._recent(instrument, timeframe, before)}
        if merged and self._md is not None:
            await self._md.flush_candles()
        stored = await self._stored.history(instrument, timeframe, limit, before)
        if merged:
            # The manager can seed its history after it built candles of the same minutes: the
            # built one is the one published and stored.
            first = min(merged)
            merged.update((c.open_ts, c) for c in stored if c.open_ts >= first)
        best = [merged[k] for k in sorted(merged)][-limit:]
        if len(best) < limit and self._md is not None:
            end = best[0].open_ts if best else before
            try:
                got = await self._md.rest_candles(instrument, timeframe, limit - len(best), end)
            except Exception as exc:  # warm-up is best effort: fall back to stored candles
                logger.warning("warm-up {} {} over REST failed: {}", instrument, timeframe, exc)
            else:
                best = [c for c in got if c.close_ts <= end] + best
        if len(stored) > len(best):
            best = stored
        return best[-limit:]

    async def _recent(self, instrument: Instrument, timeframe: str, before: int) -> list[Candle]:
        """The manager's candles before `before`, once its own warm-up has landed."""
        md = self._md
        if md is None:
            return []
        recent = md.recent_candles
        if md.builds_candles(instrument, timeframe):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._wait):
                    while not recent(instrument, timeframe, 1):
                        await asyncio.sleep(0.02)
        by_ts: dict[int, Candle] = {}
        for c in recent(instrument, timeframe, 100_000):
            if c.closed and c.open_ts < before:
                by_ts.setdefault(c.open_ts, c)
        return list(by_ts.values())


async def _catalog(md: MarketDataManager, wait: float) -> Mapping[Venue, Collection[Symbol]] | None:
    """The venues' symbol lists, when the market-data manager has them (else quote checks)."""
    await _md_ready(md, wait)
    symbols = md.listed_symbols()
    if not symbols:
        return None
    return {venue: set(items) for venue, items in symbols.items()}


async def _md_ready(md: MarketDataManager | None, wait: float) -> None:
    """Let the market-data manager list the venues and open its REST clients first."""
    if md is None:
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            await md.ready.wait()


async def install(app: AppContext, catalog_wait: float = 15.0) -> BotManager:
    s = app.settings
    files, risk, live = s.strategies, s.risk, s.core.live
    registry = StrategyRegistry(load_user_strategies(files.strategies_dir))
    md = app.market_data
    catalog = await _catalog(md, catalog_wait) if md is not None else None
    definitions = load_bots(files.bots_file, registry, risk.max_leverage, catalog)
    brackets = {
        d.name: Brackets(_pct(d.stop_loss_pct), _pct(d.take_profit_pct)) for d in definitions
    }
    gateway: OrderGateway | None = adapt(app.facade.trading, brackets)
    if gateway is None and live:
        gateway = _NoOrderLayer()
    if gateway is None:
        logger.info("strategies: no order layer on the facade; bots fill on the paper model")
    balances = {v: risk.paper_balance_krw for v in Venue if v.krw}

    def start_equity(venue: Venue) -> float:
        return balances.get(venue, risk.paper_balance_usdt)

    candles = CandleStore(app.db)
    manager = BotManager(
        definitions,
        registry,
        BotStore(app.db, app.clock),
        app.bus,
        FillModel(slippage_bps=risk.paper_slippage_bps),
        gateway=gateway,
        history=_History(md, candles, app.clock, catalog_wait),
        candles=candles,
        start_equity=start_equity,
        ready=lambda: _md_ready(md, catalog_wait),
        # The order ledger is the one source of truth for what each bot holds.
        ledger=app.facade.trading if isinstance(app.facade.trading, PositionBook) else None,
        notify=app.notifier.notify,
        freshness=None if md is None else Freshness(s.market_data.max_data_age, md.data_age),
        entry_gate=app.notices.gate(
            s.strategies.upbit_warnings_block_entries, s.strategies.upbit_delisting_blocks_entries
        ),
    )
    if md is not None:
        md.subscribe_symbols([i for d in definitions for i in d.instruments])
    await manager.load()
    app.supervisor.start("strategies", manager.run)
    _watch_service_stops(app, manager, definitions)
    register_bots(app.registry)
    app.facade.bots = manager
    logger.info(
        "strategies: {} bot(s) defined, {} running; strategies: {}",
        len(definitions), len(manager.runners), ", ".join(registry.names()),
    )  # fmt: skip
    return manager


def _watch_service_stops(
    app: AppContext, manager: BotManager, definitions: list[BotDefinition]
) -> None:
    """Spot stop-losses live in the bots, not on the venue: tell the user whenever one is not
    being watched (`bot/notify/stop_watch.py`)."""
    trading, md = app.facade.trading, app.market_data
    stop_pct = {d.name: d.stop_loss_pct for d in definitions}
    if trading is None or not any(stop_pct.values()):
        return

    async def rows() -> list[tuple[str | None, Instrument]]:
        return [(r.owner, r.instrument) for r in await trading.position_rows()]

    stale = md.is_stale if md is not None else (lambda _venue: True)
    running = _Running(manager)
    app.supervisor.start(
        "stop-watch",
        lambda: run_stop_watch(
            rows, stop_pct, running, stale, app.clock, app.notifier.notify, KeyValueStore(app.db)
        ),
    )


class _Running:
    """The bots running now (the manager replaces its runners as bots start and stop)."""

    def __init__(self, manager: BotManager) -> None:
        self._manager = manager

    def __contains__(self, name: object) -> bool:
        return name in self._manager.runners
