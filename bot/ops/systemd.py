"""systemd's notify protocol (sd_notify(3)): READY=1 once started, WATCHDOG=1 from the event
loop, STOPPING=1 at shutdown. A datagram to the unix socket named by $NOTIFY_SOCKET; without it
(not under systemd) every call does nothing.

The watchdog ping is sent by a task on the event loop, never a thread: a loop that is wedged
stops pinging, and systemd restarts the service after WatchdogSec.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

from loguru import logger

from core.clock import Clock


class SystemdNotifier:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        # A leading "@" names a socket in the abstract namespace.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        # Ping at half the timeout, as sd_watchdog_enabled(3) advises.
        self.watchdog_interval = int(usec) / 2e6 if usec.isdigit() and mine else None

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def notify(self, message: str) -> bool:
        if not self._address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message.encode(), self._address)
        except OSError as exc:
            logger.warning("systemd notify failed: {}", exc.strerror or exc)
            return False
        return True

    def ready(self) -> None:
        self.notify("READY=1\nSTATUS=running")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    async def watchdog(self, clock: Clock) -> None:
        """Ping the watchdog for as long as the loop runs it (a supervised component)."""
        if self.watchdog_interval is None:
            return
        while True:
            self.notify("WATCHDOG=1")
            await clock.sleep(self.watchdog_interval)
