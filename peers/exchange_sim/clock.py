"""Virtual time for the simulator: real time scaled by `speed`, plus manual jumps."""

from __future__ import annotations

import time


class SimClock:
    """Market time that runs `speed` times faster than real time and can be jumped forward.

    `now()` starts at `start` (epoch seconds; default: the real wall clock at construction) and
    advances with the real monotonic clock times `speed`, plus whatever `advance()` added.
    `skew_ms` is not applied here: a venue adds it to the server time it reports (-1021 tests).
    """

    def __init__(self, start: float | None = None, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._base = time.time() if start is None else float(start)
        self._anchor = time.monotonic()
        self._speed = float(speed)
        self.skew_ms = 0

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value < 0:
            raise ValueError("speed must be >= 0")
        self._rebase()
        self._speed = float(value)

    def _rebase(self) -> None:
        mono = time.monotonic()
        self._base += (mono - self._anchor) * self._speed
        self._anchor = mono

    def now(self) -> float:
        """Virtual epoch seconds."""
        return self._base + (time.monotonic() - self._anchor) * self._speed

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
