"""The offline demo (`python -m bot --sim`): the exchange simulator as a separate process.

The simulator is a test peer, not part of the service, so the service never imports it: it
starts `python -m peers.exchange_sim` like any other program, reads the `.env` lines it prints
(the same lines a user would paste for `./dev sim`) and points the settings at them. The child
is stopped with SIGTERM when the service stops, and killed if it does not exit in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from loguru import logger

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
READY_LINE = "# Ctrl-C to stop"
START_TIMEOUT = 120.0  # the first start compiles ccxt-free but aiohttp-heavy modules
STOP_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class DemoError(RuntimeError):
    """The simulator could not be started; the message says why."""


@contextlib.asynccontextmanager
async def simulator(settings: Settings) -> AsyncIterator[Settings]:
    """Run the exchange simulator in a child process and yield settings pointed at it."""
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "peers.exchange_sim",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
    except OSError as exc:
        raise DemoError(f"cannot start the exchange simulator: {exc}") from None
    try:
        env = await asyncio.wait_for(_read_env(proc), START_TIMEOUT)
        merged: dict[str, Any] = dict(settings)
        merged.update({k.lower(): v for k, v in env.items()})
        merged["bithumb_enabled"] = True  # the demo shows both KRW venues
        logger.info("offline demo: exchange simulator (pid {}) at {}", proc.pid, _urls(env))
        # Re-validate so the simulator's keys become SecretStr like any configured key.
        yield type(settings)(_env_file=None, **merged)  # type: ignore[call-arg]
    except TimeoutError:
        raise DemoError("the exchange simulator did not start in time") from None
    finally:
        await _stop(proc)


async def _read_env(proc: asyncio.subprocess.Process) -> dict[str, str]:
    assert proc.stdout is not None
    env: dict[str, str] = {}
    while True:
        raw = await proc.stdout.readline()
        if not raw:  # the child died before it was ready; its error is on our stderr
            raise DemoError(f"the exchange simulator exited (code {await proc.wait()})")
        line = raw.decode().strip()
        if line == READY_LINE:
            return env
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            env[key] = value


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the service dies, even by SIGKILL (no orphan venue)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _urls(env: dict[str, str]) -> str:
    return ", ".join(v for k, v in env.items() if k.endswith("_URL"))


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
