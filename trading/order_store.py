"""Order rows in SQLite: intents, status moves, lookups (part of `trading.store.TradingStore`).

An order's status only moves forward (`core.orders.can_move`); its filled quantity never goes
down.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.market import Side
from core.orders import Order, OrderStatus, OrderType, can_move
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


_ORDER_COLS = (
    "client_id, venue, symbol, side, type, qty, price, trigger_price, reduce_only, status, "
    "filled_qty, avg_price, exchange_id, paper, bot, reason, parent_client_id, quote_amount, "
    "leverage, created_ts, updated_ts"
)


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """An order row: the domain order plus what only storage knows."""

    order: Order
    parent_client_id: str | None = None
    quote_amount: Decimal | None = None
    leverage: int | None = None


_ORDER_NAMES = [c.strip() for c in _ORDER_COLS.split(",")]


def _named(row: sqlite3.Row | tuple[object, ...], names: list[str]) -> dict[str, Any]:
    return dict(zip(names, row, strict=True))


def _order(raw: sqlite3.Row) -> StoredOrder:
    row = _named(raw, _ORDER_NAMES)
    inst = Instrument(Venue(row["venue"]), Symbol.parse(row["symbol"]))
    order = Order(
        client_id=row["client_id"],
        instrument=inst,
        side=Side(row["side"]),
        type=OrderType(row["type"]),
        qty=Decimal(row["qty"]),
        price=_d(row["price"]),
        status=OrderStatus(row["status"]),
        filled_qty=Decimal(row["filled_qty"]),
        avg_price=_d(row["avg_price"]),
        exchange_id=row["exchange_id"],
        paper=bool(row["paper"]),
        bot=row["bot"],
        reduce_only=bool(row["reduce_only"]),
        trigger_price=_d(row["trigger_price"]),
        created_ts=row["created_ts"],
        updated_ts=row["updated_ts"],
        reason=row["reason"],
    )
    return StoredOrder(order, row["parent_client_id"], _d(row["quote_amount"]), row["leverage"])


class OrderRecords:
    """The orders table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- orders -----------------------------------------------------------------------------
    async def insert_intent(
        self,
        order: Order,
        *,
        parent: str | None = None,
        quote_amount: Decimal | None = None,
        leverage: int | None = None,
    ) -> None:
        """Write the order before anything is sent. The client id is the primary key."""
        o = order
        await self.db.execute(
            f"INSERT INTO orders ({_ORDER_COLS}) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                o.client_id,
                o.instrument.venue.value,
                str(o.instrument.symbol),
                o.side.value,
                o.type.value,
                str(o.qty),
                _s(o.price),
                _s(o.trigger_price),
                int(o.reduce_only),
                o.status.value,
                str(o.filled_qty),
                _s(o.avg_price),
                o.exchange_id,
                int(o.paper),
                o.bot,
                o.reason,
                parent,
                _s(quote_amount),
                leverage,
                o.created_ts,
                o.updated_ts,
            ),
        )

    async def get(self, client_id: str) -> StoredOrder | None:
        row = await self.db.fetchone(
            f"SELECT {_ORDER_COLS} FROM orders WHERE client_id = ?", (client_id,)
        )
        return None if row is None else _order(row)

    async def advance(
        self,
        client_id: str,
        status: OrderStatus,
        ts: float,
        *,
        filled_qty: Decimal | None = None,
        avg_price: Decimal | None = None,
        exchange_id: str | None = None,
        reason: str | None = None,
    ) -> Order | None:
        """Move an order forward. Returns the new order, or None when nothing changed.

        A backward or sideways move (e.g. a stale poll answer after a stream update) is ignored;
        the filled quantity is the maximum of what we had and what we are told.
        """
        async with self.db.transaction() as conn:
            async with conn.execute(
                f"SELECT {_ORDER_COLS} FROM orders WHERE client_id = ?", (client_id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return None
            cur_order = _order(row).order
            moved = status != cur_order.status and can_move(cur_order.status, status)
            new_status = status if moved else cur_order.status
            new_filled = cur_order.filled_qty
            if filled_qty is not None and filled_qty > new_filled and not cur_order.status.is_final:
                new_filled = filled_qty
            new_avg = avg_price if avg_price is not None and new_filled > 0 else cur_order.avg_price
            new_xid = cur_order.exchange_id or exchange_id
            new_reason = reason if (reason and moved) else cur_order.reason
            if (new_status, new_filled, new_avg, new_xid, new_reason) == (
                cur_order.status,
                cur_order.filled_qty,
                cur_order.avg_price,
                cur_order.exchange_id,
                cur_order.reason,
            ):
                return None
            await conn.execute(
                "UPDATE orders SET status=?, filled_qty=?, avg_price=?, exchange_id=?, reason=?,"
                " updated_ts=? WHERE client_id=?",
                (
                    new_status.value,
                    str(new_filled),
                    _s(new_avg),
                    new_xid,
                    new_reason,
                    ts,
                    client_id,
                ),
            )
        return replace(
            cur_order,
            status=new_status,
            filled_qty=new_filled,
            avg_price=new_avg,
            exchange_id=new_xid,
            reason=new_reason,
            updated_ts=ts,
        )

    async def open_orders(self, paper: bool | None = None) -> list[StoredOrder]:
        final = tuple(s.value for s in OrderStatus if s.is_final)
        sql = f"SELECT {_ORDER_COLS} FROM orders WHERE status NOT IN (?,?,?)"
        params: tuple[object, ...] = final
        if paper is not None:
            sql += " AND paper = ?"
            params += (int(paper),)
        rows = await self.db.fetchall(sql + " ORDER BY created_ts", params)
        return [_order(r) for r in rows]

    async def children(self, parent: str) -> list[StoredOrder]:
        rows = await self.db.fetchall(
            f"SELECT {_ORDER_COLS} FROM orders WHERE parent_client_id = ? ORDER BY created_ts",
            (parent,),
        )
        return [_order(r) for r in rows]

    async def recent_orders(self, limit: int, paper: bool | None = None) -> list[StoredOrder]:
        where, params = ("WHERE paper = ?", (int(paper),)) if paper is not None else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {_ORDER_COLS} FROM orders {where} ORDER BY created_ts DESC LIMIT ?",
            (*params, limit),
        )
        return [_order(r) for r in rows]
