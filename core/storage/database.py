"""The single aiosqlite connection, its pragmas and the migration runner."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiosqlite
from loguru import logger

from core.storage.files import private_dir, private_file
from core.storage.migrations import LATEST_VERSION, MIGRATIONS


class StorageError(Exception):
    """The database cannot be used; the message says why and what to do."""


class Database:
    """Owns the one connection. Use `async with Database.open(path) as db`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        # One connection is shared by every task: a write must never land inside another
        # task's open transaction (its rollback would take our write with it), so writes and
        # transactions are serialised. Re-entrant for the task that holds it.
        self._write_lock = asyncio.Lock()
        self._write_owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and self._write_owner is task:
            yield
            return
        async with self._write_lock:
            self._write_owner = task
            try:
                yield
            finally:
                self._write_owner = None

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str) -> AsyncIterator[Database]:
        db = await cls.connect(path)
        try:
            yield db
        finally:
            await db.close()

    @classmethod
    async def connect(cls, path: Path | str) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            try:
                private_dir(path.parent)
                private_file(path)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the database {path}: {exc.strerror}. "
                    "Set DB_PATH to a writable location."
                ) from None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(
                f"cannot open the database {path}: {exc}. Set DB_PATH to a writable file."
            ) from None
        db = cls(conn, path)
        try:
            await db._prepare()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _prepare(self) -> None:
        try:
            await self._conn.execute("PRAGMA journal_mode=WAL")
            await self._conn.execute("PRAGMA synchronous=NORMAL")
            await self._conn.execute("PRAGMA foreign_keys=ON")
            await self._conn.execute("PRAGMA busy_timeout=5000")
            check = await self._fetchone_raw("PRAGMA quick_check")
            if check is None or check[0] != "ok":
                raise StorageError(
                    f"the database {self.path} is damaged ({check[0] if check else 'no answer'}). "
                    "It was left untouched: restore it from a backup or move it aside to start fresh."
                )
            await self._migrate()
        except sqlite3.DatabaseError as exc:
            msg = str(exc)
            if "not a database" in msg or "malformed" in msg:
                raise StorageError(
                    f"the database {self.path} is damaged or not a SQLite file ({msg}). "
                    "It was left untouched: restore it from a backup or move it aside to start fresh."
                ) from None
            if "readonly" in msg or "unable to open" in msg:
                raise StorageError(
                    f"the database {self.path} is not writable ({msg}). "
                    "Fix its permissions or set DB_PATH to a writable file."
                ) from None
            raise StorageError(f"the database {self.path} cannot be used: {msg}") from None

    async def _fetchone_raw(self, sql: str) -> Any:
        async with self._conn.execute(sql) as cur:
            return await cur.fetchone()

    async def _migrate(self) -> None:
        row = await self._fetchone_raw("PRAGMA user_version")
        version = int(row[0])
        if version > LATEST_VERSION:
            raise StorageError(
                f"the database {self.path} is at schema version {version}, newer than this program "
                f"({LATEST_VERSION}). Upgrade the program or point DB_PATH elsewhere."
            )
        for target in range(version + 1, LATEST_VERSION + 1):
            script = MIGRATIONS[target - 1]
            # One transaction per step, version bump included: a crash leaves the old version.
            await self._conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
            )
            logger.info("database migrated to schema version {}", target)

    async def schema_version(self) -> int:
        row = await self._fetchone_raw("PRAGMA user_version")
        return int(row[0])

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the row count."""
        async with self._writing(), self._conn.execute(sql, params) as cur:
            return cur.rowcount

    async def execute_returning_id(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        async with self._writing(), self._conn.execute(sql, params) as cur:
            return cur.lastrowid

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction():
            await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Writes that belong together: all or nothing. Nested use in one task joins the outer."""
        task = asyncio.current_task()
        if task is not None and self._write_owner is task:
            yield self._conn
            return
        async with self._writing():
            # BEGIN/COMMIT/ROLLBACK run on in aiosqlite's thread even when we are cancelled
            # while awaiting them, so each is awaited to completion and a cancelled BEGIN is
            # rolled back: our view of the transaction must stay in step with SQLite's.
            try:
                await self._complete("BEGIN IMMEDIATE")
            except asyncio.CancelledError:
                await self._complete("ROLLBACK", quiet=True)
                raise
            try:
                yield self._conn
            except BaseException:
                await self._complete("ROLLBACK", quiet=True)
                raise
            else:
                await self._complete("COMMIT")

    async def _complete(self, sql: str, quiet: bool = False) -> None:
        """Run a statement to completion even if the caller is cancelled meanwhile."""
        fut = asyncio.ensure_future(self._conn.execute(sql))
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:
            with suppress(Exception):
                await fut
            raise
        except sqlite3.Error:
            if not quiet:
                raise

    async def close(self) -> None:
        with suppress(sqlite3.Error):
            await self._conn.execute("PRAGMA optimize")
        await self._conn.close()
