"""The one interface the executor talks to: a live venue adapter or the paper broker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from core.account import AccountTrade
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, OrderType, Position
from core.rounding import MarketRules
from core.symbols import Symbol, Venue


@dataclass(frozen=True, slots=True)
class PlaceRequest:
    """Exactly what goes on the wire (already validated and rounded)."""

    client_id: str
    symbol: Symbol
    side: Side
    type: OrderType
    qty: Decimal | None
    price: Decimal | None = None
    quote_amount: Decimal | None = None
    trigger_price: Decimal | None = None
    reduce_only: bool = False

    @property
    def conditional(self) -> bool:
        return self.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """An order as the venue reports it (parsed at the adapter boundary)."""

    client_id: str
    exchange_id: str | None
    symbol: Symbol
    side: Side
    type: OrderType
    status: OrderStatus
    qty: Decimal
    filled_qty: Decimal
    avg_price: Decimal | None = None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    fills: tuple[Fill, ...] = ()  # when the answer carried them (Binance FULL, Upbit trades)
    reason: str = ""


UpdateListener = Callable[[VenueOrder], None]


class Broker(Protocol):
    venue: Venue
    paper: bool

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def rules(self, symbol: Symbol) -> MarketRules: ...

    async def last_price(self, symbol: Symbol) -> Decimal: ...

    async def place(self, req: PlaceRequest) -> VenueOrder: ...

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        """Look an order up by OUR client id; raises NotFound when the venue has none."""
        ...

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder: ...

    async def fills(self, order: VenueOrder) -> list[Fill]:
        """Every execution of `order` (fill ids are the venue's trade ids)."""
        ...

    async def open_orders(self) -> list[VenueOrder]: ...

    async def balances(self) -> list[Balance]: ...

    async def positions(self) -> list[Position]: ...

    async def set_leverage(self, symbol: Symbol, leverage: int) -> None: ...

    def set_listener(self, listener: UpdateListener) -> None:
        """Push updates (paper fills, futures user-data stream) to the executor."""
        ...


@runtime_checkable
class MarginModes(Protocol):
    """A futures broker that can switch a symbol between isolated and cross margin."""

    async def set_margin_mode(self, symbol: Symbol, mode: str) -> None: ...


@runtime_checkable
class TimeSynced(Protocol):
    """A broker that signs requests with a timestamp the venue checks against its own clock."""

    async def sync_time(self) -> float:
        """Measure our clock against the venue's, sign with the corrected time from now on, and
        return the offset in seconds (positive: our clock is ahead)."""
        ...


class EndedBy:
    """`VenueOrder.reason` when the venue ended a conditional order without executing it. The
    trading layer treats these as a protection failure, never as a cancel of ours."""

    EXPIRED = "expired"  # cancelled by the venue (e.g. a time or position condition)
    REJECTED = "rejected"  # refused by the matching engine when it triggered
    STUCK = "stuck"  # triggered, but no order came of it within the allowed time
    NO_ORDER = "no_order"  # reported finished, with no order behind it

    ALL = frozenset({EXPIRED, REJECTED, STUCK, NO_ORDER})


@runtime_checkable
class TradeHistory(Protocol):
    """A broker that can list the account's own trades on a market, whoever placed the order
    (Binance USDⓈ-M `/fapi/v1/userTrades`): what booking a change we did not see needs."""

    async def account_trades(self, symbol: Symbol, since: float) -> list[AccountTrade]:
        """Trades on `symbol` from `since` (epoch s) on, oldest first."""
        ...
