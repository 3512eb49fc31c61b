"""Runs the bots: closed candles from the event bus -> strategy -> gates -> order gateway.

One `BotManager` owns every bot. Running bots get each closed `Candle` of their instruments and
timeframe (and `Trade`s if their strategy asks). Every signal becomes a decision, taken or
refused with the reason, recorded in the `decisions` table. Run state and pause live in the
`bots` table, so `/start` and `/stop` survive restarts. `/buy <bot>` and `/sell <bot>` are
forced entries and exits: no strategy signal, but the bot's own sizing, leverage and SL/TP, and the
bot books and then manages the position as if it had decided it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from typing import Protocol

from loguru import logger

from core.events import EventBus, Subscription
from core.fills import FillModel, entry_notional
from core.market import Candle, Trade
from core.orders import OrderRequest
from core.signals import Signal, SignalAction
from core.storage import Database
from core.symbols import Instrument, Venue
from strategies.botconfig import BotDefinition
from strategies.engine import BotEngine, ClosedTrade, Decision, OpenPosition, to_decimal
from strategies.gateway import OrderGateway, PaperGateway
from strategies.registry import StrategyRegistry
from strategies.store import BotStore, RunState


class HistorySource(Protocol):
    async def history(
        self, instrument: Instrument, timeframe: str, limit: int, before: int | None = None
    ) -> list[Candle]:
        """Up to `limit` most recent closed candles opening before `before` (ms; default:
        now), oldest first."""
        ...


class DbHistory:
    """Warm-up candles from the `candles` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def history(
        self, instrument: Instrument, timeframe: str, limit: int, before: int | None = None
    ) -> list[Candle]:
        rows = await self._db.fetchall(
            "SELECT open_ts, open, high, low, close, volume FROM candles WHERE venue = ? AND "
            "symbol = ? AND timeframe = ? AND open_ts < ? ORDER BY open_ts DESC LIMIT ?",
            (
                instrument.venue.value,
                str(instrument.symbol),
                timeframe,
                2**62 if before is None else before,
                limit,
            ),
        )
        return [
            Candle(instrument, timeframe, int(r[0]), r[1], r[2], r[3], r[4], r[5])
            for r in reversed(rows)
        ]


