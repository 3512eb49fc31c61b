"""The dead-man heartbeat: ping HEARTBEAT_URL every HEARTBEAT_INTERVAL seconds while the service
is healthy. The external monitor (healthchecks.io or alike) alerts the user when pings stop, which
covers what the service cannot report itself: its own death, a dead machine, a wedged loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
from loguru import logger

from core.clock import Clock
from core.market import StreamState, StreamStatus
from core.supervisor import ComponentState, Supervisor

PING_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Sick:
    """Why the heartbeat is held back: a catalog key and its values (the app words it)."""

    key: str
    name: str = ""
    seconds: float = 0.0


def service_health(
    stream_status: Mapping[str, StreamStatus],
    supervisor: Supervisor,
    now: float,
    grace: float,
) -> Sick | None:
    """None when healthy; else the first reason not to ping. A stream counts as down only
    after `grace` seconds of being down or degraded: a reconnect does not stop the heartbeat."""
    for st in stream_status.values():
        if st.state in (StreamState.DOWN, StreamState.DEGRADED) and now - st.ts > grace:
            return Sick("ops.hb.stream_down", st.connection, now - st.ts)
    for comp in supervisor.components():
        if comp.name == "notifier" and comp.state is not ComponentState.RUNNING:
            return Sick("ops.hb.notifier_down", comp.state.value)
    return None


class Heartbeat:
    """Pings from the event loop, so a wedged loop, a dead stream past the grace time or a dead
    notifier all stop the pings; they resume on their own on recovery."""

    def __init__(
        self, url: str, interval: float, clock: Clock, health: Callable[[], Sick | None]
    ) -> None:
        self._url = url
        self._interval = interval
        self._clock = clock
        self._health = health
        self.last_ping: float | None = None  # epoch seconds of the last accepted ping
        self.held: Sick | None = None  # why pings are held back now
        self.failure: str | None = None  # the last ping's failure, None once one succeeds
        self.pings = 0
        self.beats = 0  # periods done, pinged or not

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=PING_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                await self.beat(session)
                await self._clock.sleep(self._interval)

    async def beat(self, session: aiohttp.ClientSession) -> bool:
        """One period: ping if healthy. Returns whether a ping was accepted."""
        try:
            return await self._beat(session)
        finally:
            self.beats += 1

    async def _beat(self, session: aiohttp.ClientSession) -> bool:
        sick = self._health()
        if sick != self.held:
            if sick is not None:
                logger.warning("heartbeat held back: {} {}", sick.key, sick.name)
            elif self.held is not None:
                logger.info("heartbeat resumed")
        self.held = sick
        if sick is not None:
            return False
        try:
            async with session.get(self._url) as resp:
                await resp.read()
                if resp.status >= 400:
                    raise aiohttp.ClientResponseError(
                        resp.request_info, resp.history, status=resp.status
                    )
        except asyncio.CancelledError:
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The URL holds the check's key: name the failure, never the URL.
            failure = getattr(exc, "status", None) or type(exc).__name__
            self.failure = f"HTTP {failure}" if isinstance(failure, int) else failure
            logger.warning("heartbeat ping failed: {}", self.failure)
            return False
        self.failure = None
        self.last_ping = self._clock.now()
        self.pings += 1
        return True
