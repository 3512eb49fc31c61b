"""One bot's decision core: strategy -> risk exits -> gates -> order sizing -> position book.

Pure and synchronous, so the live runner and the event-driven backtest run the same code.
`strategies.kernel` is the numba twin of this module for the fast backtest; the parity tests
hold the two to identical signals and trades.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core import numbers
from core.fills import FillModel, entry_notional, trade_pnl
from core.market import Candle, Side
from core.orders import OrderRequest, OrderType
from core.signals import Signal, SignalAction
from core.symbols import Instrument, Venue
from core.text import Text
from strategies.base import Strategy
from strategies.botconfig import BotDefinition

_SIDE = {True: "forced.long", False: "forced.short"}  # 롱 / 숏


@dataclass(slots=True)
class OpenPosition:
    side: int  # 1 long, -1 short
    qty: float
    entry_price: float
    entry_ts: int  # candle open time (ms) of the signal
    entry_fee: float
    # The price the entry was decided on (the signal candle's close). Stop-loss and take-profit
    # are measured from it, not from the fill, so live and backtest trigger on the same candle
    # whatever the fill (top of book live, close + slippage in the backtest). 0: unknown (a
    # position saved before this field existed), the fill price is used.
    ref_price: float = 0.0

    @property
    def reference(self) -> float:
        return self.ref_price or self.entry_price


@dataclass(frozen=True, slots=True)
class Decision:
    signal: Signal
    taken: bool
    # The signal's reason when taken, why it was refused otherwise: a catalog `Text` the app
    # words in the reader's language (a user strategy may give plain words).
    reason: str | Text


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    instrument: Instrument
    side: int
    entry_ts: int
    exit_ts: int
    entry_price: float
    exit_price: float
    qty: float
    fees: float
    pnl: float  # net of fees
    exit_reason: str | Text


# The order record's reason for a bot's order: the order layer tells exits apart by how it
# starts (`trading.provider` `_reason`), so these keep the words they always had there.
_ORDER_TAGS = {
    "decision.stop_loss": "stop-loss: {change}% <= -{limit}%",
    "decision.take_profit": "take-profit: {change}% >= {limit}%",
    "decision.forced_exit": "forced exit (/sell)",
    "decision.forced_entry": "forced entry (/buy)",
}


def order_reason(reason: str | Text) -> str:
    """A decision's reason as the order record keeps it (a tag for the order layer; the user
    reads the decision log's `Text`)."""
    if isinstance(reason, str):
        return reason
    tag = _ORDER_TAGS.get(reason.key)
    return tag.format(**reason.params) if tag else reason.compact()


def to_decimal(x: float) -> Decimal:
    """Exact round trip: `float(to_decimal(x)) == x`."""
    return Decimal(repr(x))


