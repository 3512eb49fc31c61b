"""`python -m bot restore FILE`: a backup is checked, the current database kept aside (with its
-wal and -shm), then the backup installed; every bad input is refused with exit code 2, the reason,
and nothing changed."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import restore
from bot.config import load_settings
from core.storage import Database, InstanceLock
from core.storage.migrations import LATEST_VERSION, MIGRATIONS
from tests.ops.test_cli import _run

REFUSED = 2


def _make_db(path: Path, version: int, orders: int) -> None:
    with closing(sqlite3.connect(path)) as raw:
        for script in MIGRATIONS[:version]:
            raw.executescript(script)
        raw.execute(f"PRAGMA user_version = {version}")
        raw.executemany(
            "INSERT INTO orders(client_id, venue, symbol, side, type, qty, status, paper, "
            "created_ts, updated_ts) VALUES (?, 'upbit', 'BTC/KRW', 'buy', 'limit', '0.001', "
            "'open', 0, 1.0, 1.0)",
            [(f"o{k}",) for k in range(orders)],
        )
        raw.commit()


def _digest(folder: Path) -> dict[str, str]:
    """Every file's content; the lock file is the lock's, not data (restore takes it, empty)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if not p.name.endswith(".lock")
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    _make_db(folder / "bot.sqlite3", LATEST_VERSION, orders=3)  # the current database
    return folder


def _restore(data: Path, file: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    settings = load_settings(env_file=None, db_path=data / "bot.sqlite3")
    code = restore(settings, file)
    out = capsys.readouterr()
    return code, out.out + out.err


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    bad = tmp / "bad"
    bad.mkdir()
    (bad / "empty.sqlite3").touch()
    (bad / "text.sqlite3").write_text("not a database, just words\n" * 100)
    newer = bad / "newer.sqlite3"
    _make_db(newer, LATEST_VERSION, orders=1)
    with closing(sqlite3.connect(newer)) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with closing(sqlite3.connect(bad / "foreign.sqlite3")) as raw:
        raw.execute("CREATE TABLE notes (a)")
        raw.commit()
    with closing(sqlite3.connect(bad / "foreign_v3.sqlite3")) as raw:
        raw.execute("CREATE TABLE orders (a)")
        raw.execute("PRAGMA user_version = 3")
    damaged = bad / "damaged.sqlite3"
    _make_db(damaged, LATEST_VERSION, orders=2_000)
    blob = bytearray(damaged.read_bytes())
    page = 4096
    for p in range(3, len(blob) // page):  # scribble over every page's header but the schema's
        blob[p * page : p * page + 16] = b"\xff" * 16
    damaged.write_bytes(bytes(blob))
    return {
        "missing": (bad / "nope.sqlite3", "no file at"),
        "folder": (bad, "is not a file"),
        "empty": (bad / "empty.sqlite3", "is empty"),
        "text": (bad / "text.sqlite3", "not a SQLite database"),
        "newer": (newer, f"newer than this program ({LATEST_VERSION})"),
        "foreign": (
            bad / "foreign.sqlite3",
            "without a schema version: not this service's database",
        ),
        "foreign_v3": (bad / "foreign_v3.sqlite3", "missing: alert_state, alerts_sent, balances"),
        "damaged": (damaged, "damaged"),
    }


def test_every_bad_backup_is_refused_with_its_reason_and_nothing_changes(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(data)
    for name, (file, reason) in _bad_files(tmp_path).items():
        code, out = _restore(data, file, capsys)
        assert code == REFUSED, (name, out)
        assert out.startswith("restore refused: ") and reason in out, (name, out)
        assert "Traceback" not in out
        assert _digest(data) == before


def test_refused_while_the_service_runs_and_for_the_database_itself(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "bot-20260101-000000.sqlite3"
    _make_db(good, LATEST_VERSION, orders=5)
    before = _digest(data)
    lock = InstanceLock.acquire(data / "bot.sqlite3")  # what a running service holds
    try:
        code, out = _restore(data, good, capsys)
    finally:
        lock.release()
    assert code == REFUSED and "already running" in out and "must be stopped" in out, out
    code, out = _restore(data, data / "bot.sqlite3", capsys)
    assert code == REFUSED and "is the database itself" in out, out
    assert _digest(data) == before


def test_restore_keeps_the_current_database_and_its_wal_aside_and_installs_the_backup(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = data / "bot.sqlite3"
    # The current database crashed with committed rows still only in its -wal.
    crash = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0'); "
        "c.execute(\"INSERT INTO kv VALUES ('only-in-wal', 'x', 1)\"); c.commit(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash, str(db)], check=True, timeout=60)
    assert (data / "bot.sqlite3-wal").stat().st_size > 0
    old = tmp_path / "bot-20250101-000000.sqlite3"
    _make_db(old, 1, orders=7)  # a backup from schema version 1
    code, out = _restore(data, old, capsys)
    assert code == 0, out
    assert f"restored {old} (schema version 1; 7 orders, 0 fills" in out
    assert f"upgrades it to schema version {LATEST_VERSION}" in out
    kept = sorted(p.name for p in data.iterdir() if ".before-restore-" in p.name)
    stem = kept[0]
    assert re.fullmatch(r"bot\.sqlite3\.before-restore-\d{8}-\d{6}", stem), kept
    assert kept == [stem, f"{stem}-shm", f"{stem}-wal"]
    assert not (data / "bot.sqlite3-wal").exists()
    assert not list(data.glob(".*.tmp"))
    for name in kept:
        assert f"kept as {data / name}" in out
    aside = data / kept[0]
    with closing(sqlite3.connect(aside)) as raw:  # the set opens whole: the -wal rows are there
        assert raw.execute("SELECT count(*) FROM orders").fetchone() == (3,)
        assert raw.execute("SELECT key FROM kv").fetchall() == [("only-in-wal",)]
    assert asyncio.run(_opened(db)) == (LATEST_VERSION, 7)


async def _opened(path: Path) -> tuple[int, int]:
    """What the service sees when it opens the file: the schema after upgrading, the orders."""
    async with Database.open(path) as db:
        row = await db.fetchone("SELECT count(*) FROM orders")
        return await db.schema_version(), int(row[0]) if row else -1


def test_the_command_line(tmp_path: Path) -> None:
    missing = _run(tmp_path, "restore")
    assert missing.returncode == REFUSED and "the following arguments are required: file" in (
        missing.stderr
    )
    bad = _run(tmp_path, "restore", str(tmp_path / "nope.sqlite3"))
    assert bad.returncode == REFUSED and "restore refused: no file at" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = tmp_path / "bot-20260101-000000.sqlite3"
    _make_db(good, LATEST_VERSION, orders=2)
    done = _run(tmp_path, "restore", str(good))
    assert done.returncode == 0, done.stderr
    assert (
        f"as {tmp_path / 'bot.db'}" in done.stdout and "there was no database before" in done.stdout
    )
