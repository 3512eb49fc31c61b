"""Bots, their run state, open positions and decisions in SQLite (tables `bots`, `decisions`,
and `kv` for each bot's open positions)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from core.clock import Clock
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text, dump_text, load_text
from strategies.botconfig import BotDefinition
from strategies.engine import Decision, OpenPosition


class RunState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class BotRow:
    name: str
    state: RunState
    paused: bool
    definition: str


@dataclass(frozen=True, slots=True)
class DecisionRow:
    bot: str
    symbol: str
    action: str
    taken: bool
    reason: str | Text  # a stored `Text` is worded when read; older rows are plain words
    ts: float
    candle_ts: int | None = None  # open time (ms) of the candle the signal came from


class BotStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._kv = KeyValueStore(db, clock)

    @property
    def clock(self) -> Clock:
        return self._clock

    async def sync(self, definitions: list[BotDefinition]) -> dict[str, BotRow]:
        """Write the current definitions; new bots start stopped (or running with autostart).
        Returns every stored bot, including ones no longer in the file."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            for d in definitions:
                state = RunState.RUNNING if d.autostart else RunState.STOPPED
                await conn.execute(
                    "INSERT INTO bots(name, definition, state, paused, updated_ts) "
                    "VALUES (?, ?, ?, 0, ?) ON CONFLICT(name) DO UPDATE SET "
                    "definition = excluded.definition",
                    (d.name, d.to_json(), state.value, now),
                )
        return await self.rows()

    async def rows(self) -> dict[str, BotRow]:
        rows = await self._db.fetchall("SELECT name, state, paused, definition FROM bots")
        return {
            r[0]: BotRow(
                r[0], RunState(r[1]) if r[1] in RunState else RunState.STOPPED, bool(r[2]), r[3]
            )
            for r in rows
        }

    async def set_state(self, name: str, state: RunState) -> None:
        await self._db.execute(
            "UPDATE bots SET state = ?, updated_ts = ? WHERE name = ?",
            (state.value, self._clock.now(), name),
        )

    async def set_paused(self, name: str, paused: bool) -> None:
        await self._db.execute(
            "UPDATE bots SET paused = ?, updated_ts = ? WHERE name = ?",
            (int(paused), self._clock.now(), name),
        )

    async def record(self, bot: str, decisions: list[Decision]) -> None:
        if not decisions:
            return
        now = self._clock.now()
        await self._db.executemany(
            "INSERT INTO decisions(bot, symbol, action, taken, reason, ts, candle_ts) "
            "VALUES (?,?,?,?,?,?,?)",
            [
                (
                    bot,
                    str(d.signal.instrument.symbol),
                    d.signal.action.value,
                    int(d.taken),
                    dump_text(d.reason),
                    now,
                    d.signal.candle_ts,
                )
                for d in decisions
            ],
        )

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): the oldest decisions logged before
        `cutoff`, at most `limit` of them (ids grow with time, so the oldest come first)."""
        return await self._db.execute(
            "DELETE FROM decisions WHERE id IN "
            "(SELECT id FROM decisions WHERE ts < ? ORDER BY id LIMIT ?)",
            (cutoff, limit),
        )

    async def decisions(self, bot: str | None = None, limit: int = 20) -> list[DecisionRow]:
        where, args = ("WHERE bot = ?", (bot,)) if bot else ("", ())
        rows = await self._db.fetchall(
            f"SELECT bot, symbol, action, taken, reason, ts, candle_ts FROM decisions {where} "
            "ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return [
            DecisionRow(r[0], r[1], r[2], bool(r[3]), load_text(r[4]), r[5], r[6]) for r in rows
        ]

    # Open positions per bot live in kv so a restarted bot knows what it holds.
    async def save_positions(self, bot: str, positions: dict[Instrument, OpenPosition]) -> None:
        value = json.dumps(
            [
                {"venue": i.venue.value, "symbol": str(i.symbol), **asdict(p)}
                for i, p in positions.items()
            ]
        )
        await self._kv.set(f"bot_positions:{bot}", value)

    async def load_positions(self, bot: str) -> dict[Instrument, OpenPosition]:
        value = await self._kv.get(f"bot_positions:{bot}")
        if value is None:
            return {}
        out: dict[Instrument, OpenPosition] = {}
        for item in json.loads(value):
            inst = Instrument(Venue(item.pop("venue")), Symbol.parse(item.pop("symbol")))
            out[inst] = OpenPosition(**item)
        return out
