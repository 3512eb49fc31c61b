"""sd_notify over a loopback unix datagram socket set as NOTIFY_SOCKET: READY/STOPPING, and the
watchdog pings come from the event loop, so a blocked loop stops them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ops.systemd import SystemdNotifier
from core.clock import SystemClock
from tests.helpers import eventually

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setblocking(False)
    try:
        yield sock, path
    finally:
        sock.close()


def drain(sock: socket.socket) -> list[str]:
    got = []
    while True:
        try:
            got.append(sock.recv(4096).decode())
        except BlockingIOError:
            return got


async def test_a_blocked_loop_stops_the_watchdog_pings(
    listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    sd = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"})  # ping every 50 ms
    assert sd.watchdog_interval == pytest.approx(0.05)
    sd.ready()
    assert drain(sock) == ["READY=1\nSTATUS=running"]
    task = asyncio.create_task(sd.watchdog(SystemClock()))
    try:
        seen: list[str] = []

        def pinged() -> bool:
            seen.extend(drain(sock))
            return len(seen) >= 3

        await eventually(pinged)
        assert set(seen) == {"WATCHDOG=1"}
        drain(sock)
        time.sleep(1.0)  # noqa: ASYNC251 - the point: the loop is wedged for 20 ping periods
        assert drain(sock) == []  # not one ping: they come from the loop, not a thread
        seen.clear()
        await eventually(pinged)  # the loop runs again: so do the pings
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    sd.stopping()
    assert drain(sock)[-1] == "STOPPING=1"


def test_outside_systemd_nothing_is_sent_and_abstract_sockets_are_understood() -> None:
    off = SystemdNotifier({})
    assert not off.enabled and off.watchdog_interval is None and off.notify("READY=1") is False
    other = SystemdNotifier({"NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"})
    assert other.enabled and other.watchdog_interval is None  # the watchdog is another process's


def test_the_service_says_ready_pings_the_watchdog_and_says_stopping(
    tmp_path: Path, listener: tuple[socket.socket, str]
) -> None:
    """`python -m bot` under a NOTIFY_SOCKET, as systemd starts it (Type=notify, WatchdogSec)."""
    sock, path = listener
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "UPBIT_", "BINANCE_"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DB_PATH=str(tmp_path / "bot.db"),
        LOG_DIR=str(tmp_path / "logs"),
        NOTIFY_SOCKET=path,
        WATCHDOG_USEC="400000",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    got: list[str] = []
    try:
        sock.setblocking(True)
        sock.settimeout(60)
        while "READY=1\nSTATUS=running" not in got:
            got.append(sock.recv(4096).decode())
        watchdog_before_ready = got.count("WATCHDOG=1")
        while got.count("WATCHDOG=1") < watchdog_before_ready + 2:
            got.append(sock.recv(4096).decode())
        proc.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in got:
            got.append(sock.recv(4096).decode())
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
