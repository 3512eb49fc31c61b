"""Orders, fills, positions and balances. Money is Decimal everywhere in here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from core.market import Side
from core.symbols import Instrument
from core.text import Text


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP_MARKET = "stop_market"
    TAKE_PROFIT_MARKET = "take_profit_market"


class OrderStatus(StrEnum):
    """Order life cycle. States only move forward (see `can_move`)."""

    INTENT = "intent"  # written locally, not yet acknowledged by the venue
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @property
    def is_final(self) -> bool:
        return self in (OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED)


_RANK = {
    OrderStatus.INTENT: 0,
    OrderStatus.OPEN: 1,
    OrderStatus.PARTIALLY_FILLED: 2,
    OrderStatus.FILLED: 3,
    OrderStatus.CANCELLED: 3,
    OrderStatus.REJECTED: 3,
}


def can_move(current: OrderStatus, new: OrderStatus) -> bool:
    """True when `current -> new` is a forward move (a final state never changes)."""
    if current.is_final:
        return False
    if new is OrderStatus.PARTIALLY_FILLED and current is OrderStatus.PARTIALLY_FILLED:
        return True
    return _RANK[new] > _RANK[current]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a strategy or a user asks for, before validation and rounding."""

    instrument: Instrument
    side: Side
    type: OrderType
    qty: Decimal | None = None  # base quantity
    price: Decimal | None = None  # limit price
    quote_amount: Decimal | None = None  # spend this much quote (market buys)
    trigger_price: Decimal | None = None
    reduce_only: bool = False
    leverage: int | None = None
    bot: str | None = None  # which bot asked; None for manual orders
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Order:
    client_id: str  # ours; newClientOrderId on Binance, identifier on Upbit
    instrument: Instrument
    side: Side
    type: OrderType
    qty: Decimal
    price: Decimal | None
    status: OrderStatus
    filled_qty: Decimal = Decimal(0)
    avg_price: Decimal | None = None
    exchange_id: str | None = None
    paper: bool = True
    bot: str | None = None
    reduce_only: bool = False
    trigger_price: Decimal | None = None
    created_ts: float = 0.0
    updated_ts: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution. `fill_id` is unique per venue and makes recording idempotent."""

    fill_id: str
    client_id: str
    instrument: Instrument
    side: Side
    qty: Decimal
    price: Decimal
    fee: Decimal
    fee_asset: str
    ts: float
    paper: bool = True


@dataclass(frozen=True, slots=True)
class Position:
    instrument: Instrument
    qty: Decimal  # signed: > 0 long, < 0 short
    entry_price: Decimal
    leverage: int = 1
    realized_pnl: Decimal = Decimal(0)
    paper: bool = True
    bot: str | None = None
    liquidation_price: Decimal | None = None  # as the venue computes it (futures; None: unknown)


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    venue_label: str
    balances: tuple[Balance, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class OrderResult:
    """What the order layer answers a bot: what was filled, or why it was refused.

    `filled_qty` is what the account actually holds afterwards (a fee charged in the bought
    asset is already taken off) and `fee` is in the quote currency, so a bot's own book-keeping
    matches the account's.
    """

    accepted: bool
    reason: str | Text = ""  # a refusal: the order layer's `Text`, or a venue's own words
    client_id: str | None = None
    filled_qty: Decimal = Decimal(0)
    avg_price: Decimal | None = None
    fee: Decimal = Decimal(0)
    # An exit: the realised PnL of the trade it closed (or reduced), fees included, as the
    # order layer's ledger books it; the bot reports this figure, not its own estimate.
    realized: Decimal | None = None

    @classmethod
    def refused(cls, reason: str | Text) -> OrderResult:
        return cls(False, reason)


@dataclass(frozen=True, slots=True)
class Brackets:
    """A bot's stop-loss / take-profit distance from the entry price, in percent."""

    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None


@runtime_checkable
class OrderGateway(Protocol):
    """The order layer as a bot sees it (implemented by the trading layer and paper models)."""

    async def submit(self, req: OrderRequest) -> OrderResult:
        """Validate (risk checks) and execute a market order; never raises for a refusal."""
        ...


@runtime_checkable
class GatewaySource(Protocol):
    """Provides the `OrderGateway` bots trade through (the trading provider on the facade)."""

    def gateway(self, brackets: Mapping[str, Brackets] | None = None) -> OrderGateway: ...
