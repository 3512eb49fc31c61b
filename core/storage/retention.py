"""Bounded storage: the protocol each table owner implements to prune its own rows, and the
database-wide upkeep (WAL checkpoint, vacuum, size) the app schedules.

Each store deletes its own rows (one owner per table, docs/architecture.md); the app only
decides when and how much: small batches, so no single write holds the connection long enough
to delay the stream pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.storage.database import Database


class Prunable(Protocol):
    """A store whose rows age out."""

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Delete at most `limit` rows older than `cutoff` (epoch seconds); return how many."""
        ...


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """Keep `table`'s rows for `keep_seconds` (0 keeps them for ever)."""

    table: str
    keep_seconds: float
    store: Prunable


@dataclass(frozen=True, slots=True)
class DbSize:
    """The database's footprint on disk: main file and write-ahead log, plus reusable pages."""

    file_bytes: int
    wal_bytes: int
    free_bytes: int

    @property
    def total(self) -> int:
        return self.file_bytes + self.wal_bytes


async def db_size(db: Database) -> DbSize:
    path = db.path
    file_bytes = path.stat().st_size if path.exists() else 0
    wal = path.with_name(path.name + "-wal")
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    free = await db.fetchone("PRAGMA freelist_count")
    page = await db.fetchone("PRAGMA page_size")
    free_bytes = int(free[0]) * int(page[0]) if free and page else 0
    return DbSize(file_bytes, wal_bytes, free_bytes)


async def checkpoint(db: Database) -> None:
    """Fold the write-ahead log into the main file and truncate it (it otherwise only grows to
    its high-water mark and stays there)."""
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def vacuum(db: Database) -> None:
    """Give freed pages back to the file system. Holds the connection for the whole rewrite: only
    at the quiet hour."""
    await db.execute("VACUUM")
    await checkpoint(db)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - the loop returns
