"""One running bot: its candles and ticks -> strategy -> gates -> order gateway, its warm-up,
and its forced entries and exits (`/buy <bot>`, `/sell <bot>`). `strategies.runner.BotManager`
owns the runners.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from loguru import logger

from core import numbers
from core.candles import CandleHistory, CandleStore
from core.fills import entry_notional
from core.freshness import Freshness
from core.market import Candle, Trade
from core.market_notices import EntryGate
from core.orders import OrderGateway, OrderRequest
from core.signals import Signal, SignalAction
from core.symbols import Instrument
from core.text import Text
from strategies.botconfig import BotDefinition
from strategies.engine import BotEngine, ClosedTrade, Decision, OpenPosition, to_decimal
from strategies.store import BotStore


class BotError(Exception):
    """A bot command cannot be done; the message says why (a catalog `Text` the app words;
    `str(exc)` reads it in the log language)."""

    def __init__(self, text: Text | str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return str(self.text)


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
        history: CandleHistory | None = None,
        candles: CandleStore | None = None,
        freshness: Freshness | None = None,
        entry_gate: EntryGate | None = None,
    ) -> None:
        self.definition = definition
        self._freshness = freshness
        self._entry_gate = entry_gate  # e.g. Upbit's warning flags (core.market_notices)
        self.engine = engine
        self._gateway = gateway
        self._store = store
        self._history = history
        self._candles = candles
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
        What the bot was fed is kept in the candle store, for a backtest over the stored candles.
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
        if fed and self._candles is not None:
            try:
                await self._candles.keep(fed)
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
                raise BotError(Text.of("bot.holds_no_symbol", name=name, symbol=inst.symbol))
            if action is not SignalAction.EXIT:
                if pos is not None:
                    raise BotError(
                        Text.of("bot.already_holds", name=name, symbol=inst.symbol, held=held(pos))
                    )
                if len(engine.positions) >= self.definition.position_limit:
                    limit = self.definition.position_limit
                    raise BotError(Text.of("bot.position_limit", name=name, limit=limit))
            exit_ = action is SignalAction.EXIT
            why = Text.of("decision.forced_exit" if exit_ else "decision.forced_entry")
            sig = Signal(name, inst, action, why, 1.0, self._last_ts.get(inst, 0), price)
            decision = Decision(sig, True, why)
            req = engine.order_for(decision)
            if stake is not None and req.quote_amount is not None:
                notional = entry_notional(stake, 0.0, 0.0, self.definition.leverage)
                req = replace(req, quote_amount=to_decimal(notional))
            # An exit books the bar it happened on; a bot that has not seen a candle of this
            # symbol yet (no warm-up history, or a stopped bot's book) has none.
            engine.track(inst)
            trades = len(self.trades)
            # A forced order is the user's, not the strategy's: the order layer's freshness rule
            # prices it (live: on the venue's own price) or refuses it with the data age.
            decision = await self._act(decision, req, forced=True)
            closed = self.trades[-1] if len(self.trades) > trades else None
            return ForcedOrder(name, inst, decision, engine.positions.get(inst), closed)

    async def _act(
        self, decision: Decision, req: OrderRequest | None = None, forced: bool = False
    ) -> Decision:
        inst = decision.signal.instrument
        fresh = None if forced else self._freshness
        old = fresh.problem(inst) if fresh is not None and decision.taken else None
        if old is not None:
            # Never decide on old prices: the candle that closed may be the clock's, not the
            # market's (no trades reached us), and an order would be priced on that old data.
            decision = Decision(decision.signal, False, old)
        gate = None if forced else self._entry_gate
        if gate is not None and decision.taken and decision.signal.action is not SignalAction.EXIT:
            flagged = gate(inst)
            if flagged is not None:  # a new entry on a market its venue warns about
                decision = Decision(decision.signal, False, flagged)
        if decision.taken:
            result = await self._gateway.submit(req or self.engine.order_for(decision))
            if result.accepted and result.avg_price is not None:
                pnl = None if result.realized is None else float(result.realized)
                closed = self.engine.apply_fill(
                    decision,
                    float(result.avg_price),
                    float(result.filled_qty),
                    float(result.fee),
                    pnl,
                )
                if closed is not None:
                    self.trades.append(closed)
                await self._store.save_positions(self.definition.name, self.engine.positions)
            else:
                why = Text.of("decision.order_refused", reason=result.reason)
                decision = Decision(decision.signal, False, why)
        self.decisions.append(decision)
        # A refusal repeated candle after candle is recorded once.
        if decision.taken or self._last_refusal.get(inst) is not decision.signal.action:
            await self._store.record(self.definition.name, [decision])
        if decision.taken:
            self._last_refusal.pop(inst, None)
        else:
            self._last_refusal[inst] = decision.signal.action
        return decision


def held(pos: OpenPosition) -> Text:
    """`long 0.01` / `short 0.5` (롱 0.01 / 숏 0.5): a bot's side and size in one symbol."""
    side = Text.of("forced.long" if pos.side > 0 else "forced.short")
    return Text.of("bot.book.held", side=side, qty=numbers.quantity(pos.qty))
