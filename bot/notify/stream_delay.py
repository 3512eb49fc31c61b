"""Tell the user when a venue's market data falls behind the venue, and when it has caught up.

A connection whose frames arrive far behind the venue's event time is "delayed"
(`exchanges/ws_runner.py` publishes a DEGRADED `StreamStatus` with the `stream.why.delayed`
reason, then RECOVERED). Entries on that venue are refused meanwhile, so the user must hear of
it, but a stream hovering around the limit must not fill the chat. Per venue:

- "delayed" once, when its first connection falls behind;
- "caught up" only after every connection of the venue has been up and on time for `settle` s;
  a connection falling behind again before that sends nothing (the user was told and it still
  holds);
- a venue that needs telling again within `REPEAT_WINDOW` of its last "caught up" doubles its
  settle time (up to `MAX_SETTLE`), so a flapping stream costs ever fewer messages.

`DelayNotices` is pure (statuses and times in, `Text` out); `run_delay_notices` feeds it from
the bus and ticks it with the injected clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from core.clock import Clock
from core.events import EventBus
from core.market import StreamState, StreamStatus
from core.notifications import Notification, NotificationKind
from core.symbols import Venue
from core.text import Text

SETTLE = 60.0  # s a venue must stay on time before "caught up" is told
MAX_SETTLE = 1800.0
REPEAT_WINDOW = 3600.0  # falling behind again within this of "caught up": settle doubles
TICK = 5.0  # s between checks for a settled venue
DELAY_KEY = "stream.why.delayed"
_UP = (StreamState.UP, StreamState.RECOVERED)


@dataclass(slots=True)
class _Venue:
    settle: float
    states: dict[str, StreamState] = field(default_factory=dict)  # websocket connections only
    behind: dict[str, float] = field(default_factory=dict)  # delayed connection -> s behind
    told_at: float | None = None  # "delayed" told and not yet "caught up"
    worst: float = 0.0  # the most seconds behind while told
    on_time_since: float | None = None
    caught_up_at: float | None = None


def _is_socket(st: StreamStatus) -> bool:
    """A websocket connection (not the REST fallback, not the venue-level 'no data' status)."""
    return not st.connection.endswith("-rest") and st.connection != st.venue.value


class DelayNotices:
    """See module docstring."""

    def __init__(self, settle: float = SETTLE) -> None:
        self.base_settle = settle
        self._venues: dict[Venue, _Venue] = {}

    def on_status(self, st: StreamStatus) -> list[Text]:
        if not _is_socket(st):
            return []
        v = self._venues.get(st.venue)
        if v is None:
            v = self._venues[st.venue] = _Venue(self.base_settle)
        v.states[st.connection] = st.state
        reason = st.reason
        if (
            st.state is StreamState.DEGRADED
            and isinstance(reason, Text)
            and reason.key == DELAY_KEY
        ):
            seconds = float(reason.params.get("seconds", 0.0))
            v.behind[st.connection] = seconds
            v.on_time_since = None
            if v.told_at is not None:
                v.worst = max(v.worst, seconds)
                return []
            if v.caught_up_at is not None and st.ts - v.caught_up_at < REPEAT_WINDOW:
                v.settle = min(v.settle * 2, MAX_SETTLE)
            else:
                v.settle = self.base_settle
            v.told_at, v.worst = st.ts, seconds
            return [Text.of("stream.delay_notice", venue=st.venue, seconds=seconds)]
        # Any other status of the connection (caught up, down, a new connection measured
        # afresh) ends its delay; whether the venue is on time again is `tick`'s business.
        v.behind.pop(st.connection, None)
        if not self._on_time(v):
            v.on_time_since = None
        elif v.on_time_since is None:
            v.on_time_since = st.ts
        return []

    @staticmethod
    def _on_time(v: _Venue) -> bool:
        return not v.behind and all(s in _UP for s in v.states.values())

    def tick(self, now: float) -> list[Text]:
        out = []
        for venue, v in self._venues.items():
            if v.told_at is None:
                continue
            if not self._on_time(v):
                v.on_time_since = None
                continue
            if v.on_time_since is None:
                v.on_time_since = now
            if now - v.on_time_since >= v.settle:
                out.append(
                    Text.of(
                        "stream.caught_up_notice",
                        venue=venue,
                        seconds=v.worst,
                        minutes=max(1, round((v.on_time_since - v.told_at) / 60)),
                    )
                )
                v.told_at, v.on_time_since, v.caught_up_at = None, None, now
        return out


async def run_delay_notices(
    bus: EventBus,
    clock: Clock,
    notify: Callable[[Notification], None],
    tick: float = TICK,
    settle: float = SETTLE,
) -> None:
    """Feed `DelayNotices` from the bus's `StreamStatus` events; notify what it says."""
    notices = DelayNotices(settle)
    sub = bus.subscribe("stream-delay-notices", StreamStatus, conflate=False)

    def send(texts: list[Text]) -> None:
        for text in texts:
            notify(Notification(NotificationKind.STREAM, text))

    async def read() -> None:
        while True:
            send(notices.on_status(await sub.get()))

    async def ticks() -> None:
        while True:
            await clock.sleep(tick)
            send(notices.tick(clock.now()))

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(read(), name="stream-delay-read")
            tg.create_task(ticks(), name="stream-delay-tick")
    finally:
        bus.unsubscribe(sub)
