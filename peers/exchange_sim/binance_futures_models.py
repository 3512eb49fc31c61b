"""USDT-M futures account state and margin maths for the simulator (one-way mode only).

Kept simple but honest, in the spirit of Binance's documented formulas:
- entry price is the quantity-weighted average of fills that grow the position;
- unrealised PnL = positionAmt * (mark - entry);
- initial margin = |positionAmt| * mark / leverage; open-order margin = qty * price / leverage;
- maintenance margin = |notional| * maintMarginRate - maintAmount (leverage brackets);
- cross: margin balance = cross wallet + cross uPnL, liquidated when it falls to the summed cross
  maintenance margin; isolated: isolatedWallet + uPnL falls to the position's maintenance margin;
- liquidation price solves WB + amt*(p - entry) = |amt|*p*mmr - cum for p (0 when none exists).
Funding payments are not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Bracket:
    bracket: int
    initial_leverage: int
    notional_cap: Decimal
    notional_floor: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal


def brackets_for(max_leverage: int) -> tuple[Bracket, ...]:
    """A short Binance-like bracket ladder; the first tier allows `max_leverage`."""
    tiers = [
        (max_leverage, 50_000, "0.004"),
        (max(1, max_leverage * 4 // 5), 500_000, "0.005"),
        (max(1, max_leverage // 2), 10_000_000, "0.01"),
        (max(1, max_leverage // 5), 50_000_000, "0.025"),
        (max(1, max_leverage // 10), 100_000_000, "0.05"),
        (1, 1_000_000_000, "0.125"),
    ]
    out: list[Bracket] = []
    floor = ZERO
    cum = ZERO
    prev_mmr = ZERO
    for i, (lev, cap, mmr_s) in enumerate(tiers, start=1):
        mmr = Decimal(mmr_s)
        cum += floor * (mmr - prev_mmr)
        out.append(Bracket(i, lev, Decimal(cap), floor, mmr, cum))
        floor, prev_mmr = Decimal(cap), mmr
    return tuple(out)


def bracket_for(brackets: tuple[Bracket, ...], notional: Decimal) -> Bracket:
    n = abs(notional)
    for b in brackets:
        if n < b.notional_cap:
            return b
    return brackets[-1]


class MarginType(StrEnum):
    CROSSED = "CROSSED"
    ISOLATED = "ISOLATED"


@dataclass(slots=True)
class Position:
    symbol: str
    leverage: int = 20
    margin_type: MarginType = MarginType.CROSSED
    amt: Decimal = ZERO  # signed: > 0 long, < 0 short
    entry: Decimal = ZERO
    isolated_wallet: Decimal = ZERO
    update_ms: int = 0

    def upnl(self, mark: Decimal) -> Decimal:
        return self.amt * (mark - self.entry) if self.amt else ZERO

    def notional(self, mark: Decimal) -> Decimal:
        return self.amt * mark

    def initial_margin(self, mark: Decimal) -> Decimal:
        return abs(self.amt) * mark / self.leverage

    def maint_margin(self, mark: Decimal, brackets: tuple[Bracket, ...]) -> Decimal:
        if not self.amt:
            return ZERO
        b = bracket_for(brackets, self.notional(mark))
        return max(ZERO, abs(self.notional(mark)) * b.maint_margin_ratio - b.cum)

    def break_even(self, taker_fee: Decimal) -> Decimal:
        if not self.amt:
            return ZERO
        sign = 1 if self.amt > 0 else -1
        return self.entry * (1 + sign * 2 * taker_fee)

    def liquidation_price(
        self, wallet_backing: Decimal, mark: Decimal, brackets: tuple[Bracket, ...]
    ) -> Decimal:
        """Price at which `wallet_backing + uPnL` equals the maintenance margin (0 if never)."""
        if not self.amt:
            return ZERO
        b = bracket_for(brackets, self.notional(mark))
        denom = abs(self.amt) * b.maint_margin_ratio - self.amt
        if denom == 0:
            return ZERO
        price = (wallet_backing + b.cum - self.amt * self.entry) / denom
        return max(ZERO, price)


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"


@dataclass(slots=True)
class FuturesOrder:
    order_id: int
    client_id: str
    symbol: str
    side: str  # BUY | SELL
    type: str  # LIMIT | MARKET | LIQUIDATION
    orig_type: str
    qty: Decimal
    price: Decimal
    time_in_force: str
    reduce_only: bool
    close_position: bool
    time_ms: int
    update_ms: int
    status: OrderStatus = OrderStatus.NEW
    executed: Decimal = ZERO
    cum_quote: Decimal = ZERO
    stop_price: Decimal = ZERO
    working_type: str = "CONTRACT_PRICE"
    realized_pnl: Decimal = ZERO
    commission: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.qty - self.executed

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote / self.executed if self.executed else ZERO

    @property
    def is_open(self) -> bool:
        return self.status in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)

    @property
    def signed_side(self) -> int:
        return 1 if self.side == "BUY" else -1


@dataclass(frozen=True, slots=True)
class FuturesFill:
    trade_id: int
    price: Decimal
    qty: Decimal
    commission: Decimal
    realized_pnl: Decimal
    maker: bool
    ts_ms: int


class AlgoStatus(StrEnum):
    NEW = "NEW"
    CANCELED = "CANCELED"
    TRIGGERING = "TRIGGERING"
    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"


@dataclass(slots=True)
class AlgoOrder:
    algo_id: int
    client_algo_id: str
    symbol: str
    side: str
    order_type: str  # STOP_MARKET | TAKE_PROFIT_MARKET
    qty: Decimal
    trigger_price: Decimal
    close_position: bool
    reduce_only: bool
    working_type: str
    price_protect: bool
    create_ms: int
    update_ms: int
    status: AlgoStatus = AlgoStatus.NEW
    trigger_ms: int = 0
    actual_order_id: int | None = None
    actual_price: Decimal = ZERO

    @property
    def is_open(self) -> bool:
        return self.status == AlgoStatus.NEW

    def should_trigger(self, price: Decimal) -> bool:
        stop = self.order_type in ("STOP_MARKET", "STOP")
        if self.side == "BUY":
            return price >= self.trigger_price if stop else price <= self.trigger_price
        return price <= self.trigger_price if stop else price >= self.trigger_price


@dataclass(slots=True)
class FuturesAccount:
    api_key: str
    wallet: Decimal  # total USDT wallet balance, isolated wallets included
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[int, FuturesOrder] = field(default_factory=dict)
    algos: dict[int, AlgoOrder] = field(default_factory=dict)
    fills: dict[int, list[FuturesFill]] = field(default_factory=dict)
    default_leverage: int = 20
    update_ms: int = 0

    def position(self, symbol: str) -> Position:
        pos = self.positions.get(symbol)
        if pos is None:
            pos = self.positions[symbol] = Position(symbol, leverage=self.default_leverage)
        return pos

    def isolated_wallets(self) -> Decimal:
        return sum(
            (p.isolated_wallet for p in self.positions.values() if p.margin_type == "ISOLATED"),
            ZERO,
        )

    def cross_wallet(self) -> Decimal:
        return self.wallet - self.isolated_wallets()

    def open_orders(self, symbol: str | None = None) -> list[FuturesOrder]:
        return [o for o in self.orders.values() if o.is_open and symbol in (None, o.symbol)]

    def open_algos(self, symbol: str | None = None) -> list[AlgoOrder]:
        return [a for a in self.algos.values() if a.is_open and symbol in (None, a.symbol)]

    def order_margin(self, symbol: str | None = None) -> Decimal:
        """Initial margin locked by resting orders that would open or grow a position."""
        total = ZERO
        for o in self.open_orders(symbol):
            if o.reduce_only or o.type != "LIMIT":
                continue
            pos = self.position(o.symbol)
            total += o.remaining * o.price / pos.leverage
        return total
