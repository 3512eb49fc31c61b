"""Fills, positions and balances in SQLite (part of `trading.store.TradingStore`).

A fill is recorded at most once per (venue, fill_id), and the position it changes is updated in
the same transaction, so a crash can never record a fill without its position or twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.market import Side
from core.orders import Balance, Fill, Position
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from trading.pnl import PositionState, apply_fill


def _named(row: sqlite3.Row | tuple[object, ...], names: list[str]) -> dict[str, Any]:
    return dict(zip(names, row, strict=True))


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


class FillRecords:
    """The fills, positions and balances tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

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

    async def fills_for(self, inst: Instrument, paper: bool) -> list[FillRow]:
        """Every recorded fill on one market, oldest first (who holds what of its position)."""
        rows = await self.db.fetchall(
            f"SELECT {_FILL_COLS} FROM fills WHERE venue = ? AND symbol = ? AND paper = ? "
            "ORDER BY ts, rowid",
            (inst.venue.value, str(inst.symbol), int(paper)),
        )
        return [_fill_row(r) for r in rows]

    async def fills_in_order(self, paper: bool) -> list[FillRow]:
        """Every recorded fill, in the order it was recorded (the order the positions moved):
        what the trade book (`trading.trades`) is replayed from at start."""
        rows = await self.db.fetchall(
            f"SELECT {_FILL_COLS} FROM fills WHERE paper = ? ORDER BY rowid", (int(paper),)
        )
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
