"""The live kimp-hedge runner: Upbit and Binance prices from the bus -> premium -> the policy ->
a `HedgeGateway` (the trading layer's two-leg executor, or the paper one).

The bot manager owns the bots' run state (`/start`, `/stop`, `/pause` and `/bots` treat a
kimp_hedge bot like any other); this runner acts for the ones it says are running. What a bot
holds is asked of the gateway (`open_hedges`) whenever the bot (re)starts, never taken from a
saved flag: after a restart the hedges come back from the orders and fills ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from loguru import logger

from core.clock import Clock
from core.events import EventBus, Subscription
from core.freshness import Freshness
from core.hedge import HedgeDirection, HedgeGateway, HedgeOutcome, HedgeRequest, HedgeResult
from core.market import Quote, Ticker, Trade
from core.market_notices import EntryGate
from core.notifications import Notification, NotificationKind
from core.signals import Signal, SignalAction
from core.text import Text
from strategies.engine import Decision
from strategies.hedge.config import HedgeConfig
from strategies.hedge.policy import HedgeAction, OpenHedge, PremiumReading, Verdict, decide
from strategies.hedge.premium import USDT_KRW, PremiumTracker, instruments
from strategies.hedge.restore import open_hedge_of

RETRY_AFTER_S = 60.0  # after a hedge the gateway could not open or close


class DecisionSink(Protocol):
    """What the runner needs of the bot store: the decision log (`strategies.store.BotStore`)."""

    async def record(self, bot: str, decisions: list[Decision]) -> None: ...


@dataclass(frozen=True, slots=True)
class HedgeTrade:
    """One entry or exit the runner took (for tests and the replay parity check)."""

    bot: str
    coin: str
    action: HedgeAction
    direction: HedgeDirection
    ts: float
    result: HedgeResult


class HedgeRunner:
    def __init__(
        self,
        configs: list[HedgeConfig],
        gateway: HedgeGateway,
        bus: EventBus,
        store: DecisionSink,
        clock: Clock,
        running: Callable[[str], bool],
        paused: Callable[[str], bool],
        tracker: PremiumTracker | None = None,
        freshness: Freshness | None = None,
        entry_gate: EntryGate | None = None,
        notify: Callable[[Notification], None] | None = None,
    ) -> None:
        self.configs = configs
        self._gateway = gateway
        self._bus = bus
        self._store = store
        self._clock = clock
        self._running = running
        self._paused = paused
        self.tracker = tracker or PremiumTracker()
        self._freshness = freshness
        self._gate = entry_gate
        self._notify = notify or (lambda _n: None)
        self._held: dict[str, dict[str, OpenHedge]] = {}  # bot -> coin -> hedge, when loaded
        self._last_refusal: dict[tuple[str, str], HedgeAction] = {}
        self._retry_at: dict[tuple[str, str], float] = {}  # (bot, coin) -> no new try before
        self.trades: list[HedgeTrade] = []
        self.evaluated = 0  # batches of price updates decided on (tests wait on it)
        self._sub: Subscription | None = None
        self._subscribe()

    async def run(self) -> None:
        """Supervised component: decide on every batch of price updates until cancelled."""
        sub = self._subscribe()
        try:
            while True:
                # Everything already queued is applied before deciding, so a reading never
                # mixes one leg's new price with another's older one from the same moment.
                events = [await sub.get(), *sub.drain()]
                await self.on_events(events)
        finally:
            self._bus.unsubscribe(sub)
            self._sub = None

    def _subscribe(self) -> Subscription:
        # At construction, so prices published before the component's task first runs count.
        if self._sub is None:
            self._sub = self._bus.subscribe("kimp-hedge", Quote, Ticker, Trade)
        return self._sub

    async def on_events(self, events: list[Quote | Ticker | Trade]) -> None:
        coins = {c for e in events if (c := self.tracker.update(e)) is not None}
        if USDT_KRW.symbol.base in coins:  # KRW-USDT moved: every coin's USDT kimp did
            coins.discard(USDT_KRW.symbol.base)
            coins |= {c for cfg in self.configs for c in cfg.coins}
        for coin in sorted(coins):
            await self.evaluate(coin)
        self.evaluated += 1

    async def holdings(self, cfg: HedgeConfig) -> dict[str, OpenHedge]:
        """The bot's open hedges, asked of the gateway the first time after a (re)start."""
        held = self._held.get(cfg.bot)
        if held is None:
            held = {}
            for result in await self._gateway.open_hedges(cfg.bot):
                h = open_hedge_of(result)
                if h is not None and h.coin in cfg.coins:
                    held[h.coin] = h
            self._held[cfg.bot] = held
            if held:
                logger.info("hedge bot {}: {} open hedge(s) restored", cfg.bot, len(held))
        return held

    async def evaluate(self, coin: str) -> None:
        reading = self.tracker.reading(coin)
        for cfg in self.configs:
            if coin not in cfg.coins:
                continue
            if not self._running(cfg.bot):
                self._held.pop(cfg.bot, None)  # a restart asks the gateway again
                continue
            try:
                await self._evaluate(cfg, coin, reading)
            except Exception:
                logger.exception("hedge bot {} failed on {}; it keeps running", cfg.bot, coin)

    async def _evaluate(self, cfg: HedgeConfig, coin: str, reading: PremiumReading | None) -> None:
        held = (await self.holdings(cfg)).get(coin)
        if reading is None and held is None:
            return
        premium = None if reading is None else reading.premium(cfg.basis)
        now = self._clock.now() if reading is None else reading.ts
        spot, ref = instruments(coin)
        stale = None
        if self._freshness is not None:
            stale = self._freshness.problem(spot) or self._freshness.problem(ref)
        flagged = self._gate(spot) if self._gate is not None else None
        v = decide(cfg, premium, now, held, self._paused(cfg.bot), stale, flagged)
        if v.action is HedgeAction.HOLD:
            self._last_refusal.pop((cfg.bot, coin), None)
            return
        if v.refused:
            await self._record(cfg, coin, reading, v, taken=False)
            return
        if now < self._retry_at.get((cfg.bot, coin), 0.0):
            return  # the last attempt failed just now: not again on every price update
        if v.action is HedgeAction.ENTER:
            await self._enter(cfg, coin, reading, v, now)
        elif held is not None:
            await self._exit(cfg, held, reading, v, now)

    async def _enter(
        self, cfg: HedgeConfig, coin: str, reading: PremiumReading | None, v: Verdict, now: float
    ) -> None:
        assert v.direction is not None
        hedge_id = f"{cfg.bot}.{coin}.{v.direction.value[0]}.{int(now * 1000)}"
        req = HedgeRequest(
            hedge_id, cfg.bot, coin, v.direction, True, size_krw=cfg.size_krw,
            leverage=cfg.leverage, max_mismatch=cfg.max_mismatch, reason=v.reason,
        )  # fmt: skip
        result = await self._gateway.submit(req)
        if result.outcome is not HedgeOutcome.OPENED or result.spot is None:
            await self._failed(cfg, coin, reading, v, result)
            return
        held = OpenHedge(hedge_id, coin, v.direction, now, result.spot.qty)
        self._held.setdefault(cfg.bot, {})[coin] = held
        self.trades.append(HedgeTrade(cfg.bot, coin, HedgeAction.ENTER, v.direction, now, result))
        await self._record(cfg, coin, reading, v, taken=True)
        self._notify(Notification(NotificationKind.INFO, Text.of(
            "hedge.bot_opened", name=cfg.bot, coin=coin, direction=Text.of(
                f"hedge.direction.{v.direction.value}"), qty=str(result.spot.qty),
            reason=v.reason or "",
        )))  # fmt: skip

    async def _exit(
        self,
        cfg: HedgeConfig,
        held: OpenHedge,
        reading: PremiumReading | None,
        v: Verdict,
        now: float,
    ) -> None:
        req = HedgeRequest(
            held.hedge_id, cfg.bot, held.coin, held.direction, False, qty=held.qty,
            leverage=cfg.leverage, max_mismatch=cfg.max_mismatch, reason=v.reason,
        )  # fmt: skip
        result = await self._gateway.submit(req)
        if result.outcome is not HedgeOutcome.CLOSED:
            await self._failed(cfg, held.coin, reading, v, result)
            return
        self._held.get(cfg.bot, {}).pop(held.coin, None)
        trade = HedgeTrade(cfg.bot, held.coin, HedgeAction.EXIT, held.direction, now, result)
        self.trades.append(trade)
        await self._record(cfg, held.coin, reading, v, taken=True)
        self._notify(Notification(NotificationKind.INFO, Text.of(
            "hedge.bot_closed", name=cfg.bot, coin=held.coin, reason=v.reason or "",
        )))  # fmt: skip

    async def _failed(
        self,
        cfg: HedgeConfig,
        coin: str,
        reading: PremiumReading | None,
        v: Verdict,
        result: HedgeResult,
    ) -> None:
        """Not done (refused, unwound, or exposed): recorded with the gateway's reason, and not
        tried again for `RETRY_AFTER_S` (each try costs both legs' fees and spread); the trading
        layer tells the user about a naked leg itself."""
        now = self._clock.now() if reading is None else reading.ts
        self._retry_at[(cfg.bot, coin)] = now + RETRY_AFTER_S
        # What is held now is the gateway's to say (an exposed leg is still its hedge): asked
        # again before the next decision, so a half-open hedge is never opened a second time.
        self._held.pop(cfg.bot, None)
        why = Text.of("hedge.not_done", outcome=Text.of(f"hedge.outcome.{result.outcome.value}"),
                      reason=result.reason or "")  # fmt: skip
        logger.warning("hedge bot {} {}: {}", cfg.bot, coin, why)
        await self._record(cfg, coin, reading, Verdict(v.action, v.direction, why), taken=False)

    async def _record(
        self,
        cfg: HedgeConfig,
        coin: str,
        reading: PremiumReading | None,
        v: Verdict,
        taken: bool,
    ) -> None:
        key = (cfg.bot, coin)
        if not taken and self._last_refusal.get(key) is v.action:
            return  # a refusal repeated reading after reading is recorded once
        if taken:
            self._last_refusal.pop(key, None)
        else:
            self._last_refusal[key] = v.action
        if v.action is HedgeAction.EXIT:
            action = SignalAction.EXIT
        elif v.direction is HedgeDirection.REVERSE:
            action = SignalAction.ENTER_SHORT
        else:
            action = SignalAction.ENTER_LONG
        ts = self._clock.now() if reading is None else reading.ts
        price = 0.0 if reading is None else reading.upbit_krw
        reason = v.reason or ""
        sig = Signal(cfg.bot, instruments(coin)[0], action, reason, 1.0, int(ts * 1000), price)
        await self._store.record(cfg.bot, [Decision(sig, taken, reason)])
