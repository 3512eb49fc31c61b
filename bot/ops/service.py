"""What /status, /backup and the daily report ask of operations: database size, backups (on a
schedule and on demand), the heartbeat's state, the daily "still alive" line."""

from __future__ import annotations

import asyncio
from pathlib import Path

from loguru import logger

from bot.i18n import tr
from bot.ops.heartbeat import Heartbeat
from bot.settings_sections import OpsSettings
from core.clock import Clock
from core.storage import Database
from core.storage.backup import BackupError, backup, backups
from core.storage.retention import db_size, human_size

MIN_BACKUP_WAIT = 60.0  # never back up twice within a minute, whatever the file times say


def age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


class Ops:
    def __init__(
        self,
        db: Database,
        settings: OpsSettings,
        backup_dir: Path,
        clock: Clock,
        language: str,
        started_at: float,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._backup_dir = backup_dir
        self._clock = clock
        self._language = language
        self._started_at = started_at
        self.heartbeat = heartbeat
        self._backup_lock = asyncio.Lock()  # one copy at a time: the schedule and /backup

    @property
    def backup_dir(self) -> Path:
        return self._backup_dir

    async def backup_now(self) -> Path:
        """Write a backup now; raises BackupError with a message for the user."""
        async with self._backup_lock:
            path = await backup(
                self._db.path, self.backup_dir, self._clock.now(), self._settings.backup_keep
            )
        logger.info("backup written: {}", path)
        return path

    def last_backup(self) -> Path | None:
        found = backups(self.backup_dir)
        return found[-1] if found else None

    async def run_backups(self) -> None:
        """The schedule: every BACKUP_INTERVAL_HOURS, counted from the newest backup on disk so a
        restart neither skips one nor takes an extra one."""
        interval = self._settings.backup_interval_hours * 3600.0
        while True:
            last = self.last_backup()
            due = last.stat().st_mtime + interval if last is not None else self._clock.now()
            await self._clock.sleep(max(MIN_BACKUP_WAIT, due - self._clock.now()))
            try:
                await self.backup_now()
            except BackupError as exc:
                logger.error("scheduled backup failed: {}", exc)
                await self._clock.sleep(interval / 4)

    def _t(self, key: str, **params: object) -> str:
        return tr(self._language, key, **params)

    def backup_line(self) -> str:
        last = self.last_backup()
        if last is None:
            return self._t("ops.backup_none")
        ago = age(self._clock.now() - last.stat().st_mtime)
        return self._t("ops.backup_last", name=last.name, age=ago)

    def heartbeat_line(self) -> str:
        hb = self.heartbeat
        if hb is None:
            return self._t("ops.hb.off")
        if hb.held is not None:
            why = self._t(hb.held.key, name=hb.held.name, age=age(hb.held.seconds))
            return self._t("ops.hb.held", why=why)
        if hb.failure is not None:
            return self._t("ops.hb.failing", error=hb.failure)
        if hb.last_ping is None:
            return self._t("ops.hb.waiting")
        return self._t("ops.hb.ok", age=age(self._clock.now() - hb.last_ping), n=hb.pings)

    async def status_lines(self) -> list[str]:
        size = await db_size(self._db)
        return [
            self._t("ops.db_size", size=human_size(size.total), free=human_size(size.free_bytes)),
            self.backup_line(),
            self.heartbeat_line(),
        ]

    async def report_lines(self, since: float, until: float) -> list[str]:
        """The daily report's "still alive" line: the report itself arriving is the proof."""
        size = await db_size(self._db)
        last = self.last_backup()
        return [
            self._t(
                "ops.alive",
                up=age(self._clock.now() - self._started_at),
                size=human_size(size.total),
                backup=last.name if last is not None else self._t("ops.never"),
            ),
            self.heartbeat_line(),
        ]
