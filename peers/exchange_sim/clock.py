"""Virtual time for the simulator: real time scaled by `speed`, plus manual jumps.

A *paced* clock (`max_step`) runs no faster than its owner's event loop can keep up: between two
`step()` calls (the simulator's market ticks) it counts at most `max_step` real seconds. On a
loaded machine a tick that comes late means the loop, and the service sharing it, is behind;
counting the whole delay would move the market minutes ahead of a service that has not yet
read the last ones (at 150x, a 0.4 s stall is a market minute), so a test would measure the
machine rather than the code. The clock slows down with the loop instead.
"""

from __future__ import annotations

import time


class SimClock:
    """Market time that runs `speed` times faster than real time and can be jumped forward.

    `now()` starts at `start` (epoch seconds; default: the real wall clock at construction) and
    advances with the real monotonic clock times `speed`, plus whatever `advance()` added; a
    paced clock (`max_step`) counts at most `max_step` real seconds between two `step()`s.
    `skew_ms` is not applied here: a venue adds it to the server time it reports (-1021 tests).
    """

    def __init__(
        self, start: float | None = None, speed: float = 1.0, max_step: float | None = None
    ) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        if max_step is not None and max_step <= 0:
            raise ValueError("max_step must be > 0")
        self._base = time.time() if start is None else float(start)
        self._anchor = time.monotonic()
        self._speed = float(speed)
        self._max_step = max_step
        self.skew_ms = 0

    @property
    def paced(self) -> bool:
        return self._max_step is not None

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value < 0:
            raise ValueError("speed must be >= 0")
        self._rebase()
        self._speed = float(value)

    def _elapsed(self, mono: float) -> float:
        """Real seconds counted since the anchor: all of them, or at most `max_step`."""
        real = mono - self._anchor
        return real if self._max_step is None else min(real, self._max_step)

    def _rebase(self) -> None:
        mono = time.monotonic()
        self._base += self._elapsed(mono) * self._speed
        self._anchor = mono

    def step(self) -> None:
        """A market tick: a paced clock counts the time since the last one, up to `max_step`
        (a plain clock needs no steps; it is rebased all the same, which changes nothing)."""
        self._rebase()

    def now(self) -> float:
        """Virtual epoch seconds."""
        return self._base + self._elapsed(time.monotonic()) * self._speed

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        """Jump virtual time forward instantly (the market catches up on its next tick)."""
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        self._base += seconds

    @staticmethod
    def wall_ms() -> int:
        """Real wall-clock milliseconds (what a client's `timestamp` parameter is compared to)."""
        return int(time.time() * 1000)
