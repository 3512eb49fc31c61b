"""The live push stream (Server-Sent Events): kimp rows that changed, fills, stream status and
the kimp alerts sent.

One hub task (the supervised component "web-push") samples the kimp table every `interval`
seconds and hands each client only the rows that changed since the last sample, conflated per
coin: a slow client gets the newest row of each coin, never a backlog. Fills and stream status
come from the event bus and are never dropped (a client that falls too far behind is cut off
and its page reconnects, reloading the table). Alerts are read from the outbox (what was sent,
as worded to the user) every `alerts_every` seconds while a client is connected.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from bot.i18n import Messages
from bot.providers import TetherSource
from bot.web.kimp_rows import kimp_rows
from bot.web.shape import shape
from core.events import EventBus
from core.market import StreamStatus
from core.orders import Fill

AlertSource = Callable[[float, float], Awaitable[list[str]]]  # texts queued in [since, until)
MAX_BACKLOG = 1000  # lossless events a client may have waiting before it is cut off


@dataclass(eq=False, slots=True)
class Client:
    kimp: dict[str, dict[str, Any]] = field(default_factory=dict)  # coin -> newest row
    events: list[tuple[str, Any]] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False


class PushHub:
    def __init__(
        self,
        bus: EventBus,
        monitor: Callable[[], TetherSource | None],
        language: str,
        alerts: AlertSource | None = None,
        interval: float = 0.5,
        alerts_every: float = 2.0,
    ) -> None:
        self._bus = bus
        self._alerts = alerts
        self._alerts_every = alerts_every
        self._alerts_since = time.time()
        self._monitor = monitor  # the kimp monitor, None while the kimp feature is off
        self._interval = interval
        self._clients: set[Client] = set()
        self._last: dict[str, tuple[Any, ...]] = {}
        self._m = Messages(language)

    @property
    def clients(self) -> int:
        return len(self._clients)

    async def run(self) -> None:
        sub = self._bus.subscribe("web-push", Fill, StreamStatus, conflate=False)
        try:
            while True:
                await asyncio.sleep(self._interval)
                events = sub.drain()
                if not self._clients:
                    self._alerts_since = time.time()
                    continue
                for event in events:
                    kind = "fill" if isinstance(event, Fill) else "stream"
                    self._post(kind, shape(event, self._m))
                self._sample()
                await self._poll_alerts()
        finally:
            self._bus.unsubscribe(sub)

    async def _poll_alerts(self) -> None:
        now = time.time()
        if self._alerts is None or now - self._alerts_since < self._alerts_every:
            return
        texts = await self._alerts(self._alerts_since, now)
        self._alerts_since = now
        for text in texts:
            self._post("alert", text)

    def _sample(self) -> None:
        monitor = self._monitor()
        if monitor is None:
            return
        changed = []
        for row in kimp_rows(monitor, self._m):
            key = (row["usdt_kimp"], row["fx_kimp"], row["suspended"], row["implausible"])
            if self._last.get(row["coin"]) != key:
                self._last[row["coin"]] = key
                changed.append(row)
        if not changed:
            return
        for client in self._clients:
            for row in changed:
                client.kimp[row["coin"]] = row
            client.wake.set()

    def _post(self, kind: str, data: Any) -> None:
        for client in list(self._clients):
            client.events.append((kind, data))
            if len(client.events) > MAX_BACKLOG:
                client.closed = True
            client.wake.set()

    async def stream(self) -> AsyncIterator[bytes]:
        """One client's SSE byte stream: a retry hint, then events as they come."""
        client = Client()
        self._clients.add(client)
        try:
            yield b"retry: 2000\n\n"
            while not client.closed:
                try:
                    async with asyncio.timeout(15):
                        await client.wake.wait()
                except TimeoutError:
                    yield b": keep-alive\n\n"  # proxies close silent connections
                    continue
                client.wake.clear()
                events, client.events = client.events, []
                rows, client.kimp = client.kimp, {}
                for kind, data in events:
                    yield _frame(kind, data)
                if rows:
                    yield _frame("kimp", list(rows.values()))
        finally:
            self._clients.discard(client)


def _frame(kind: str, data: Any) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