class BotError(Exception):
    """A bot command cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class BotView:
    name: str
    strategy: str
    exchange: Venue
    symbols: str
    timeframe: str
    state: RunState
    paused: bool
    positions: tuple[str, ...]
    realized: float


@dataclass(frozen=True, slots=True)
class ForcedOrder:
    """What a forced entry or exit did: the decision (taken, or refused with the order layer's
    reason), what the bot holds after an entry, the trade an exit closed."""

    bot: str
    instrument: Instrument
    decision: Decision
    position: OpenPosition | None = None
    trade: ClosedTrade | None = None


class BotRunner:
    """One running bot."""

    def __init__(
        self,
        definition: BotDefinition,
        engine: BotEngine,
        gateway: OrderGateway,
        store: BotStore,
        history: HistorySource | None = None,
    ) -> None:
        self.definition = definition
        self.engine = engine
        self._gateway = gateway
        self._store = store
        self._history = history
        # Instruments not warmed up yet: each warms up when its first live candle arrives.
        self._cold: set[Instrument] = set(definition.instruments) if history else set()
        self._lock = asyncio.Lock()  # one decision at a time: candles, ticks, forced orders
        self._last_ts: dict[Instrument, int] = {}
        self._last_refusal: dict[Instrument, SignalAction] = {}
        self.warmed_until: dict[Instrument, int] = {}  # last warm-up candle (open ms)
        self.trades: list[ClosedTrade] = []
        self.decisions: list[Decision] = []

    async def warm_up(self, inst: Instrument, before: int) -> int:
        """Feed the strategy the history of `inst` before its first live candle (`before`).

        Warming up at the first live candle, rather than at start, makes the history exactly
        what precedes the live series: every candle the market-data layer built before it is
        on record, so a minute is never fed in one version and stored in another (a REST
        candle of a minute that has only just closed can still miss its last trades).
        What the bot was fed is kept in the `candles` table, for a backtest over the table.
        """
        history = self._history
        if history is None:
            return 0
        d = self.definition
        limit = max(3 * self.engine.strategy.warmup(), 300)
        try:
            candles = await history.history(inst, d.timeframe, limit, before=before)
        except Exception as exc:  # warm-up is best effort; the bot still runs
            logger.warning("bot {}: no history for {} ({})", d.name, inst, exc)
            return 0
        fed = []
        for c in candles:
            if self._last_ts.get(inst, -1) < c.open_ts < before:
                self.engine.feed(c)
                self._last_ts[inst] = c.open_ts
                fed.append(c)
        if fed:
            try:
                await self._store.keep_candles(fed)
            except Exception as exc:  # the record is a nicety; the bot runs without it
                logger.warning("bot {}: warm-up candles not stored ({})", d.name, exc)
        logger.info("bot {}: loaded {} candles for {} {}", d.name, len(fed), inst, d.timeframe)
        if fed:
            self.warmed_until[inst] = fed[-1].open_ts
        return len(fed)

    async def on_candle(self, candle: Candle) -> Decision | None:
        async with self._lock:
            inst = candle.instrument
            if inst in self._cold:
                self._cold.discard(inst)
                await self.warm_up(inst, candle.open_ts)
            if candle.open_ts <= self._last_ts.get(inst, -1):
                return None  # already seen (warm-up overlap or a replay)
            self._last_ts[inst] = candle.open_ts
            decision = self.engine.evaluate(candle)
            if decision is None:
                self._last_refusal.pop(inst, None)
                return None
            return await self._act(decision)

    async def on_trade(self, trade: Trade) -> Decision | None:
        async with self._lock:
            pos = self.engine.positions.get(trade.instrument)
            sig = self.engine.strategy.on_tick(trade, pos.side if pos else 0)
            return None if sig is None else await self._act(self.engine.consider(sig))

    async def force(
        self, inst: Instrument, action: SignalAction, price: float, stake: float | None = None
    ) -> ForcedOrder:
        """A forced entry (long) or exit: it skips the strategy and its gates (pause,
        confidence, cooldown) but not the bot's book (one position per symbol, its position
        limit) nor its sizing: `stake` replaces the bot's stake for this entry only."""
        name, engine = self.definition.name, self.engine
        async with self._lock:
            pos = engine.positions.get(inst)
            if action is SignalAction.EXIT and pos is None:
                raise BotError(f"Bot {name} holds no {inst.symbol} position.")
            if action is not SignalAction.EXIT:
                if pos is not None:
                    raise BotError(
                        f"Bot {name} already holds {inst.symbol} "
                        f"({'long' if pos.side > 0 else 'short'} {pos.qty:g}): one position "
                        "per symbol."
                    )
                if len(engine.positions) >= self.definition.position_limit:
                    raise BotError(
                        f"Bot {name} is at its position limit ({self.definition.position_limit})."
                    )
            why = "forced exit (/sell)" if action is SignalAction.EXIT else "forced entry (/buy)"
            sig = Signal(name, inst, action, why, 1.0, self._last_ts.get(inst, 0), price)
            decision = Decision(sig, True, why)
            req = engine.order_for(decision)
            if stake is not None and req.quote_amount is not None:
                notional = entry_notional(stake, 0.0, 0.0, self.definition.leverage)
                req = replace(req, quote_amount=to_decimal(notional))
            # An exit books the bar it happened on; a bot that has not seen a candle of this
            # symbol yet (no warm-up history, or a stopped bot's book) has none.
            engine._index.setdefault(inst, -1)
            trades = len(self.trades)
            decision = await self._act(decision, req)
            closed = self.trades[-1] if len(self.trades) > trades else None
            return ForcedOrder(name, inst, decision, engine.positions.get(inst), closed)

    async def _act(self, decision: Decision, req: OrderRequest | None = None) -> Decision:
        inst = decision.signal.instrument
        if decision.taken:
            result = await self._gateway.submit(req or self.engine.order_for(decision))
            if result.accepted and result.avg_price is not None:
                closed = self.engine.apply_fill(
                    decision, float(result.avg_price), float(result.filled_qty), float(result.fee)
                )
                if closed is not None:
                    self.trades.append(closed)
                await self._store.save_positions(self.definition.name, self.engine.positions)
            else:
                decision = Decision(decision.signal, False, f"order layer refused: {result.reason}")
        self.decisions.append(decision)
        # A refusal repeated candle after candle is recorded once.
        if decision.taken or self._last_refusal.get(inst) is not decision.signal.action:
            await self._store.record(self.definition.name, [decision])
        if decision.taken:
            self._last_refusal.pop(inst, None)
        else:
            self._last_refusal[inst] = decision.signal.action
        return decision


async def _no_wait() -> None:
    return None


