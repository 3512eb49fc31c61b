"""REST fallback: while a venue's WebSocket is down or stale, poll its REST prices at a safe
rate so strategies and the kimp monitor keep getting prices, marked as degraded; hand back
as soon as the stream is healthy again.

Polling is not serving: the "REST fallback took over" status goes out only once a poll has
actually delivered prices (during a total outage every poll fails, and saying it took over
would tell the alerts and the user that prices flow again).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from loguru import logger

from core.clock import Clock
from core.market import MarkPrice, StreamState, StreamStatus, Ticker
from core.symbols import Venue
from exchanges import reasons
from exchanges.http import RestError
from exchanges.reasons import Reason
from exchanges.ws_runner import WsRunner

Poll = Callable[[float], Awaitable[Sequence[Ticker | MarkPrice]]]


@dataclass(frozen=True, slots=True)
class FallbackConfig:
    activate_after: float = 5.0  # a connection unhealthy this long switches REST polling on
    interval: float = 2.0  # seconds between polls (each poll is 1-3 requests)
    check_interval: float = 0.25


class RestFallback:
    def __init__(
        self,
        venue: Venue,
        runners: Callable[[], list[WsRunner]],
        poll: Poll,
        sink: Callable[[Ticker | MarkPrice], None],
        on_status: Callable[[StreamStatus], None],
        config: FallbackConfig,
        clock: Clock,
    ) -> None:
        self.venue = venue
        self.name = f"{venue.value}-rest"
        self._runners = runners
        self._poll = poll
        self._sink = sink
        self._on_status = on_status
        self.config = config
        self._clock = clock
        self.active = False  # polling (the streams are unhealthy)
        self.serving = False  # the last poll delivered prices
        self._announced = False  # the take-over was announced in this activation
        self._why: Reason = reasons.REST_STOPPED
        self.polls = 0
        self.errors = 0
        self._unhealthy_since: float | None = None

    def _status(self, state: StreamState, reason: Reason) -> None:
        logger.warning("{}: {} ({})", self.name, state.value, reasons.plain(reason))
        self._on_status(StreamStatus(self.venue, self.name, state, reason, self._clock.now()))

    async def run(self) -> None:
        cfg = self.config
        next_poll = 0.0
        while True:
            now = self._clock.monotonic()
            sick = [r for r in self._runners() if not r.healthy]
            if sick:
                if self._unhealthy_since is None:
                    self._unhealthy_since = now
                if not self.active and now - self._unhealthy_since >= cfg.activate_after:
                    self.active = True
                    why = [(r.name, r.reason) for r in sick[:3]]
                    self._why = reasons.rest_fallback(why, cfg.interval)
                    logger.warning("{}: polling REST ({})", self.name, reasons.plain(self._why))
                    next_poll = now
            else:
                self._unhealthy_since = None
                if self.active:
                    self.active = self.serving = False
                    if self._announced:
                        self._announced = False
                        self._status(StreamState.RECOVERED, reasons.REST_STOPPED)
            if self.active and now >= next_poll:
                next_poll = now + cfg.interval
                await self._poll_once()
            await self._clock.sleep(cfg.check_interval)

    async def _poll_once(self) -> None:
        try:
            events = await self._poll(self._clock.now())
        except RestError as exc:
            self.errors += 1
            self.serving = False
            logger.warning("{}: poll failed ({})", self.name, exc)
            return
        self.polls += 1
        for ev in events:
            self._sink(ev)
        self.serving = bool(events)
        if self.serving and not self._announced:
            self._announced = True
            self._status(StreamState.DEGRADED, self._why)
