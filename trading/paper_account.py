"""A paper venue's account: its wallet, its futures positions and how an order executes on them.

Fees and fill prices are the backtest's (`core.fills`), computed in floats and converted to
Decimal once, here. Spot keeps free and locked balances per asset; futures keep a USDT wallet
and isolated-style margin per position (notional / leverage), checked when an order fills.
The order book and the `Broker` interface around it are `trading.paper.PaperBroker`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.broker import PlaceRequest
from core.clock import Clock
from core.errors import Rejected
from core.fills import FEE_RATES
from core.fills import fee as model_fee
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, Position
from core.rounding import MarketRules
from core.symbols import Instrument, Symbol, Venue
from trading.pnl import PositionState, apply_fill

ZERO = Decimal(0)


def dec(x: float) -> Decimal:
    """A float from the shared fill model as the Decimal it prints as."""
    return Decimal(repr(x))


FEE_STEP = Decimal("0.00000001")
_MAKER = {
    Venue.UPBIT: 0.0005,
    Venue.BITHUMB: 0.0025,
    Venue.BINANCE_SPOT: 0.001,
    Venue.BINANCE_FUTURES: 0.0002,
}
FEES: dict[Venue, tuple[Decimal, Decimal]] = {  # (maker, taker); taker = the backtest's
    v: (dec(_MAKER[v]), dec(FEE_RATES[v]))
    for v in (Venue.UPBIT, Venue.BITHUMB, Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES)
}


def paper_fee(notional: Decimal, rate: Decimal) -> Decimal:
    """The shared fee model on a Decimal notional, to 8 decimals (as the venues report)."""
    return dec(model_fee(float(notional), float(rate))).quantize(FEE_STEP, ROUND_HALF_UP)


@dataclass(slots=True)
class PaperOrder:
    """A paper order as the paper venue keeps it (mutable: it fills and gets cancelled)."""

    req: PlaceRequest
    exchange_id: str
    status: OrderStatus = OrderStatus.OPEN
    filled: Decimal = ZERO
    avg: Decimal | None = None
    fills: list[Fill] = field(default_factory=list)
    reason: str = ""
    locked: tuple[str, Decimal] | None = None


class PaperAccount:
    """One paper venue's balances and futures positions."""

    def __init__(
        self, venue: Venue, clock: Clock, balances: dict[str, Decimal], leverage: int
    ) -> None:
        self.venue = venue
        self._clock = clock
        self._free: dict[str, Decimal] = dict(balances)
        self._locked: dict[str, Decimal] = {}
        self._positions: dict[Symbol, tuple[PositionState, int]] = {}
        self._leverage: dict[Symbol, int] = {}
        self._default_leverage = leverage
        self.maker, self.taker = FEES[venue]

    # --- what the broker reports ----------------------------------------------------------
    def balances(self) -> list[Balance]:
        assets = set(self._free) | set(self._locked)
        if self.venue is Venue.BINANCE_FUTURES:
            used = self._used_margin()
            wallet = self._free.get("USDT", ZERO)
            return [Balance("USDT", wallet - used, used)]
        return [
            Balance(a, self._free.get(a, ZERO), self._locked.get(a, ZERO)) for a in sorted(assets)
        ]

    def positions(self) -> list[Position]:
        return [
            Position(Instrument(self.venue, s), st.qty, st.entry_price, lev, paper=True)
            for s, (st, lev) in self._positions.items()
            if st.qty != 0
        ]

    def held(self, symbol: Symbol) -> Decimal:
        """The size of the futures position in `symbol` (0 when none)."""
        pos = self._positions.get(symbol)
        return abs(pos[0].qty) if pos else ZERO

    # --- set-up and restore ----------------------------------------------------------------
    def set_leverage(self, symbol: Symbol, leverage: int) -> None:
        self._leverage[symbol] = leverage

    def restore_position(self, symbol: Symbol, state: PositionState, leverage: int) -> None:
        self._positions[symbol] = (state, leverage)

    def set_locked(self, locked: dict[str, Decimal]) -> None:
        self._locked = dict(locked)

    # --- execution --------------------------------------------------------------------------
    def lock(self, po: PaperOrder, rules: MarketRules) -> None:
        req = po.req
        assert req.qty is not None and req.price is not None
        if self.venue is Venue.BINANCE_FUTURES:
            return  # margin is checked at fill time in this simple model
        if req.side is Side.BUY:
            asset, amount = rules.quote, req.qty * req.price * (1 + self._quote_fee_rate())
        else:
            asset, amount = rules.base, req.qty
        if self._free.get(asset, ZERO) < amount:
            raise Rejected(f"Insufficient {asset} balance (paper).")
        self._free[asset] -= amount
        self._locked[asset] = self._locked.get(asset, ZERO) + amount
        po.locked = (asset, amount)

    def unlock(self, po: PaperOrder) -> None:
        if po.locked is None:
            return
        asset, amount = po.locked
        self._locked[asset] = self._locked.get(asset, ZERO) - amount
        self._free[asset] = self._free.get(asset, ZERO) + amount
        po.locked = None

    def _quote_fee_rate(self) -> Decimal:
        return self.taker if self.venue.krw else ZERO

    def execute(self, po: PaperOrder, rules: MarketRules, price: Decimal, taker: bool) -> None:
        req = po.req
        rate = self.taker if taker else self.maker
        tick = rules.tick_for(price)
        price = rules.round_price(price) if tick > 0 else price
        if req.qty is None:
            assert req.quote_amount is not None
            qty = rules.round_qty(req.quote_amount / price)
        else:
            qty = req.qty
        if self.venue is Venue.BINANCE_FUTURES:
            fee, fee_asset = self._execute_futures(po, qty, price, rate)
        else:
            fee, fee_asset = self._execute_spot(po, rules, qty, price, rate)
        fill = Fill(
            fill_id=f"{req.client_id}-f1",
            client_id=req.client_id,
            instrument=Instrument(self.venue, req.symbol),
            side=req.side,
            qty=qty,
            price=price,
            fee=fee,
            fee_asset=fee_asset,
            ts=self._clock.now(),
            paper=True,
        )
        po.fills.append(fill)
        po.filled, po.avg, po.status = qty, price, OrderStatus.FILLED

    def _execute_spot(
        self, po: PaperOrder, rules: MarketRules, qty: Decimal, price: Decimal, rate: Decimal
    ) -> tuple[Decimal, str]:
        base, quote = rules.base, rules.quote
        cost = qty * price if po.req.quote_amount is None else po.req.quote_amount
        free = self._free
        if po.req.side is Side.BUY:
            if self.venue.krw:
                fee = paper_fee(cost, rate)
                fee_asset, pay, get = quote, cost + fee, qty
            else:
                fee = paper_fee(qty, rate)
                fee_asset, pay, get = base, cost, qty - fee
            if free.get(quote, ZERO) < pay:
                po.status, po.reason = OrderStatus.REJECTED, f"insufficient {quote} (paper)"
                raise Rejected(f"Insufficient {quote} balance (paper).")
            free[quote] = free.get(quote, ZERO) - pay
            free[base] = free.get(base, ZERO) + get
        else:
            if free.get(base, ZERO) < qty:
                raise Rejected(f"Insufficient {base} balance (paper).")
            fee, fee_asset = paper_fee(cost, rate), quote
            free[base] -= qty
            free[quote] = free.get(quote, ZERO) + cost - fee
        return fee, fee_asset

    def _execute_futures(
        self, po: PaperOrder, qty: Decimal, price: Decimal, rate: Decimal
    ) -> tuple[Decimal, str]:
        sym = po.req.symbol
        st, lev = self._positions.get(
            sym, (PositionState(ZERO, ZERO), self._leverage.get(sym, self._default_leverage))
        )
        lev = self._leverage.get(sym, lev)
        if po.req.reduce_only:
            qty = min(qty, abs(st.qty))
            reduces = (st.qty > 0 and po.req.side is Side.SELL) or (
                st.qty < 0 and po.req.side is Side.BUY
            )
            if qty == 0 or not reduces:
                raise Rejected("ReduceOnly order rejected: no position to reduce (paper).")
        fee = paper_fee(qty * price, rate)
        effect = apply_fill(st, po.req.side, qty, price, fee, "USDT", sym.base)
        wallet = self._free.get("USDT", ZERO)
        new_used = self._used_margin() - abs(st.qty) * st.entry_price / lev
        new_used += abs(effect.position.qty) * effect.position.entry_price / lev
        if abs(effect.position.qty) > abs(st.qty) and new_used > wallet + effect.realized:
            po.status, po.reason = OrderStatus.REJECTED, "Margin is insufficient. (paper)"
            raise Rejected("Margin is insufficient (paper).")
        self._free["USDT"] = wallet + effect.realized
        self._positions[sym] = (effect.position, lev)
        return fee, "USDT"

    def _used_margin(self) -> Decimal:
        return sum(
            (abs(st.qty) * st.entry_price / lev for st, lev in self._positions.values()), ZERO
        )
