"""Bithumb API 2.0 order and account replies -> `VenueOrder` / `Fill` / `Balance` (pure).

ccxt (4.5.x) signs and sends these calls, but its unified parse of a v2 order loses what the
money path needs: no trades (their ids are `uuid`, which it does not read), no filled volume
of a market buy (it derives `filled` from `volume`, which a buy by KRW total has not). So the
wire dict is read here, as the venue names its fields.

An order (`GET /v1/order`, `GET /v1/orders`), trimmed:
    {"uuid": "C0101000003152406454", "side": "bid", "ord_type": "limit", "price": "9500000",
     "state": "wait", "market": "KRW-BTC", "created_at": "2026-07-04T15:05:46+09:00",
     "volume": "0.001", "remaining_volume": "0.001", "paid_fee": "0", "locked": "9524.75",
     "executed_volume": "0", "executed_funds": "0", "trades_count": 0,
     "client_order_id": "kimp-1", "trades": [{"market": "KRW-BTC", "uuid": "...",
     "price": "9500000", "volume": "0.001", "funds": "9500", "side": "bid",
     "created_at": "2026-07-04T15:05:47+09:00"}]}
The reply to `POST /v2/orders` (a receipt: the order's state comes from a lookup):
    {"order_id": "C0101000003152350309", "market": "KRW-BTC", "side": "bid",
     "order_type": "limit", "created_at": "2026-07-04T14:39:04+09:00",
     "client_order_id": "kimp-1"}
An account (`GET /v1/accounts`):
    {"currency": "KRW", "balance": "51026", "locked": "0", "avg_buy_price": "0",
     "avg_buy_price_modified": false, "unit_currency": "KRW"}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from core.broker import VenueOrder
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue

ZERO = Decimal(0)
_STATE = {
    "wait": OrderStatus.OPEN,
    "watch": OrderStatus.OPEN,
    "done": OrderStatus.FILLED,
    "cancel": OrderStatus.CANCELLED,
}


def num(value: Any) -> Decimal | None:
    """A v2 number (a string such as "0.001", sometimes a JSON number); None when absent."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def epoch(text: Any) -> float | None:
    """`2026-07-04T15:05:46+09:00` (KST, with its offset) -> epoch seconds."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # never seen; Bithumb's clock is KST
        parsed = parsed.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))
    return parsed.timestamp()


def _side(raw: Any) -> Side:
    return Side.BUY if raw == "bid" else Side.SELL


def parse_receipt(raw: dict[str, Any], symbol: Symbol, client_id: str) -> VenueOrder:
    """The `POST /v2/orders` reply: accepted, nothing known yet of its fills."""
    kind = raw.get("order_type") or raw.get("ord_type")
    return VenueOrder(
        client_id=str(raw.get("client_order_id") or client_id),
        exchange_id=str(raw["order_id"]) if raw.get("order_id") else None,
        symbol=symbol,
        side=_side(raw.get("side")),
        type=OrderType.LIMIT if kind == "limit" else OrderType.MARKET,
        status=OrderStatus.OPEN,
        qty=ZERO,
        filled_qty=ZERO,
    )


def parse_order(
    raw: dict[str, Any], venue: Venue, symbol: Symbol, client_id: str, now: float
) -> VenueOrder:
    """A v2 order object; `client_id` when the reply does not echo it (orders placed before
    Bithumb added `client_order_id`, 2026-03-12). `now` stamps fills with no time."""
    kind = raw.get("ord_type") or raw.get("order_type")
    executed = num(raw.get("executed_volume")) or ZERO
    funds = num(raw.get("executed_funds"))
    status = _STATE.get(str(raw.get("state")), OrderStatus.OPEN)
    if status is OrderStatus.OPEN and executed > 0:
        status = OrderStatus.PARTIALLY_FILLED
    # A market buy by KRW total ends as `cancel` when the dust it could not spend is released:
    # it is done. (A market sell cut short stays cancelled with what it did fill.)
    if kind == "price" and status is OrderStatus.CANCELLED and executed > 0:
        status = OrderStatus.FILLED
    cid = str(raw.get("client_order_id") or client_id)
    vo = VenueOrder(
        client_id=cid,
        exchange_id=str(raw["uuid"]) if raw.get("uuid") else None,
        symbol=symbol,
        side=_side(raw.get("side")),
        type=OrderType.LIMIT if kind == "limit" else OrderType.MARKET,
        status=status,
        qty=num(raw.get("volume")) or executed,
        filled_qty=executed,
        avg_price=(funds / executed) if funds is not None and executed > 0 else None,
        price=num(raw.get("price")) if kind == "limit" else None,
    )
    fills = parse_trades(raw, venue, vo, now)
    return replace(vo, fills=fills) if fills else vo


def parse_trades(
    raw: dict[str, Any], venue: Venue, order: VenueOrder, now: float
) -> tuple[Fill, ...]:
    """The order's `trades`; Bithumb reports the fee per order (`paid_fee`, in KRW), so each
    trade carries its share by funds, as Upbit's does."""
    trades = [t for t in raw.get("trades") or [] if isinstance(t, dict) and t.get("uuid")]
    if not trades:
        return ()
    funds = [num(t.get("funds")) or (num(t.get("price")) or ZERO) * (num(t.get("volume")) or ZERO)
             for t in trades]  # fmt: skip
    total = sum(funds, ZERO)
    paid = num(raw.get("paid_fee")) or ZERO
    return tuple(
        Fill(
            fill_id=str(t["uuid"]),
            client_id=order.client_id,
            instrument=Instrument(venue, order.symbol),
            side=_side(t.get("side") or raw.get("side")),
            qty=num(t.get("volume")) or ZERO,
            price=num(t.get("price")) or ZERO,
            fee=(paid * f / total) if total else ZERO,
            fee_asset=order.symbol.quote,
            ts=epoch(t.get("created_at")) or now,
            paper=False,
        )
        for t, f in zip(trades, funds, strict=True)
    )


def parse_accounts(rows: Any) -> list[Balance]:
    """`GET /v1/accounts`: every currency held or locked (zero rows left out)."""
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not row.get("currency"):
            continue
        free, locked = num(row.get("balance")) or ZERO, num(row.get("locked")) or ZERO
        if free or locked:
            out.append(Balance(str(row["currency"]), free, locked))
    return out


def market_of(raw: dict[str, Any]) -> Symbol | None:
    """`KRW-BTC` -> BTC/KRW; None for anything else."""
    quote, _, base = str(raw.get("market") or "").partition("-")
    return Symbol(base, quote) if base and quote else None
