"""Restore a backup in place of the database: checked first, the current file kept aside.

Order matters: the backup is checked and copied beside the database before anything is moved, so
a bad backup or a full disk leaves the current database as it was. The current file and its
`-wal`/`-shm` are renamed aside together (never deleted): a `-wal` left beside the restored file
would be replayed onto pages it was never written for.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.storage.database import StorageError
from core.storage.files import PRIVATE_FILE
from core.storage.lock import InstanceLock
from core.storage.migrations import LATEST_VERSION, MIGRATIONS
from core.text import Text

SIDE_FILES = ("", "-wal", "-shm")  # the database and the files SQLite keeps beside it
BACKUP_COMMAND = "python -m bot backup"  # named in the refusals: how to make a good backup


class RestoreError(Exception):
    """The backup cannot be restored; `text` says why and what to do (worded by the app)."""

    def __init__(self, key: str, **params: object) -> None:
        self.text = Text.of(f"restore.{key}", **params)
        super().__init__(self.text)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a checked backup holds: its schema version and row counts of the main tables."""

    path: Path
    schema: int
    rows: dict[str, int]


@dataclass(frozen=True, slots=True)
class Restored:
    backup: BackupInfo
    db_path: Path
    kept: list[Path]  # the previous database's files, renamed aside


def expected_tables(version: int) -> set[str]:
    """The tables our migrations create up to `version` (built in memory, so a new migration
    needs no change here)."""
    with closing(sqlite3.connect(":memory:")) as mem:
        for script in MIGRATIONS[:version]:
            mem.executescript(script)
        return _tables(mem)


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(r[0]) for r in rows if not str(r[0]).startswith("sqlite_")}


def check_backup(path: Path) -> BackupInfo:
    """A readable, undamaged SQLite file of ours at a schema this program can run."""
    if not path.exists():
        raise RestoreError("no_file", path=path)
    if not path.is_file():
        raise RestoreError("not_a_file", path=path)
    if path.stat().st_size == 0:
        raise RestoreError("empty", path=path)
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as src:
            check = src.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise RestoreError("damaged", path=path, detail=check[0] if check else "-")
            version = int(src.execute("PRAGMA user_version").fetchone()[0])
            tables = _tables(src)
            if version > LATEST_VERSION:
                raise RestoreError("newer", path=path, version=version, latest=LATEST_VERSION)
            if version == 0:
                raise RestoreError("no_version", path=path, cmd=BACKUP_COMMAND)
            missing = expected_tables(version) - tables
            if missing:
                raise RestoreError(
                    "not_ours", path=path, missing=", ".join(sorted(missing)), cmd=BACKUP_COMMAND
                )
            rows = {
                t: int(src.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("orders", "fills", "positions", "kimp_samples", "candles")
            }
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc):
            raise RestoreError("damaged", path=path, detail=str(exc)) from None
        raise RestoreError("not_sqlite", path=path, detail=str(exc)) from None
    except PermissionError as exc:
        raise RestoreError("unreadable", path=path, detail=exc.strerror) from None
    return BackupInfo(path, version, rows)


def restore_file(backup: Path, db_path: Path, at: float) -> Restored:
    """Install `backup` as `db_path` while no service runs on it. Blocking."""
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise RestoreError("is_database", path=backup)
    info = check_backup(backup)
    try:
        lock = InstanceLock.acquire(db_path)
    except StorageError as exc:
        raise RestoreError("locked", detail=str(exc)) from None
    try:
        return _install(info, db_path, at)
    finally:
        lock.release()


def _install(info: BackupInfo, db_path: Path, at: float) -> Restored:
    folder = db_path.parent
    tmp = folder / f".{db_path.name}.restore.tmp"
    tmp.unlink(missing_ok=True)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
        os.close(fd)
        with (
            closing(sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)  # a page copy that also folds in a -wal beside the backup
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise RestoreError("copy_damaged", path=info.path, detail=check)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        kept = _keep_aside(db_path, at)
        os.replace(tmp, db_path)  # atomic: the database is the old one or the backup, never half
        _fsync_dir(folder)
    except sqlite3.Error as exc:
        raise RestoreError("copy_failed", path=info.path, detail=str(exc)) from None
    except OSError as exc:
        raise RestoreError("cannot_write", folder=folder, detail=exc.strerror) from None
    finally:
        tmp.unlink(missing_ok=True)
    return Restored(info, db_path, kept)


def _keep_aside(db_path: Path, at: float) -> list[Path]:
    """Rename the database and its side files to `<name>.before-restore-<UTC time><side>`."""
    stamp = f"{datetime.fromtimestamp(at, UTC):%Y%m%d-%H%M%S}"
    moves = [
        (
            db_path.with_name(db_path.name + side),
            db_path.with_name(f"{db_path.name}.before-restore-{stamp}{side}"),
        )
        for side in SIDE_FILES
        if db_path.with_name(db_path.name + side).exists()
    ]
    for _, aside in moves:  # all checked before any is moved: the set is never split
        if aside.exists():
            raise RestoreError("aside_exists", path=aside)
    for current, aside in moves:
        os.rename(current, aside)
    return [aside for _, aside in moves]


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
