"""The owner of the `hedges` and `hedge_orders` tables.

A hedge row is written (state `opening` / `closing`) together with the client ids of the legs
it is about to send, in one transaction, BEFORE any leg goes out; each leg is then an ordinary
order of the order service (its own intent, client id and reconciliation). So after a crash the
hedge knows which orders are its own, and their fills (in the `fills` table) say what each leg
really holds: that is all the start-up repair needs (`trading.hedge.repair`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.hedge import HedgeDirection
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Venue


class HedgeState(StrEnum):
    OPENING = "opening"  # legs being sent (a crash here is repaired at start-up)
    OPEN = "open"  # both legs held, equal within the allowed mismatch
    CLOSING = "closing"  # closing legs being sent
    CLOSED = "closed"  # both legs flattened by a close
    UNWOUND = "unwound"  # a leg failed; the other was unwound; nothing left
    EXPOSED = "exposed"  # a leg failed and one-sided exposure remains (policy `alert`, or the
    # unwind failed): the user was told; /hedge close <id> flattens it
    REFUSED = "refused"  # nothing was sent

    @property
    def active(self) -> bool:
        """Still holding (or possibly holding) coins."""
        return self in (HedgeState.OPENING, HedgeState.OPEN, HedgeState.CLOSING, HedgeState.EXPOSED)


class Phase(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    ADJUST = "adjust"  # top-up / trim of a partial fill
    UNWIND = "unwind"  # the surviving leg flattened after the other failed
    REPAIR = "repair"  # start-up: a missing leg placed, or a lone leg flattened
    REDUCE = "reduce"  # a partial close: both legs reduced by one quantity, the rest kept
    OUTSIDE = "outside"  # not ours: the trade that closed a leg outside the hedge (by hand,
    # a liquidation), claimed by the watch so the hedge's PnL counts what it realised


@dataclass(frozen=True, slots=True)
class Ref:
    """Prices the hedge was decided on (mid of each book) and the USDT/KRW rate at that moment:
    the reference the PnL split measures slippage and the premium change against."""

    spot: Decimal  # KRW
    fut: Decimal  # USDT
    fx: Decimal  # KRW per USDT

    def dump(self) -> str:
        return json.dumps({"spot": str(self.spot), "fut": str(self.fut), "fx": str(self.fx)})

    @staticmethod
    def load(raw: str | None) -> Ref | None:
        if not raw:
            return None
        d = json.loads(raw)
        return Ref(Decimal(d["spot"]), Decimal(d["fut"]), Decimal(d["fx"]))

    @property
    def premium_pct(self) -> Decimal:
        """The premium of the spot price over the futures price in KRW, in percent."""
        return (self.spot / (self.fut * self.fx) - 1) * 100 if self.fut and self.fx else Decimal(0)


@dataclass(frozen=True, slots=True)
class HedgeRecord:
    hedge_id: str
    bot: str | None
    coin: str
    direction: HedgeDirection
    paper: bool
    state: HedgeState
    size_krw: Decimal | None
    leverage: int
    max_mismatch: Decimal
    opened_ts: float
    closed_ts: float | None
    open_ref: Ref | None
    close_ref: Ref | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class HedgeOrder:
    client_id: str
    hedge_id: str
    phase: Phase
    venue: Venue
    ts: float
    qty: Decimal | None = None  # an outside trade: the coins of it this hedge counts


_COLS = (
    "hedge_id, bot, coin, direction, paper, state, size_krw, leverage, max_mismatch, opened_ts, "
    "closed_ts, open_ref, close_ref, note"
)
_NAMES = [c.strip() for c in _COLS.split(",")]


def _record(raw: sqlite3.Row | tuple[object, ...]) -> HedgeRecord:
    r: dict[str, Any] = dict(zip(_NAMES, tuple(raw), strict=True))
    return HedgeRecord(
        r["hedge_id"], r["bot"], r["coin"], HedgeDirection(r["direction"]), bool(r["paper"]),
        HedgeState(r["state"]), Decimal(r["size_krw"]) if r["size_krw"] else None,
        int(r["leverage"]), Decimal(r["max_mismatch"]), float(r["opened_ts"]),
        float(r["closed_ts"]) if r["closed_ts"] is not None else None,
        Ref.load(r["open_ref"]), Ref.load(r["close_ref"]), r["note"] or "",
    )  # fmt: skip


OUTSIDE_KEY = "hedge_outside:"  # kv: client ids of trades that closed a leg outside the hedge
REFS_KEY = "hedge_refs:"  # kv: a hedge's partial closes, client id -> the reference they were
# decided on (the hedge row keeps only the open and the final close reference)


class HedgeStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.kv = KeyValueStore(db)

    async def add_refs(self, hedge_id: str, cids: list[str], ref: Ref) -> None:
        """The reference prices of a partial close's orders, written before they are sent (a
        crash in between leaves them valued at the open reference: the split moves between
        premium and slippage, the total does not)."""
        refs = await self.refs(hedge_id)
        refs.update(dict.fromkeys(cids, ref))
        raw = {cid: r.dump() for cid, r in refs.items()}
        await self.kv.set(REFS_KEY + hedge_id, json.dumps(raw))

    async def add_outside(self, hedge_id: str, claims: list[HedgeOrder]) -> None:
        """Trades that closed a leg of the hedge outside it (kept beside the hedge's own orders:
        they are not its orders, and one liquidation may close the legs of several hedges)."""
        known = await self._outside(hedge_id)
        known += [c for c in claims if c.client_id not in {k.client_id for k in known}]
        raw = [[c.client_id, c.venue.value, c.ts, str(c.qty)] for c in known]
        await self.kv.set(OUTSIDE_KEY + hedge_id, json.dumps(raw))

    async def _outside(self, hedge_id: str) -> list[HedgeOrder]:
        raw = await self.kv.get(OUTSIDE_KEY + hedge_id)
        rows = json.loads(raw) if raw else []
        return [
            HedgeOrder(r[0], hedge_id, Phase.OUTSIDE, Venue(r[1]), float(r[2]), Decimal(r[3]))
            for r in rows
        ]

    async def claimed(self) -> tuple[set[str], dict[str, Decimal]]:
        """What hedges already count: the client ids of their own orders, and the coins of each
        outside trade they claimed (one liquidation may close several hedges' legs)."""
        rows = await self.db.fetchall("SELECT client_id FROM hedge_orders")
        own = {str(r[0]) for r in rows}
        used: dict[str, Decimal] = {}
        for row in await self.db.fetchall(
            "SELECT value FROM kv WHERE key LIKE ?", (OUTSIDE_KEY + "%",)
        ):
            for r in json.loads(row[0]):
                used[r[0]] = used.get(r[0], Decimal(0)) + Decimal(r[3])
        return own, used

    async def refs(self, hedge_id: str) -> dict[str, Ref]:
        raw = await self.kv.get(REFS_KEY + hedge_id)
        if not raw:
            return {}
        out: dict[str, Ref] = {}
        for cid, dumped in json.loads(raw).items():
            ref = Ref.load(dumped)
            if ref is not None:
                out[cid] = ref
        return out

    async def create(
        self, rec: HedgeRecord, legs: list[tuple[str, Venue]], phase: Phase, now: float
    ) -> None:
        """The hedge and the client ids of its first legs, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO hedges (hedge_id, bot, coin, direction, paper, state, size_krw, "
                "leverage, max_mismatch, opened_ts, closed_ts, updated_ts, open_ref, close_ref, "
                "note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rec.hedge_id, rec.bot, rec.coin, rec.direction.value, int(rec.paper),
                    rec.state.value, str(rec.size_krw) if rec.size_krw is not None else None,
                    rec.leverage, str(rec.max_mismatch), rec.opened_ts, rec.closed_ts, now,
                    rec.open_ref.dump() if rec.open_ref else None,
                    rec.close_ref.dump() if rec.close_ref else None, rec.note,
                ),
            )  # fmt: skip
            for cid, venue in legs:
                await conn.execute(
                    "INSERT INTO hedge_orders (client_id, hedge_id, phase, venue, ts) "
                    "VALUES (?,?,?,?,?)",
                    (cid, rec.hedge_id, phase.value, venue.value, now),
                )

    async def add_orders(
        self, hedge_id: str, legs: list[tuple[str, Venue]], phase: Phase, now: float
    ) -> None:
        """More orders of a hedge (close, top-up, unwind, repair), written before they are sent;
        `state` moves with them when the phase changes what the hedge is doing."""
        async with self.db.transaction() as conn:
            for cid, venue in legs:
                await conn.execute(
                    "INSERT INTO hedge_orders (client_id, hedge_id, phase, venue, ts) "
                    "VALUES (?,?,?,?,?)",
                    (cid, hedge_id, phase.value, venue.value, now),
                )

    async def set_state(
        self,
        hedge_id: str,
        state: HedgeState,
        now: float,
        *,
        note: str | None = None,
        close_ref: Ref | None = None,
        closed: bool = False,
    ) -> None:
        sets, params = ["state = ?", "updated_ts = ?"], [state.value, now]
        if note is not None:
            sets.append("note = ?")
            params.append(note)
        if close_ref is not None:
            sets.append("close_ref = ?")
            params.append(close_ref.dump())
        if closed:
            sets.append("closed_ts = ?")
            params.append(now)
        await self.db.execute(
            f"UPDATE hedges SET {', '.join(sets)} WHERE hedge_id = ?", (*params, hedge_id)
        )

    async def get(self, hedge_id: str) -> HedgeRecord | None:
        row = await self.db.fetchone(f"SELECT {_COLS} FROM hedges WHERE hedge_id = ?", (hedge_id,))
        return _record(row) if row is not None else None

    async def hedges(
        self, paper: bool, *, active: bool | None = None, bot: str | None = None, limit: int = 50
    ) -> list[HedgeRecord]:
        """Newest first; `active` True: only those still holding coins (False: only finished)."""
        rows = await self.db.fetchall(
            f"SELECT {_COLS} FROM hedges WHERE paper = ? ORDER BY opened_ts DESC, hedge_id LIMIT ?",
            (int(paper), limit if active is None else 100_000),
        )
        out = [_record(r) for r in rows]
        if active is not None:
            out = [r for r in out if r.state.active == active][:limit]
        if bot is not None:
            out = [r for r in out if r.bot == bot]
        return out

    async def orders(self, hedge_id: str) -> list[HedgeOrder]:
        rows = await self.db.fetchall(
            "SELECT client_id, hedge_id, phase, venue, ts FROM hedge_orders WHERE hedge_id = ? "
            "ORDER BY ts, rowid",
            (hedge_id,),
        )
        own = [HedgeOrder(r[0], r[1], Phase(r[2]), Venue(r[3]), float(r[4])) for r in rows]
        return own + await self._outside(hedge_id)