class BotEngine:
    def __init__(
        self,
        definition: BotDefinition,
        strategy: Strategy,
        fills: FillModel,
        equity: float = 0.0,
    ) -> None:
        self.definition = definition
        self.strategy = strategy
        self.fills = fills
        self.start_equity = equity
        self.realized = 0.0
        self.positions: dict[Instrument, OpenPosition] = {}
        self.paused = False
        self._index: dict[Instrument, int] = {}
        self._last_exit: dict[Instrument, int] = {}

    @property
    def equity(self) -> float:
        return self.start_equity + self.realized

    def track(self, inst: Instrument) -> None:
        """Count `inst`'s bars from here if none was seen: a forced order books on a bar even
        before the bot's first candle of that symbol (no warm-up, or a stopped bot's book)."""
        self._index.setdefault(inst, -1)

    def feed(self, candle: Candle) -> None:
        """Warm-up: update the strategy, never act."""
        self._index[candle.instrument] = self._index.get(candle.instrument, -1) + 1
        pos = self.positions.get(candle.instrument)
        self.strategy.on_candle(candle, pos.side if pos else 0)

    def evaluate(self, candle: Candle) -> Decision | None:
        inst = candle.instrument
        self._index[inst] = self._index.get(inst, -1) + 1
        pos = self.positions.get(inst)
        side = pos.side if pos else 0
        sig = self.strategy.on_candle(candle, side)
        if pos is not None:
            sig = self._risk_exit(pos, candle) or sig
        if sig is None:
            return None
        return self.consider(sig)

    def consider(self, sig: Signal) -> Decision:
        """Gate a signal (from a candle or a tick) against position, cooldown and confidence."""
        pos = self.positions.get(sig.instrument)
        refusal = self._gate(sig, pos.side if pos else 0, self._index.get(sig.instrument, -1))
        return Decision(sig, refusal is None, refusal or sig.reason)

    def restore(self, inst: Instrument, pos: OpenPosition) -> None:
        """Re-adopt a position held before a restart."""
        self.positions[inst] = pos

    def _risk_exit(self, pos: OpenPosition, candle: Candle) -> Signal | None:
        d = self.definition
        change = (candle.close / pos.reference - 1.0) * pos.side * 100.0
        if d.stop_loss_pct is not None and change <= -d.stop_loss_pct:
            why = Text.of(
                "decision.stop_loss",
                change=numbers.grouped(change, 2),
                limit=numbers.grouped(d.stop_loss_pct),
            )
        elif d.take_profit_pct is not None and change >= d.take_profit_pct:
            why = Text.of(
                "decision.take_profit",
                change=numbers.grouped(change, 2),
                limit=numbers.grouped(d.take_profit_pct),
            )
        else:
            return None
        return self.strategy.signal(candle, SignalAction.EXIT, why, 1.0)

    def _gate(self, sig: Signal, side: int, idx: int) -> Text | None:
        # Pausing stops new entries only: exits (strategy, stop-loss, take-profit) still run.
        if sig.action is SignalAction.EXIT:
            return Text.of("decision.no_position") if side == 0 else None
        if self.paused:
            return Text.of("decision.paused")
        if side != 0:
            return Text.of("decision.already_in", side=Text.of(_SIDE[side > 0]))
        params = self.strategy.params
        if sig.action is SignalAction.ENTER_SHORT and not params.allow_short:
            return Text.of("decision.shorts_off")
        if len(self.positions) >= self.definition.position_limit:
            return Text.of("decision.position_limit", limit=self.definition.position_limit)
        if sig.confidence < params.min_confidence:
            return Text.of(
                "decision.low_confidence",
                confidence=numbers.grouped(sig.confidence, 2),
                minimum=numbers.grouped(params.min_confidence, 2),
            )
        last = self._last_exit.get(sig.instrument)
        if last is not None and idx - last <= params.cooldown_candles:
            left = params.cooldown_candles - (idx - last) + 1
            return Text.of("decision.cooldown", left=left)
        return None

    def order_for(self, decision: Decision, equity: float | None = None) -> OrderRequest:
        """The order a taken decision asks for (market order; the order layer rounds it)."""
        sig = decision.signal
        d = self.definition
        futures = sig.instrument.venue is Venue.BINANCE_FUTURES
        if sig.action is SignalAction.EXIT:
            pos = self.positions[sig.instrument]
            return OrderRequest(
                instrument=sig.instrument,
                side=Side.SELL if pos.side > 0 else Side.BUY,
                type=OrderType.MARKET,
                qty=to_decimal(pos.qty),
                reduce_only=futures,
                bot=d.name,
                reason=order_reason(decision.reason),
            )
        notional = entry_notional(
            d.stake or 0.0,
            d.stake_pct or 0.0,
            self.equity if equity is None else equity,
            d.leverage,
        )
        long = sig.action is SignalAction.ENTER_LONG
        # The order layer takes a quote amount for market buys and a quantity for sells; a
        # short is sized on the price the decision was taken on.
        return OrderRequest(
            instrument=sig.instrument,
            side=Side.BUY if long else Side.SELL,
            type=OrderType.MARKET,
            qty=None if long else to_decimal(notional / sig.price),
            quote_amount=to_decimal(notional) if long else None,
            leverage=d.leverage if futures else None,
            bot=d.name,
            reason=order_reason(decision.reason),
        )

    def apply_fill(
        self, decision: Decision, price: float, qty: float, fee: float, pnl: float | None = None
    ) -> ClosedTrade | None:
        """Book a fill of the order for `decision`; returns the trade it closed, if any.

        `pnl`: the trade's realised PnL as the order layer's ledger booked it (live); without
        it (backtest, paper gateway) the bot's own book computes it."""
        sig = decision.signal
        inst = sig.instrument
        if sig.action is SignalAction.EXIT:
            pos = self.positions.pop(inst)
            self._last_exit[inst] = self._index.get(inst, -1)
            fees = pos.entry_fee + fee
            if pnl is None:
                pnl = trade_pnl(pos.side, pos.entry_price, price, pos.qty) - fees
            self.realized += pnl
            return ClosedTrade(
                inst,
                pos.side,
                pos.entry_ts,
                sig.candle_ts,
                pos.entry_price,
                price,
                pos.qty,
                fees,
                pnl,
                decision.reason,
            )
        side = 1 if sig.action is SignalAction.ENTER_LONG else -1
        self.positions[inst] = OpenPosition(side, qty, price, sig.candle_ts, fee, sig.price)
        return None
