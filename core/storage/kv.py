"""A tiny key-value table for small durable facts (last daily report, thresholds changed at run time)."""

from __future__ import annotations

from core.clock import Clock, SystemClock
from core.storage.database import Database


class KeyValueStore:
    """The owner of the `kv` table: every feature keeps its small facts through it, under keys
    prefixed with what they are (`bot_positions:<bot>`, `kimp.alert_config`, ...)."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    async def get(self, key: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO kv(key, value, updated_ts) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ts = excluded.updated_ts",
            (key, value, self._clock.now()),
        )
