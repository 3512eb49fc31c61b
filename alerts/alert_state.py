"""Per-key alert state and its persistence: `AlertState` (one JSON row per key in
`alert_state`) and `AlertStore` (those rows and the `alerts_sent` log), so a restart neither
repeats nor forgets an alert."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import orjson

from alerts.events import AlertEvent, Zone
from core.storage import Database
from core.text import Text


@dataclass(slots=True)
class AlertState:
    """What is persisted per key (JSON in `alert_state.state`)."""

    zone: Zone = Zone.NORMAL
    level: int = 0
    episode: int = 0
    pending: str | None = None  # "high", "low" or "escalate" while waiting out min_duration
    pending_since: float = 0.0
    last_enter: dict[str, float] = field(default_factory=dict)  # zone -> ts, for the cooldown
    last_value: float | None = None
    # Why, while suspended (a `Text` from the monitor, or a plain string); only whether it is set
    # survives a restart (the catalog key is stored), which is all the engine needs.
    suspended: str | Text | None = None
    suspended_notified: bool = False
    # In memory only: evaluated live in this process (no suspension noise while starting up),
    # and since when this process has seen the key suspended (for the start-up grace).
    active: bool = False
    suspended_seen: float = 0.0
    flagged: bool = False  # implausible right now
    # The jump window as monotonic min/max deques of (ts, value): in memory, rebuilt at start-up
    # from the per-minute history after `window_reset` (the last time the window was emptied by
    # a jump alert, a suspension or an implausible flag), which is persisted.
    jmin: deque[tuple[float, float]] = field(default_factory=deque)
    jmax: deque[tuple[float, float]] = field(default_factory=deque)
    window_reset: float = 0.0

    _PERSISTED = (
        "zone", "level", "episode", "pending", "pending_since", "last_enter", "last_value",
        "suspended", "suspended_notified", "flagged", "window_reset",
    )  # fmt: skip

    def reset_window(self, now: float) -> None:
        self.jmin.clear()
        self.jmax.clear()
        self.window_reset = now

    def push_window(self, ts: float, value: float) -> None:
        """Add a reading to the jump window (oldest first; keeps both deques monotonic)."""
        lo, hi = self.jmin, self.jmax
        while lo and lo[-1][1] >= value:
            lo.pop()
        lo.append((ts, value))
        while hi and hi[-1][1] <= value:
            hi.pop()
        hi.append((ts, value))

    def dump(self) -> bytes:
        why = self.suspended.key if isinstance(self.suspended, Text) else self.suspended
        data = {
            k: v for k, v in asdict(replace(self, suspended=why)).items() if k in self._PERSISTED
        }
        return orjson.dumps(data)

    @classmethod
    def load(cls, raw: str | bytes) -> AlertState:
        data: dict[str, Any] = orjson.loads(raw)
        st = cls(**{k: v for k, v in data.items() if k in cls._PERSISTED})
        st.zone = Zone(st.zone)
        return st


class AlertStore:
    """`alert_state` (one JSON row per key) and the `alerts_sent` log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> dict[str, AlertState]:
        rows = await self._db.fetchall("SELECT key, state FROM alert_state")
        out = {}
        for key, raw in rows:
            try:
                out[str(key)] = AlertState.load(raw)
            except (ValueError, TypeError):
                out[str(key)] = AlertState()  # unreadable row: start that key fresh
        return out

    async def save(
        self,
        states: dict[str, AlertState],
        keys: set[str],
        sent: list[tuple[AlertEvent, str]],
        now: float,
    ) -> None:
        """Persist the changed states and the sent alerts (event, text) in one transaction."""
        if not keys and not sent:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO alert_state(key, state, updated_ts) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
                "updated_ts = excluded.updated_ts",
                [(k, states[k].dump().decode(), now) for k in sorted(keys) if k in states],
            )
            await conn.executemany(
                "INSERT INTO alerts_sent(key, kind, value, text, ts) VALUES (?, ?, ?, ?, ?)",
                [(e.key, e.kind.value, e.value, t, e.ts) for e, t in sent],
            )

    async def recent(self, limit: int = 20) -> list[tuple[str, str, float | None, str, float]]:
        rows = await self._db.fetchall(
            "SELECT key, kind, value, text, ts FROM alerts_sent ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): up to `limit` sent-alert log entries
        from before `cutoff` (ids grow with time, so the oldest come first)."""
        return await self._db.execute(
            "DELETE FROM alerts_sent WHERE id IN "
            "(SELECT id FROM alerts_sent WHERE ts < ? ORDER BY id LIMIT ?)",
            (cutoff, limit),
        )
