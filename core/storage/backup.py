"""Online backups with SQLite's backup API, written atomically, the newest N kept.

The copy is taken through a second, read-only connection in a worker thread: WAL mode lets it
read one consistent snapshot while the service keeps writing on its own connection, and the
service's connection is never held for the copy.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path

from core.storage.files import PRIVATE_FILE, private_dir
from core.text import Text

PREFIX = "bot-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^bot-\d{8}-\d{6}\.sqlite3$")


class BackupError(Exception):
    """The backup could not be written; `text` says why and what to do (worded by the app)."""

    def __init__(self, key: str, **params: object) -> None:
        self.text = Text.of(f"backup.{key}", **params)
        super().__init__(self.text)


def backup_name(at: float) -> str:
    return f"{PREFIX}{datetime.fromtimestamp(at, UTC):%Y%m%d-%H%M%S}{SUFFIX}"


def backups(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first (names sort by their UTC time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name))


def backup_file(source: Path, folder: Path, at: float, keep: int) -> Path:
    """Copy `source` to `folder/bot-<UTC time>.sqlite3` (0600), then delete all but the newest
    `keep` backups. Blocking: run it in a thread."""
    try:
        private_dir(folder)
    except OSError as exc:
        raise BackupError("no_folder", folder=folder, detail=exc.strerror) from None
    target = folder / backup_name(at)
    tmp = folder / f".{target.name}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
        os.close(fd)
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)  # one step: one read transaction, so one consistent snapshot
            # A self-contained file: no -wal beside it, so a plain copy restores it.
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError("copy_damaged", detail=check)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)  # atomic: a backup file is always whole
        with suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except sqlite3.Error as exc:
        raise BackupError("copy_failed", path=source, detail=str(exc)) from None
    except OSError as exc:
        raise BackupError("cannot_write", folder=folder, detail=exc.strerror) from None
    finally:
        tmp.unlink(missing_ok=True)
    for old in backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


async def backup(source: Path, folder: Path, at: float, keep: int) -> Path:
    """`backup_file` off the event loop."""
    return await asyncio.to_thread(backup_file, source, folder, at, keep)
