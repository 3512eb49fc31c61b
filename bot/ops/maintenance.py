"""Bounded storage: prune each table by its retention, checkpoint the WAL, vacuum at the quiet
hour. One supervised task; every write is a small batch, so the stream pipeline's writes wait
for one batch at most, never for a whole table."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from loguru import logger

from core.clock import Clock
from core.storage import Database
from core.storage.retention import RetentionRule, checkpoint, db_size, vacuum

DAY = 86_400.0
BATCH_ROWS = 500  # rows per DELETE: a few milliseconds of the connection
PASS_EVERY = 900.0  # seconds between passes; often enough to hit the quiet hour
BATCH_GAP = 0.005  # seconds between batches: spreads a big backlog instead of a burst
VACUUM_MIN_FREE = 0.25  # vacuum only when at least this share of the file is free pages
VACUUM_GAP = 20 * 3600.0  # at most one vacuum a day


class Maintenance:
    def __init__(
        self,
        db: Database,
        rules: list[RetentionRule],
        clock: Clock,
        tz: ZoneInfo,
        quiet_hour: int,
        batch: int = BATCH_ROWS,
    ) -> None:
        self._db = db
        self._rules = rules
        self._clock = clock
        self._tz = tz
        self._quiet_hour = quiet_hour
        self._batch = batch
        self._last_vacuum = float("-inf")
        self.pruned: dict[str, int] = {r.table: 0 for r in rules}  # since start, for /status

    async def prune(self) -> dict[str, int]:
        """Delete every row past its table's retention, a batch at a time. Returns the counts."""
        now = self._clock.now()
        done: dict[str, int] = {}
        for rule in self._rules:
            if rule.keep_seconds <= 0:
                continue
            cutoff = now - rule.keep_seconds
            total = 0
            while True:
                n = await rule.store.prune_before(cutoff, self._batch)
                total += n
                if n < self._batch:
                    break
                await asyncio.sleep(BATCH_GAP)  # queued writers and the loop go between batches
            done[rule.table] = total
            self.pruned[rule.table] += total
        return done

    def quiet_now(self) -> bool:
        local = datetime.fromtimestamp(self._clock.now(), self._tz)
        return local.hour == self._quiet_hour

    async def upkeep(self) -> bool:
        """Checkpoint the WAL; at the quiet hour, vacuum when much of the file is free.
        Returns whether it vacuumed."""
        await checkpoint(self._db)
        if not self.quiet_now() or self._clock.monotonic() - self._last_vacuum < VACUUM_GAP:
            return False
        size = await db_size(self._db)
        if size.file_bytes == 0 or size.free_bytes < VACUUM_MIN_FREE * size.file_bytes:
            return False
        try:
            await vacuum(self._db)
        except sqlite3.OperationalError as exc:
            # e.g. a read still open on the shared connection: the next pass tries again.
            logger.warning("vacuum postponed: {}", exc)
            return False
        self._last_vacuum = self._clock.monotonic()
        logger.info("database vacuumed: {} free bytes given back", size.free_bytes)
        return True

    async def run_pass(self) -> None:
        pruned = await self.prune()
        if any(pruned.values()):
            logger.info(
                "retention: pruned {}", ", ".join(f"{t} {n}" for t, n in pruned.items() if n)
            )
        await self.upkeep()

    async def run(self) -> None:
        while True:
            await self.run_pass()
            await self._clock.sleep(PASS_EVERY)
