"""Orders, fills, positions and balances in SQLite (the repository the executor writes through).

Invariants enforced here, in one place:
- an order's status only moves forward (`core.orders.can_move`); its filled quantity
  never goes down;
- a fill is recorded at most once per (venue, fill_id), and the position it changes is updated in
  the same transaction, so a crash can never record a fill without its position or twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.market import Side
from core.orders import Balance, Fill, Order, OrderStatus, OrderType, Position, can_move
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from trading.pnl import PositionState, apply_fill


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


@dataclass(frozen=True, slots=True)
class FillRow:
    fill: Fill
    venue: Venue
    realized_pnl: Decimal
    bot: str | None


_FILL_COLS = (
    "fill_id, venue, client_id, symbol, side, qty, price, fee, fee_asset, ts, paper, "
    "realized_pnl, bot"
)
_FILL_NAMES = [c.strip() for c in _FILL_COLS.split(",")]


def _fill_row(raw: sqlite3.Row) -> FillRow:
    r = _named(raw, _FILL_NAMES)
    venue = Venue(r["venue"])
    fill = Fill(
        fill_id=r["fill_id"],
        client_id=r["client_id"],
        instrument=Instrument(venue, Symbol.parse(r["symbol"])),
        side=Side(r["side"]),
        qty=Decimal(r["qty"]),
        price=Decimal(r["price"]),
        fee=Decimal(r["fee"]),
        fee_asset=r["fee_asset"],
        ts=r["ts"],
        paper=bool(r["paper"]),
    )
    return FillRow(fill, venue, Decimal(r["realized_pnl"]), r["bot"])


class TradingStore:
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

    # --- fills and positions ----------------------------------------------------------------
    async def record_fill(
        self, fill: Fill, bot: str | None = None, leverage: int = 1
    ) -> Decimal | None:
        """Record a fill once and move the position with it, atomically.

        Returns the fill's realised PnL (quote currency, fee included), or None when this
        (venue, fill_id) was already recorded (a replay after a crash, or the same fill seen by
        both the stream and a poll).
        """
        inst = fill.instrument
        venue, symbol, paper = inst.venue.value, str(inst.symbol), int(fill.paper)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM fills WHERE venue = ? AND fill_id = ?", (venue, fill.fill_id)
            ) as cur:
                if await cur.fetchone() is not None:
                    return None
            async with conn.execute(
                "SELECT qty, entry_price, realized_pnl, leverage FROM positions "
                "WHERE venue=? AND symbol=? AND paper=?",
                (venue, symbol, paper),
            ) as cur:
                row = await cur.fetchone()
            pos = PositionState(
                Decimal(row[0]) if row else Decimal(0), Decimal(row[1]) if row else Decimal(0)
            )
            total_realized = Decimal(row[2]) if row else Decimal(0)
            effect = apply_fill(
                pos, fill.side, fill.qty, fill.price, fill.fee, fill.fee_asset, inst.symbol.base
            )
            await conn.execute(
                "INSERT INTO fills (fill_id, venue, client_id, symbol, side, qty, price, fee, "
                "fee_asset, ts, paper, realized_pnl, bot) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    fill.fill_id,
                    venue,
                    fill.client_id,
                    symbol,
                    fill.side.value,
                    str(fill.qty),
                    str(fill.price),
                    str(fill.fee),
                    fill.fee_asset,
                    fill.ts,
                    paper,
                    str(effect.realized),
                    bot,
                ),
            )
            lev = leverage if leverage > 1 or row is None else int(row[3])
            await conn.execute(
                "INSERT INTO positions (venue, symbol, paper, qty, entry_price, leverage, "
                "realized_pnl, bot, updated_ts) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(venue, symbol, paper) DO UPDATE SET qty=excluded.qty, "
                "entry_price=excluded.entry_price, leverage=excluded.leverage, "
                "realized_pnl=excluded.realized_pnl, bot=COALESCE(excluded.bot, positions.bot), "
                "updated_ts=excluded.updated_ts",
                (
                    venue,
                    symbol,
                    paper,
                    str(effect.position.qty),
                    str(effect.position.entry_price),
                    lev,
                    str(total_realized + effect.realized),
                    bot,
                    fill.ts,
                ),
            )
        return effect.realized

    async def fills(
        self, *, since: float = 0.0, limit: int = 1000, paper: bool | None = None
    ) -> list[FillRow]:
        sql = f"SELECT {_FILL_COLS} FROM fills WHERE ts >= ?"
        params: tuple[object, ...] = (since,)
        if paper is not None:
            sql += " AND paper = ?"
            params += (int(paper),)
        rows = await self.db.fetchall(sql + " ORDER BY ts DESC LIMIT ?", (*params, limit))
        return [_fill_row(r) for r in rows]

    async def fills_of(self, client_id: str) -> list[FillRow]:
        """Every recorded fill of one order, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_FILL_COLS} FROM fills WHERE client_id = ? ORDER BY ts", (client_id,)
        )
        return [_fill_row(r) for r in rows]

    async def fill_count(self, client_id: str) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM fills WHERE client_id=?", (client_id,))
        return int(row[0]) if row else 0

    async def positions(
        self, paper: bool | None = None, *, open_only: bool = True
    ) -> list[Position]:
        sql = "SELECT venue, symbol, paper, qty, entry_price, leverage, realized_pnl, bot "
        sql += "FROM positions"
        conds: list[str] = []
        params: list[object] = []
        if paper is not None:
            conds.append("paper = ?")
            params.append(int(paper))
        if conds:
            sql += " WHERE " + " AND ".join(conds)
        rows = await self.db.fetchall(sql, params)
        names = ["venue", "symbol", "paper", "qty", "entry_price", "leverage", "realized_pnl"]
        names.append("bot")
        out = []
        for raw in rows:
            r = _named(raw, names)
            qty = Decimal(r["qty"])
            if open_only and qty == 0:
                continue
            out.append(
                Position(
                    instrument=Instrument(Venue(r["venue"]), Symbol.parse(r["symbol"])),
                    qty=qty,
                    entry_price=Decimal(r["entry_price"]),
                    leverage=int(r["leverage"]),
                    realized_pnl=Decimal(r["realized_pnl"]),
                    paper=bool(r["paper"]),
                    bot=r["bot"],
                )
            )
        return out

    async def position(self, inst: Instrument, paper: bool) -> Position | None:
        for p in await self.positions(paper, open_only=False):
            if p.instrument == inst:
                return p
        return None

    async def set_position_qty(
        self, inst: Instrument, paper: bool, qty: Decimal, entry: Decimal, ts: float
    ) -> None:
        """Reconciliation: adopt the venue's position (reported to the user by the caller)."""
        await self.db.execute(
            "INSERT INTO positions (venue, symbol, paper, qty, entry_price, updated_ts) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT(venue, symbol, paper) DO UPDATE SET qty=excluded.qty,"
            " entry_price=excluded.entry_price, updated_ts=excluded.updated_ts",
            (inst.venue.value, str(inst.symbol), int(paper), str(qty), str(entry), ts),
        )

    # --- balances ---------------------------------------------------------------------------
    async def save_balances(
        self, venue: Venue, balances: list[Balance], paper: bool, ts: float
    ) -> None:
        rows = [
            (venue.value, b.asset, int(paper), str(b.free), str(b.locked), ts) for b in balances
        ]
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM balances WHERE venue = ? AND paper = ?", (venue.value, int(paper))
            )
            await conn.executemany(
                "INSERT INTO balances (venue, asset, paper, free, locked, updated_ts) "
                "VALUES (?,?,?,?,?,?)",
                rows,
            )

    async def balances(self, venue: Venue, paper: bool) -> list[Balance]:
        rows = await self.db.fetchall(
            "SELECT asset, free, locked FROM balances WHERE venue = ? AND paper = ?",
            (venue.value, int(paper)),
        )
        return [Balance(r[0], Decimal(r[1]), Decimal(r[2])) for r in rows]
