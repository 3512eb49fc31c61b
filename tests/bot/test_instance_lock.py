"""One service per database: a second `python -m bot` on the same DB exits 2 naming the first."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.storage import InstanceLock, StorageError
from tests.bot.test_console_process import START, STOP, Lines, _close, _env


def _start(tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp,
        env=_env(tmp),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.timeout(3 * START + STOP)  # three start-ups on a loaded machine
def test_second_instance_on_one_database_exits_2_naming_the_first(tmp_path: Path) -> None:
    first = _start(tmp_path)
    try:
        Lines(first).wait_for("console input closed")
        second = subprocess.run(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=_env(tmp_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START,
        )
        assert second.returncode == 2, second.stderr
        assert f"another instance (pid {first.pid}) is already running" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None  # the first one is untouched
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=STOP) == 0
    finally:
        _close(first)
    # Released on exit: a new instance starts on the same database.
    again = _start(tmp_path)
    try:
        Lines(again).wait_for("console input closed")
    finally:
        _close(again)


def test_lock_dies_with_its_process(tmp_path: Path) -> None:
    """SIGKILL leaves the lock file behind, but not the lock: a restart is never blocked."""
    db = tmp_path / "data" / "bot.db"
    code = (
        "import sys, time; from core.storage import InstanceLock; "
        f"InstanceLock.acquire({str(db)!r}); print('locked', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        Lines(holder).wait_for("locked")
        with pytest.raises(StorageError, match=f"pid {holder.pid}"):
            InstanceLock.acquire(db)
        holder.kill()
        holder.wait()
        lock = InstanceLock.acquire(db)
        lock.release()
    finally:
        _close(holder)