class BotManager:
    def __init__(
        self,
        definitions: list[BotDefinition],
        registry: StrategyRegistry,
        store: BotStore,
        bus: EventBus,
        fills: FillModel,
        gateway: OrderGateway | None = None,
        history: HistorySource | None = None,
        start_equity: Callable[[Venue], float] = lambda venue: 0.0,
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.definitions = {d.name: d for d in definitions}
        self._registry = registry
        self.store = store
        self._bus = bus
        self._fills = fills
        self.last_price: dict[Instrument, float] = {}
        self._gateway = gateway or PaperGateway(self.last_price.get, fills)
        self._history = history
        self._start_equity = start_equity
        self.runners: dict[str, BotRunner] = {}
        self._paused: set[str] = set()
        self._sub: Subscription | None = None
        self._resume: list[str] = []
        self._ready = ready or _no_wait
        self._books = asyncio.Lock()  # a stopped bot's stored positions: /start vs /sell <bot>

    async def load(self) -> None:
        """Store the definitions; bots whose stored state is running resume when `run` starts
        (after `ready`, so the market-data layer can serve their warm-up history)."""
        self._subscribe()
        rows = await self.store.sync(list(self.definitions.values()))
        for name, row in rows.items():
            if name not in self.definitions:
                if row.state is RunState.RUNNING:
                    logger.warning(
                        "bot {} is running in the database but not in the bots file", name
                    )
                continue
            if row.paused:
                self._paused.add(name)
            if row.state is RunState.RUNNING:
                self._resume.append(name)

    def _subscribe(self) -> Subscription:
        if self._sub is None:
            self._sub = self._bus.subscribe("strategies", Candle, Trade, conflate=False)
        return self._sub

    async def run(self) -> None:
        """Supervised component: feed events to the running bots until cancelled."""
        sub = self._subscribe()
        try:
            if self._resume:
                await self._ready()
            while self._resume:
                name = self._resume.pop(0)
                if name not in self.runners:
                    try:
                        await self._activate(name)
                    except BotError as exc:
                        logger.error("bot {} cannot resume: {}", name, exc)
            while True:
                await self.dispatch(await sub.get())
        finally:
            self._bus.unsubscribe(sub)
            self._sub = None

    async def dispatch(self, event: Candle | Trade) -> None:
        if isinstance(event, Candle):
            if not event.closed:
                return
            self.last_price[event.instrument] = event.close
            for runner in list(self.runners.values()):
                d = runner.definition
                if d.timeframe == event.timeframe and event.instrument in d.instruments:
                    try:
                        await runner.on_candle(event)
                    except Exception:
                        logger.exception("bot {} failed on a candle; it keeps running", d.name)
        else:
            for runner in list(self.runners.values()):
                if runner.engine.strategy.wants_ticks and (
                    event.instrument in runner.definition.instruments
                ):
                    # A tick strategy's order is priced at the tick (the paper fallback).
                    self.last_price[event.instrument] = event.price
                    try:
                        await runner.on_trade(event)
                    except Exception:
                        logger.exception("bot {} failed on a trade", runner.definition.name)

    def _get(self, name: str) -> BotDefinition:
        d = self.definitions.get(name)
        if d is None:
            known = ", ".join(sorted(self.definitions)) or "none defined"
            raise BotError(f"There is no bot '{name}'. Bots: {known}.")
        return d

    async def _activate(self, name: str) -> BotRunner:
        runner = await self._build(name)
        self.runners[name] = runner
        return runner

    async def _build(self, name: str) -> BotRunner:
        """A runner with the bot's stored positions, not warmed up, not running."""
        d = self._get(name)
        cls = self._registry.get(d.strategy)
        if cls is None:  # validated at start-up; a user file may have vanished since
            raise BotError(f"bot '{name}': strategy '{d.strategy}' is not available")
        strategy = cls(cls.Params.model_validate(d.params), bot=name)
        engine = BotEngine(d, strategy, self._fills, equity=self._start_equity(d.exchange))
        engine.paused = name in self._paused
        for inst, pos in (await self.store.load_positions(name)).items():
            if inst in d.instruments:
                engine.restore(inst, pos)
        return BotRunner(d, engine, self._gateway, self.store, self._history)

    async def start(self, name: str) -> str:
        d = self._get(name)
        if name in self.runners:
            return f"Bot {name} is already running."
        async with self._books:
            await self._activate(name)
        await self.store.set_state(name, RunState.RUNNING)
        syms = ", ".join(str(s) for s in d.symbols)
        return f"Bot {name} started: {d.strategy} on {d.exchange.label} {syms} {d.timeframe}."

    async def stop(self, name: str) -> str:
        self._get(name)
        runner = self.runners.pop(name, None)
        await self.store.set_state(name, RunState.STOPPED)
        if runner is None:
            return f"Bot {name} was not running."
        held = self.open_positions(name, runner)
        tail = f" It still holds {', '.join(held)}; /sell {name} closes them." if held else ""
        return f"Bot {name} stopped.{tail}"

    async def set_paused(self, name: str, paused: bool) -> str:
        self._get(name)
        (self._paused.add if paused else self._paused.discard)(name)
        await self.store.set_paused(name, paused)
        runner = self.runners.get(name)
        if runner is not None:
            runner.engine.paused = paused
        if paused:
            return f"Bot {name} paused: it keeps its indicators up to date but takes no signals."
        return f"Bot {name} resumed."

    def open_positions(self, name: str, runner: BotRunner | None = None) -> list[str]:
        runner = runner or self.runners.get(name)
        if runner is None:
            return []
        return [
            f"{inst.symbol} {'long' if p.side > 0 else 'short'} {p.qty:g}"
            for inst, p in runner.engine.positions.items()
        ]

    # --- forced entries and exits (/buy <bot>, /sell <bot>) -----------------------------------
    @staticmethod
    def _pick(d: BotDefinition, coin: str | None, held: Collection[Instrument]) -> Instrument:
        """The bot's instrument `coin` names (BTC, BTC/KRW); without one, its only symbol, or
        for an exit (`held` given) its only position."""
        name, listing = d.name, ", ".join(str(s) for s in d.symbols)
        if coin is None:
            if len(d.instruments) == 1:
                return d.instruments[0]
            if len(held) == 1:
                return next(iter(held))
            raise BotError(f"Bot {name} trades {listing}: give the coin, e.g. {d.symbols[0].base}.")
        want = coin.upper().removeprefix(f"{d.symbols[0].quote}-")
        for inst in d.instruments:
            if want in (inst.symbol.base, str(inst.symbol)):
                return inst
        raise BotError(f"Bot {name} does not trade {coin}: it trades {listing}.")

    async def force_entry(
        self, name: str, coin: str | None = None, stake: float | None = None
    ) -> ForcedOrder:
        """Enter long now through the bot (its stake, or `stake`, its leverage and SL/TP); the
        bot then manages the position. The bot must be running: a stopped bot would not."""
        d = self._get(name)
        runner = self.runners.get(name)
        if runner is None:
            raise BotError(
                f"Bot {name} is not running: /start {name} first, so that it manages the position."
            )
        if runner.engine.paused:
            raise BotError(f"Bot {name} is paused (no new entries): /resume {name} first.")
        inst = self._pick(d, coin, ())
        return await runner.force(
            inst, SignalAction.ENTER_LONG, self.last_price.get(inst, 0.0), stake
        )

    async def held_position(
        self, name: str, coin: str | None = None
    ) -> tuple[Instrument, OpenPosition]:
        """The position a forced exit of `name` would close (a stopped bot's too)."""
        d = self._get(name)
        runner = self.runners.get(name)
        held = runner.engine.positions if runner else await self.store.load_positions(name)
        if not held:
            raise BotError(f"Bot {name} holds no position.")
        inst = self._pick(d, coin, held)
        if inst not in held:
            raise BotError(f"Bot {name} holds no {inst.symbol} position.")
        return inst, held[inst]

    async def force_exit(self, name: str, coin: str | None = None) -> ForcedOrder:
        """Close the bot's position at market through the bot, which books the trade. A stopped
        bot's stored position is closed the same way (the bot stays stopped)."""
        inst, _ = await self.held_position(name, coin)
        runner = self.runners.get(name)
        if runner is not None:
            return await runner.force(inst, SignalAction.EXIT, self.last_price.get(inst, 0.0))
        async with self._books:
            if name in self.runners:  # started meanwhile: it holds the book now
                return await self.force_exit(name, coin)
            runner = await self._build(name)
            return await runner.force(inst, SignalAction.EXIT, self.last_price.get(inst, 0.0))

    async def views(self) -> list[BotView]:
        rows = await self.store.rows()
        out = []
        for name, d in sorted(self.definitions.items()):
            runner = self.runners.get(name)
            row = rows.get(name)
            out.append(
                BotView(
                    name=name,
                    strategy=d.strategy,
                    exchange=d.exchange,
                    symbols=",".join(str(s) for s in d.symbols),
                    timeframe=d.timeframe,
                    state=RunState.RUNNING if runner else RunState.STOPPED,
                    paused=bool(row.paused) if row else False,
                    positions=tuple(self.open_positions(name)),
                    realized=runner.engine.realized if runner else 0.0,
                )
            )
        return out

    async def status_lines(self) -> list[str]:
        views = await self.views()
        if not views:
            return ["no bots defined"]
        out = []
        for v in views:
            state = "paused" if v.paused and v.state is RunState.RUNNING else v.state.value
            pos = "; ".join(v.positions) or "flat"
            out.append(f"{v.name}: {state}, {v.strategy} {v.symbols} {v.timeframe}, {pos}")
        return out
