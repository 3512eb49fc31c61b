"""Storage: WAL, migrations of an older DB file in place, clear errors for bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.storage import Database, StorageError
from core.storage.kv import KeyValueStore
from core.storage.migrations import LATEST_VERSION


async def test_new_db_is_wal_and_latest(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "a.db") as db:
        assert await db.schema_version() == LATEST_VERSION
        row = await db.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
        tables = {
            r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for needed in (
            "candles",
            "orders",
            "fills",
            "positions",
            "bots",
            "kimp_samples",
            "alert_state",
            "outbox",
        ):
            assert needed in tables


async def test_old_db_file_is_migrated_in_place_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # A file from "version 0": some user's own table and data, no schema of ours yet.
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (t TEXT)")
    con.execute("INSERT INTO notes VALUES ('keep me')")
    con.commit()
    con.close()
    async with Database.open(path) as db:
        assert await db.schema_version() == LATEST_VERSION
        row = await db.fetchone("SELECT t FROM notes")
        assert row is not None and row[0] == "keep me"
        await KeyValueStore(db).set("k", "v")
    async with Database.open(path) as db:  # reopening does not migrate again or lose data
        assert await KeyValueStore(db).get("k") == "v"


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    con.close()
    with pytest.raises(StorageError, match="newer than this program"):
        await Database.connect(path)


async def test_corrupt_file_is_an_error_not_a_reset(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    junk = b"this is not sqlite at all" * 100
    path.write_bytes(junk)
    with pytest.raises(StorageError, match="damaged or not a SQLite file"):
        await Database.connect(path)
    assert path.read_bytes() == junk  # untouched


async def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="DB_PATH"):
        await Database.connect(blocker / "sub" / "db.sqlite3")


async def test_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "t.db") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO kv(key, value, updated_ts) VALUES ('a', '1', 0)")
                raise RuntimeError("boom")
        assert await db.fetchone("SELECT * FROM kv WHERE key='a'") is None


async def test_concurrent_transactions_and_writes_do_not_interleave(tmp_path: Path) -> None:
    """Regression: two tasks on the one connection hit 'cannot start a transaction within a
    transaction', and a plain write could land inside another task's rolled-back transaction."""
    import asyncio

    async with Database.open(tmp_path / "c.db") as db:

        async def failing_tx() -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO kv(key, value, updated_ts) VALUES ('a', '1', 0)")
                await asyncio.sleep(0.05)
                raise RuntimeError("rollback")

        async def batch() -> None:
            await asyncio.sleep(0.01)
            await db.executemany(
                "INSERT INTO kv(key, value, updated_ts) VALUES (?, '1', 0)", [("b",), ("c",)]
            )

        async def single() -> None:
            await asyncio.sleep(0.02)
            await db.execute("INSERT INTO kv(key, value, updated_ts) VALUES ('d', '1', 0)")

        results = await asyncio.gather(failing_tx(), batch(), single(), return_exceptions=True)
        assert isinstance(results[0], RuntimeError) and results[1:] == [None, None]
        keys = [r[0] for r in await db.fetchall("SELECT key FROM kv ORDER BY key")]
        assert keys == ["b", "c", "d"]


async def test_cancelled_writer_leaves_no_open_transaction(tmp_path: Path) -> None:
    """Regression: a task cancelled at shutdown while inside BEGIN left SQLite in a
    transaction, and the next writer failed with 'cannot start a transaction within a
    transaction'."""
    import asyncio

    async with Database.open(tmp_path / "x.db") as db:
        for delay in (0, 0.0005, 0.001, 0.002):

            async def writer() -> None:
                while True:
                    async with db.transaction() as conn:
                        await conn.execute(
                            "INSERT OR REPLACE INTO kv(key, value, updated_ts) VALUES ('w', '1', 0)"
                        )

            task = asyncio.create_task(writer())
            await asyncio.sleep(delay)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await db.executemany(
                "INSERT OR REPLACE INTO kv(key, value, updated_ts) VALUES (?, '2', 0)", [("z",)]
            )


async def test_database_is_private_in_a_private_folder(tmp_path: Path) -> None:
    """Regression (issue 12): the database was created world-readable (0644 in 0755)."""
    path = tmp_path / "data" / "sub" / "bot.db"
    async with Database.open(path) as db:
        await KeyValueStore(db).set("k", "v")
        modes = {p.name: p.stat().st_mode & 0o777 for p in path.parent.iterdir()}
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert modes["bot.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes  # -wal and -shm too


async def test_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    async with Database.open(shared / "bot.db"):
        pass
    assert shared.stat().st_mode & 0o777 == 0o755  # not ours to change
    assert (shared / "bot.db").stat().st_mode & 0o777 == 0o600
