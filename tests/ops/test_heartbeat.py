"""The dead-man heartbeat against a loopback HTTP receiver: pings while healthy, none while a
stream is down past the grace time or the notifier is down, pings again on recovery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest_asyncio
from aiohttp import web

from bot.ops.heartbeat import Heartbeat, service_health
from core.clock import ManualClock
from core.market import StreamState, StreamStatus
from core.supervisor import Supervisor
from core.symbols import Venue
from tests.helpers import eventually

GRACE = 300.0
INTERVAL = 60.0


class Receiver:
    def __init__(self) -> None:
        self.pings = 0
        self.status = 200
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.pings += 1
        return web.Response(status=self.status, text="OK")


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rx = Receiver()
    app = web.Application()
    app.router.add_get("/ping/{key}", rx.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rx.url = f"http://127.0.0.1:{port}/ping/secret-check-key"
    try:
        yield rx
    finally:
        await runner.cleanup()


def _status(state: StreamState, ts: float) -> StreamStatus:
    return StreamStatus(Venue.UPBIT, "upbit-0", state, "test", ts)


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_pings_stop_while_a_stream_is_down_past_the_grace_and_resume(
    receiver: Receiver,
) -> None:
    clock = ManualClock()
    streams: dict[str, StreamStatus] = {"upbit-0": _status(StreamState.UP, clock.now())}
    supervisor = Supervisor(clock=clock)
    supervisor.start("notifier", _forever)
    hb = Heartbeat(
        receiver.url,
        INTERVAL,
        clock,
        lambda: service_health(streams, supervisor, clock.now(), GRACE),
    )
    task = asyncio.create_task(hb.run())
    try:
        await eventually(lambda: receiver.pings == 1)
        assert hb.last_ping == clock.now() and hb.held is None

        async def period() -> None:
            beats = hb.beats
            clock.advance(INTERVAL)
            await eventually(lambda: hb.beats == beats + 1)

        # The stream drops: within the grace time the pings go on (a reconnect is not death).
        streams["upbit-0"] = _status(StreamState.DOWN, clock.now())
        for _ in range(int(GRACE // INTERVAL)):
            await period()
        assert receiver.pings == 1 + int(GRACE // INTERVAL) and hb.held is None
        # Past the grace time: held back, nothing reaches the receiver.
        for _ in range(3):
            await period()
            assert hb.held is not None and hb.held.key == "ops.hb.stream_down"
        assert receiver.pings == hb.pings == 1 + int(GRACE // INTERVAL)
        # Recovered: the pings resume.
        streams["upbit-0"] = _status(StreamState.RECOVERED, clock.now())
        await period()
        assert hb.held is None and receiver.pings == 2 + int(GRACE // INTERVAL)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await supervisor.stop(5)


async def test_no_ping_while_the_notifier_is_down_and_a_failing_receiver_is_reported(
    receiver: Receiver,
) -> None:
    clock = ManualClock()
    supervisor = Supervisor(clock=clock)
    supervisor.start("notifier", _forever)
    hb = Heartbeat(
        receiver.url, INTERVAL, clock, lambda: service_health({}, supervisor, clock.now(), GRACE)
    )
    task = asyncio.create_task(hb.run())
    try:
        await eventually(lambda: receiver.pings == 1)
        await supervisor.stop(5)  # the notifier stops
        clock.advance(INTERVAL)
        await eventually(lambda: hb.held is not None and hb.held.key == "ops.hb.notifier_down")
        assert receiver.pings == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    healthy = Heartbeat(receiver.url, INTERVAL, clock, lambda: None)
    receiver.status = 500
    task = asyncio.create_task(healthy.run())
    try:
        await eventually(lambda: healthy.failure == "HTTP 500")
        assert healthy.last_ping is None
        receiver.status = 200
        clock.advance(INTERVAL)
        await eventually(lambda: healthy.failure is None and healthy.pings == 1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
