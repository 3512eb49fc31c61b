"""The real service in a subprocess: zero configuration, console chat, clean Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Start-up of `python -m bot` (imports of ccxt, pandas, PTB; schema migration) took 28-38 s on a
# loaded 2-core machine, past the old 30 s wait; a wait only bounds a hang, so it is generous.
START = 150.0
STOP = 60.0  # the service's own shutdown deadline is 10 s; the rest is a loaded machine
pytestmark = pytest.mark.timeout(2 * START + STOP)


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "UPBIT_", "BINANCE_"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DB_PATH=str(tmp / "bot.db"),
        LOG_DIR=str(tmp / "logs"),
        **extra,
    )
    return env


def _close(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


class Lines:
    """Collects a process's output lines in a thread, so reads never block the test."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.text = ""
        self._lock = threading.Lock()
        assert proc.stdout is not None
        self._thread = threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                self.text += line

    def wait_for(self, needle: str, timeout: float = START) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not seen; got:\n{self.text}")
            time.sleep(0.02)
        return self.text


def test_console_status_round_trip_and_clean_sigint(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdin is not None
        out_lines = Lines(proc)
        out_lines.wait_for("Console chat ready")
        proc.stdin.write("/status\n")
        proc.stdin.flush()
        out = out_lines.wait_for("Components:")
        assert "Mode: paper" in out
        proc.stdin.write("/trades\n/logs abc\n")
        proc.stdin.flush()
        out = out_lines.wait_for("is not a whole number")
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=STOP)
        assert rc == 0
        assert "Service stopping." in out_lines.wait_for("Service stopping.", STOP)
        err = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in err
        assert "stopped" in err
    finally:
        _close(proc)


def test_no_stdin_keeps_running_until_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        Lines(proc).wait_for("console input closed")
        time.sleep(0.3)
        assert proc.poll() is None  # EOF on stdin does not stop the service
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOP) == 0
    finally:
        _close(proc)


def test_corrupt_db_stops_startup_with_clear_message(tmp_path: Path) -> None:
    (tmp_path / "bot.db").write_bytes(b"garbage" * 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START,
    )
    assert proc.returncode == 2
    assert "damaged or not a SQLite file" in proc.stderr
    assert "Traceback" not in proc.stderr
