"""Schema 3 (the retention indexes) from a database at every earlier version, its rows kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from core.storage import Database
from core.storage.migrations import LATEST_VERSION, MIGRATIONS


@pytest.mark.parametrize("start", range(1, LATEST_VERSION))
async def test_upgrade_keeps_rows_and_adds_the_age_indexes(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as raw:
        for script in MIGRATIONS[:start]:
            raw.executescript(script)
        raw.execute(f"PRAGMA user_version = {start}")
        raw.execute("INSERT INTO kimp_samples(coin, minute_ts, usdt_kimp) VALUES ('BTC', 60, 1.5)")
        raw.execute(
            "INSERT INTO candles VALUES ('upbit', 'BTC/KRW', '1m', 60000, 1, 2, 0.5, 1.5, 3)"
        )
        raw.commit()
    async with Database.open(path) as db:
        assert await db.schema_version() == LATEST_VERSION
        rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {r[0] for r in rows}
        assert {"kimp_samples_minute", "candles_open_ts", "outbox_sent_ts"} <= names
        assert await db.fetchone("SELECT usdt_kimp FROM kimp_samples") == (1.5,)
        assert await db.fetchone("SELECT close FROM candles") == (1.5,)
