"""Runs the bots: closed candles from the event bus -> strategy -> gates -> order gateway.

One `BotManager` owns every bot (each a `strategies.bot_runner.BotRunner`). Running bots get
each closed `Candle` of their instruments and timeframe (and `Trade`s if their strategy asks).
Every signal becomes a decision, taken or refused with the reason, recorded in the `decisions`
table. Run state and pause live in the `bots` table, so `/start` and `/stop` survive restarts.
What a bot holds follows the order ledger: when a bot starts (and at every start-up) its saved
book is corrected to the positions the order layer attributes to it (`strategies.book`).
`/buy <bot>` and `/sell <bot>` are forced entries and exits: no strategy signal, but the bot's
own sizing, leverage and SL/TP, and the bot books and then manages the position as if it had
decided it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from loguru import logger

from core.candles import CandleHistory, CandleStore
from core.events import EventBus, Subscription
from core.fills import FillModel
from core.freshness import Freshness
from core.market import Candle, Trade
from core.market_notices import EntryGate
from core.notifications import Notification, NotificationKind
from core.positions import PositionBook
from core.signals import SignalAction
from core.symbols import Instrument, Venue
from core.text import Text
from strategies.book import reconcile_book
from strategies.bot_runner import BotError, BotRunner, ForcedOrder, held
from strategies.botconfig import BotDefinition
from strategies.engine import BotEngine, OpenPosition
from strategies.gateway import OrderGateway, PaperGateway
from strategies.hedge.config import HEDGE_STRATEGY
from strategies.registry import StrategyRegistry
from strategies.store import BotStore, RunState

__all__ = ["BotError", "BotManager", "BotRunner", "BotView", "ForcedOrder"]


@dataclass(frozen=True, slots=True)
class BotView:
    name: str
    strategy: str
    exchange: Venue
    symbols: str
    timeframe: str
    state: RunState
    paused: bool
    positions: tuple[Text, ...]  # `BTC/KRW long 0.01`, worded by the app
    realized: float


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
        history: CandleHistory | None = None,
        candles: CandleStore | None = None,
        start_equity: Callable[[Venue], float] = lambda venue: 0.0,
        ready: Callable[[], Awaitable[None]] | None = None,
        ledger: PositionBook | None = None,
        notify: Callable[[Notification], None] | None = None,
        freshness: Freshness | None = None,
        entry_gate: EntryGate | None = None,
    ) -> None:
        self._freshness = freshness
        self._entry_gate = entry_gate  # the venue's own warnings refuse new entries
        self.definitions = {d.name: d for d in definitions}
        self._registry = registry
        self.store = store
        self._bus = bus
        self._fills = fills
        self.last_price: dict[Instrument, float] = {}
        self._gateway = gateway or PaperGateway(self.last_price.get, fills)
        self._history = history
        self._candles = candles
        self._start_equity = start_equity
        self.runners: dict[str, BotRunner] = {}
        self._paused: set[str] = set()
        self._sub: Subscription | None = None
        self._resume: list[str] = []
        self._ready = ready or _no_wait
        self._books = asyncio.Lock()  # a stopped bot's stored positions: /start vs /sell <bot>
        # The order layer's positions: a bot's book follows them (`strategies.book`).
        self._ledger = ledger
        self._notify = notify or (lambda _n: None)

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
            known = ", ".join(sorted(self.definitions)) or "—"
            raise BotError(Text.of("bot.no_such", name=name, known=known))
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
            raise BotError(Text.of("bot.strategy_missing", name=name, strategy=d.strategy))
        strategy = cls(cls.Params.model_validate(d.params), bot=name)
        engine = BotEngine(d, strategy, self._fills, equity=self._start_equity(d.exchange))
        engine.paused = name in self._paused
        for inst, pos in (await self._book(d)).items():
            engine.restore(inst, pos)
        return BotRunner(
            d, engine, self._gateway, self.store, self._history, self._candles,
            self._freshness, self._entry_gate,
        )  # fmt: skip

    async def _book(self, d: BotDefinition) -> dict[Instrument, OpenPosition]:
        """The bot's positions: its saved book, corrected to what the order ledger holds for it
        (the one source of truth; each correction is logged, notified and saved)."""
        if d.strategy == HEDGE_STRATEGY:  # its two legs are the hedge executor's book
            return {}
        saved = await self.store.load_positions(d.name)
        saved = {i: p for i, p in saved.items() if i in d.instruments}
        if self._ledger is None:
            return saved
        held = self._ledger.open_positions(bot=d.name)
        for p in held:
            if p.bot == d.name and p.qty != 0 and p.instrument not in d.instruments:
                logger.warning(
                    "bot {}: the order ledger holds {} {} for it, which it no longer trades",
                    d.name, p.instrument, p.qty,
                )  # fmt: skip
        now_ms = int(self.store.clock.now() * 1000)
        book, corrections = reconcile_book(d.name, d.instruments, saved, held, now_ms)
        if corrections:
            await self.store.save_positions(d.name, book)
        for c in corrections:
            logger.warning("{}", c.text())
            self._notify(Notification(NotificationKind.INFO, c.text()))
        return book

    async def start(self, name: str) -> Text:
        d = self._get(name)
        if name in self.runners:
            return Text.of("bot.already_running", name=name)
        async with self._books:
            await self._activate(name)
        await self.store.set_state(name, RunState.RUNNING)
        syms = ", ".join(str(s) for s in d.symbols)
        return Text.of(
            "bot.started",
            name=name,
            strategy=d.strategy,
            venue=d.exchange,
            symbols=syms,
            timeframe=d.timeframe,
        )

    async def stop(self, name: str) -> Text:
        self._get(name)
        runner = self.runners.pop(name, None)
        await self.store.set_state(name, RunState.STOPPED)
        if runner is None:
            return Text.of("bot.was_not_running", name=name)
        held = self.open_positions(name, runner)
        tail = Text.of("bot.still_holds", name=name, held=held) if held else ""
        return Text.of("bot.stopped", name=name, tail=tail)

    async def stop_all(self) -> list[Text]:
        """Stop every running bot (the kill switch); what each holds stays open."""
        return [await self.stop(name) for name in list(self.runners)]

    async def set_paused(self, name: str, paused: bool) -> Text:
        self._get(name)
        (self._paused.add if paused else self._paused.discard)(name)
        await self.store.set_paused(name, paused)
        runner = self.runners.get(name)
        if runner is not None:
            runner.engine.paused = paused
        return Text.of("bot.paused" if paused else "bot.resumed", name=name)

    def open_positions(self, name: str, runner: BotRunner | None = None) -> list[Text]:
        """What the bot holds, one `BTC/KRW long 0.01` (BTC/KRW 롱 0.01) per symbol."""
        runner = runner or self.runners.get(name)
        if runner is None:
            return []
        return [
            Text.of("bot.position", symbol=inst.symbol, held=held(p))
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
            raise BotError(
                Text.of("bot.which_coin", name=name, listing=listing, example=d.symbols[0].base)
            )
        want = coin.upper().removeprefix(f"{d.symbols[0].quote}-")
        for inst in d.instruments:
            if want in (inst.symbol.base, str(inst.symbol)):
                return inst
        raise BotError(Text.of("bot.not_traded", name=name, coin=coin, listing=listing))

    async def force_entry(
        self, name: str, coin: str | None = None, stake: float | None = None
    ) -> ForcedOrder:
        """Enter long now through the bot (its stake, or `stake`, its leverage and SL/TP); the
        bot then manages the position. The bot must be running: a stopped bot would not."""
        d = self._get(name)
        if d.strategy == HEDGE_STRATEGY:  # two legs: only the hedge runner opens them
            raise BotError(Text.of("bot.hedge_not_forced", name=name))
        runner = self.runners.get(name)
        if runner is None:
            raise BotError(Text.of("bot.start_first", name=name))
        if runner.engine.paused:
            raise BotError(Text.of("bot.resume_first", name=name))
        inst = self._pick(d, coin, ())
        return await runner.force(
            inst, SignalAction.ENTER_LONG, self.last_price.get(inst, 0.0), stake
        )

    async def held_position(
        self, name: str, coin: str | None = None
    ) -> tuple[Instrument, OpenPosition]:
        """The position a forced exit of `name` would close (a stopped bot's too)."""
        d = self._get(name)
        if d.strategy == HEDGE_STRATEGY:
            raise BotError(Text.of("bot.hedge_not_forced", name=name))
        runner = self.runners.get(name)
        held = runner.engine.positions if runner else await self._book(d)
        if not held:
            raise BotError(Text.of("bot.holds_nothing", name=name))
        inst = self._pick(d, coin, held)
        if inst not in held:
            raise BotError(Text.of("bot.holds_no_symbol", name=name, symbol=inst.symbol))
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

    async def status_lines(self) -> list[Text]:
        views = await self.views()
        if not views:
            return [Text.of("bots.none_defined")]
        out = []
        for v in views:
            state = "paused" if v.paused and v.state is RunState.RUNNING else v.state.value
            out.append(
                Text.of(
                    "bot.status_line",
                    name=v.name,
                    state=Text.of(f"bots.state.{state}"),
                    strategy=v.strategy,
                    symbols=v.symbols,
                    timeframe=v.timeframe,
                    pos=v.positions or Text.of("bots.flat"),
                )
            )
        return out
