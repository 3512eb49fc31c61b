"""Stream uptime for the report: follows StreamStatus events on the bus since start-up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.clock import Clock, SystemClock
from core.events import EventBus
from core.market import StreamState, StreamStatus

UP_STATES = frozenset({StreamState.UP, StreamState.RECOVERED})


@dataclass(slots=True)
class _Track:
    state: StreamState
    since: float
    # (start, end, up) spans; kept for a little over a day
    spans: list[tuple[float, float, bool]] = field(default_factory=list)
    incidents: list[float] = field(default_factory=list)  # when it went down/degraded


class StreamLog:
    """Per connection: time up vs. observed, and how often it went down, in a time window."""

    def __init__(self, bus: EventBus, clock: Clock | None = None, keep: float = 2 * 86400) -> None:
        self._bus = bus
        self._clock = clock or SystemClock()
        self._keep = keep
        self._tracks: dict[str, _Track] = {}

    def record(self, status: StreamStatus) -> None:
        now = status.ts
        track = self._tracks.get(status.connection)
        if track is None:
            self._tracks[status.connection] = _Track(status.state, now)
            if status.state not in UP_STATES:
                self._tracks[status.connection].incidents.append(now)
            return
        was_up = track.state in UP_STATES
        if (status.state in UP_STATES) == was_up:
            track.state = status.state
            return
        track.spans.append((track.since, now, was_up))
        if was_up:
            track.incidents.append(now)
        track.state, track.since = status.state, now
        cutoff = now - self._keep
        track.spans = [s for s in track.spans if s[1] >= cutoff]
        track.incidents = [t for t in track.incidents if t >= cutoff]

    def seed(self, statuses: Iterable[StreamStatus]) -> None:
        """Adopt connections whose status changed before this log subscribed (streams that
        came up while later features were still starting): their last known status counts."""
        for status in statuses:
            if status.connection not in self._tracks:
                self.record(status)

    def uptime(self, since: float, until: float) -> dict[str, tuple[float, float, int]]:
        """connection -> (seconds up, seconds observed, incidents) within [since, until)."""
        out = {}
        for name, track in self._tracks.items():
            spans = [*track.spans, (track.since, until, track.state in UP_STATES)]
            up = seen = 0.0
            for start, end, is_up in spans:
                overlap = max(0.0, min(end, until) - max(start, since))
                seen += overlap
                up += overlap if is_up else 0.0
            incidents = sum(1 for t in track.incidents if since <= t < until)
            out[name] = (up, seen, incidents)
        return out

    async def run(self) -> None:
        sub = self._bus.subscribe("report-stream-log", StreamStatus, conflate=False)
        try:
            while True:
                self.record(await sub.get())
        finally:
            self._bus.unsubscribe(sub)
