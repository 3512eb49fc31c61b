"""The kimp monitor's USD/KRW poller: how often to ask the FX source and what a failure means.

The source (`core.fx.FxSource`, the HTTP client in exchanges/fx.py as wired by
bot/features/kimp.py) fetches and parses; this module keeps the last good rate and its time.
There is deliberately no fallback constant: when the source is down long enough for the last
rate to go stale, the FX figures (FX kimp, tether premium) are unavailable, never made up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger

from core.clock import Clock
from core.fx import FxError, FxSource


@dataclass(slots=True)
class FxState:
    rate: float | None = None
    fetched_at: float | None = None  # local clock seconds of the last good answer
    last_error: str | None = None
    failures: int = 0  # consecutive

    def age(self, now: float) -> float | None:
        return None if self.fetched_at is None else max(0.0, now - self.fetched_at)


class FxPoller:
    """Asks `source` every `refresh` seconds (faster while failing) and reports good rates."""

    def __init__(
        self,
        source: FxSource,
        clock: Clock,
        on_rate: Callable[[float, float], None],
        refresh: float = 300.0,
        retry: float = 15.0,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.state = FxState()
        self._source = source
        self._clock = clock
        self._on_rate = on_rate
        self._on_error = on_error
        self._refresh = refresh
        self._retry = min(retry, refresh)

    async def fetch_once(self) -> float | None:
        """One poll; updates `state`; returns the rate or None on failure (never raises I/O)."""
        try:
            fx = await self._source()
        except FxError as exc:
            self.state.failures += 1
            self.state.last_error = str(exc) or type(exc).__name__
            if self._on_error is not None:
                self._on_error(self.state.last_error)
            if self.state.failures in (1, 10) or self.state.failures % 100 == 0:
                logger.warning("FX rate fetch failed ({}x): {}", self.state.failures, exc)
            return None
        self.state.rate, self.state.fetched_at = fx.rate, fx.recv_ts
        self.state.failures, self.state.last_error = 0, None
        self._on_rate(fx.rate, fx.recv_ts)
        return fx.rate

    async def run(self) -> None:
        while True:
            ok = await self.fetch_once() is not None
            await self._clock.sleep(self._refresh if ok else self._retry)
