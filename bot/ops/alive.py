"""A file the event loop touches every ALIVE_INTERVAL seconds: the container's healthcheck reads
its age (no HTTP server needed), and a wedged loop stops touching it."""

from __future__ import annotations

import os
from pathlib import Path

from loguru import logger

from core.clock import Clock
from core.storage.files import private_file

ALIVE_INTERVAL = 30.0


async def touch_alive(path: Path, clock: Clock, interval: float = ALIVE_INTERVAL) -> None:
    failed = False
    while True:
        try:
            private_file(path)
            os.utime(path)
            failed = False
        except OSError as exc:
            if not failed:  # say it once, not every period
                logger.warning("cannot touch the alive file {}: {}", path, exc.strerror)
            failed = True
        await clock.sleep(interval)
