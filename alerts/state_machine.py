"""The per-key alert state machine (a key is one coin, or the tether premium).

Zones: normal -> high (premium >= high for `min_duration`, outside the `cooldown` since the last
high alert) -> escalations every further `escalation_step` (each held `min_duration`) -> back to
normal once the premium comes back by `rearm_margin` below the threshold (hysteresis). The low
(reverse-premium) side mirrors it. Independently, a jump alert fires when the premium moves more
than `jump_pct` within `jump_window`. A reading with a stale leg suspends the key (and says why);
an implausible premium is flagged and never alerted.

The engine is pure (time comes in as `now`) and words nothing: reasons and moves are `Text`s the
app renders. Levels live in alerts/config.py, the per-key state and its persistence in
alerts/alert_state.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from alerts.alert_state import AlertState
from alerts.config import AlertConfig
from alerts.events import AlertEvent, EventKind, Reading, Zone
from core import numbers
from core.text import Text


def _steps(beyond: float, step: float) -> int:
    return max(0, math.floor(beyond / step + 1e-9))


class AlertEngine:
    """Feed it one round of readings at a time; it returns the events and tracks dirty keys."""

    def __init__(
        self,
        config: AlertConfig,
        states: dict[str, AlertState] | None = None,
        startup_grace: float = 120.0,
    ) -> None:
        self.config = config
        self.states: dict[str, AlertState] = states or {}
        self.dirty: set[str] = set()
        # A key that is suspended without having been live in this process (an outage already
        # under way at start-up, a coin that never got a price) is announced once, after this.
        self.startup_grace = startup_grace
        # A coin's own thresholds (/kimpalert <coin> high 5): key -> (high, low), None = global.
        self.overrides: dict[str, tuple[float | None, float | None]] = {}

    def set_config(self, config: AlertConfig) -> None:
        problems = config.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.config = config

    def levels(self, key: str) -> tuple[float, float]:
        """(high, low) for a key: its own where set, else the configured levels."""
        hi, lo = self.config.levels(key)
        own = self.overrides.get(key.partition("@")[0])  # a coin's own, on every KRW venue
        if own is None:
            return hi, lo
        return (hi if own[0] is None else own[0]), (lo if own[1] is None else own[1])

    def update_config(self, **changes: float) -> AlertConfig:
        self.set_config(replace(self.config, **changes))  # type: ignore[arg-type]
        return self.config

    def evaluate(self, readings: list[Reading], now: float) -> list[AlertEvent]:
        events: list[AlertEvent] = []
        for r in readings:
            events.extend(self.step(r, now))
        return events

    def step(self, r: Reading, now: float) -> list[AlertEvent]:
        st = self.states.get(r.key)
        if st is None:
            st = self.states[r.key] = AlertState()
            self.dirty.add(r.key)

        def ev(kind: EventKind, detail: str | Text = "", threshold: float = 0.0) -> AlertEvent:
            return AlertEvent(
                r.key, r.label, kind, r.value, st.zone, st.level, st.episode, now,
                r.market_wide, detail, threshold, r.basis, r.note,
            )  # fmt: skip

        why = r.suspended or (None if r.value is not None else Text.of("kimp.no_premium"))
        if why is not None:
            out = []
            if st.suspended_seen <= 0:
                st.suspended_seen = now
            if st.suspended is None:
                st.pending = None
                st.reset_window(now)
                st.suspended_notified = st.active
                self.dirty.add(r.key)
                if st.active:
                    out.append(ev(EventKind.SUSPENDED, why))
            elif not st.suspended_notified and now - st.suspended_seen >= self.startup_grace:
                st.suspended_notified = True  # persisted: announced once, even across restarts
                self.dirty.add(r.key)
                out.append(ev(EventKind.SUSPENDED, why))
            st.suspended = why  # the newest reason, for display; not worth a write
            return out
        st.suspended_seen = 0.0
        assert r.value is not None
        p = r.value
        out = []
        if st.suspended is not None:
            if st.suspended_notified:
                out.append(ev(EventKind.RESUMED))
            st.suspended, st.suspended_notified = None, False
            self.dirty.add(r.key)
        if not st.active:
            st.active = True
            self.dirty.add(r.key)
        cfg = self.config
        if abs(p) > cfg.implausible_pct:
            if not st.flagged:
                st.flagged, st.pending = True, None
                self.dirty.add(r.key)
                out.append(
                    ev(EventKind.IMPLAUSIBLE, f"beyond ±{numbers.grouped(cfg.implausible_pct)}%")
                )
            return out
        if st.flagged:
            st.flagged = False
            st.reset_window(now)
            self.dirty.add(r.key)
        jump = self._jump(st, p, now)
        if jump:
            self.dirty.add(r.key)  # persists window_reset: no repeat from history after a restart
            out.append(ev(EventKind.JUMP, jump))
        out.extend(self._zones(st, r.key, p, now, ev))
        st.last_value = p  # persisted with the next write; not worth one of its own
        return out

    def _jump(self, st: AlertState, p: float, now: float) -> Text | None:
        cfg = self.config
        lo, hi = st.jmin, st.jmax
        horizon = now - cfg.jump_window
        while lo and lo[0][0] < horizon:
            lo.popleft()
        while hi and hi[0][0] < horizon:
            hi.popleft()
        move = None
        if lo and p - lo[0][1] > cfg.jump_pct:
            pp, secs = numbers.grouped(p - lo[0][1], 2), f"{now - lo[0][0]:.0f}"
            start = numbers.percent(lo[0][1])
            move = Text.of("kimp.jump_up", pp=pp, secs=secs, start=start)
        elif hi and hi[0][1] - p > cfg.jump_pct:
            pp, secs = numbers.grouped(hi[0][1] - p, 2), f"{now - hi[0][0]:.0f}"
            start = numbers.percent(hi[0][1])
            move = Text.of("kimp.jump_down", pp=pp, secs=secs, start=start)
        if move:
            st.reset_window(now)
        st.push_window(now, p)
        return move

    def seed_window(self, key: str, history: list[tuple[float, float]], now: float) -> int:
        """Rebuild a key's jump window from (ts, value) history, oldest first; returns how many
        points were used. Points at or before the last window reset, or outside the window,
        are ignored, and so is a key that is suspended or flagged right now."""
        st = self.states.get(key)
        if st is None:
            st = self.states[key] = AlertState()
        if st.suspended is not None or st.flagged:
            return 0
        horizon = max(now - self.config.jump_window, st.window_reset)
        used = 0
        for ts, value in history:
            if horizon < ts <= now and abs(value) <= self.config.implausible_pct:
                st.push_window(ts, value)
                used += 1
        return used

    def _wait(self, st: AlertState, key: str, what: str, now: float) -> bool:
        """Start or continue waiting out `min_duration` for `what`; True once it has passed."""
        if st.pending != what:
            st.pending, st.pending_since = what, now
            self.dirty.add(key)
        return now - st.pending_since >= self.config.min_duration

    def _clear_pending(self, st: AlertState, key: str) -> None:
        if st.pending is not None:
            st.pending = None
            self.dirty.add(key)

    def _zones(self, st: AlertState, key: str, p: float, now: float, ev: Any) -> list[AlertEvent]:
        cfg = self.config
        hi, lo = self.levels(key)
        m, step = cfg.rearm_margin_pct, cfg.escalation_step_pct
        if st.zone is Zone.NORMAL:
            target = Zone.HIGH if p >= hi else Zone.LOW if p <= lo else None
            if target is None:
                self._clear_pending(st, key)
                return []
            if not self._wait(st, key, target.value, now):
                return []
            if now - st.last_enter.get(target.value, -math.inf) < cfg.cooldown:
                return []  # stays pending; fires when the cooldown ends if still beyond
            beyond = p - hi if target is Zone.HIGH else lo - p
            st.zone, st.level, st.episode, st.pending = (
                target,
                _steps(beyond, step),
                st.episode + 1,
                None,
            )
            st.last_enter[target.value] = now
            self.dirty.add(key)
            return [ev(EventKind.ENTER, threshold=hi if target is Zone.HIGH else lo)]
        high = st.zone is Zone.HIGH
        back = p <= hi - m if high else p >= lo + m
        if back:
            ev_out = ev(EventKind.NORMAL, threshold=(hi - m) if high else (lo + m))
            st.zone, st.level, st.pending = Zone.NORMAL, 0, None
            self.dirty.add(key)
            return [ev_out]
        k = _steps(p - hi if high else lo - p, step)
        if k <= st.level:
            self._clear_pending(st, key)
            return []
        if not self._wait(st, key, "escalate", now):
            return []
        st.level, st.pending = k, None
        self.dirty.add(key)
        crossed = hi + k * step if high else lo - k * step
        return [ev(EventKind.ESCALATE, threshold=crossed)]
