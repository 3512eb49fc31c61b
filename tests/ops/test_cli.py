"""`python -m bot backup` and `python -m bot --version`, as a user runs them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from core.storage.migrations import LATEST_VERSION

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "UPBIT_", "BINANCE_"))
    }
    env.update(PYTHONPATH=str(ROOT), DB_PATH=str(tmp / "bot.db"), LOG_DIR=str(tmp / "logs"))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version_names_the_schema(tmp_path: Path) -> None:
    out = _run(tmp_path, "--version")
    assert out.returncode == 0
    assert out.stdout.strip().endswith(f"(database schema {LATEST_VERSION})")


def test_backup_command(tmp_path: Path) -> None:
    missing = _run(tmp_path, "backup")
    assert missing.returncode == 1 and "no database at" in missing.stderr
    assert "Traceback" not in missing.stderr
    with closing(sqlite3.connect(tmp_path / "bot.db")) as raw:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE t (a)")
        raw.execute("INSERT INTO t VALUES (42)")
        raw.commit()
        done = _run(tmp_path, "backup")  # while a connection holds the database open
    assert done.returncode == 0, done.stderr
    (copy,) = (tmp_path / "backups").iterdir()
    assert done.stdout.strip() == f"backup written: {copy}"
    with closing(sqlite3.connect(copy)) as raw:
        assert raw.execute("SELECT a FROM t").fetchall() == [(42,)]
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
