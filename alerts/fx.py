"""USD/KRW from a frankfurter-style endpoint (`{"rates": {"KRW": 1385.2}, ...}`).

There is deliberately no fallback constant: when the source is down long enough for the last
rate to go stale, the FX figures (FX kimp, tether premium) are unavailable, never made up.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import orjson
from loguru import logger

from core.clock import Clock


class FxError(Exception):
    """The FX source answered something unusable; the message says what."""


def parse_fx(body: bytes, currency: str = "KRW") -> float:
    """`{"amount":1.0,"base":"USD","date":"2025-01-02","rates":{"KRW":1385.2}}` -> 1385.2."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise FxError("the FX source did not answer JSON") from None
    rates = data.get("rates") if isinstance(data, dict) else None
    value = rates.get(currency) if isinstance(rates, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FxError(f"the FX answer has no numeric rates.{currency}")
    rate = float(value)
    if not math.isfinite(rate) or rate <= 0:
        raise FxError(f"the FX answer has an impossible rate {rate!r}")
    return rate


@dataclass(slots=True)
class FxState:
    rate: float | None = None
    fetched_at: float | None = None  # local clock seconds of the last good answer
    last_error: str | None = None
    failures: int = 0  # consecutive

    def age(self, now: float) -> float | None:
        return None if self.fetched_at is None else max(0.0, now - self.fetched_at)


class FxPoller:
    """Polls `url` every `refresh` seconds (faster while failing) and reports good rates."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        on_rate: Callable[[float, float], None],
        refresh: float = 300.0,
        timeout: float = 10.0,
        retry: float = 15.0,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.url = url
        self.state = FxState()
        self._clock = clock
        self._on_rate = on_rate
        self._on_error = on_error
        self._refresh = refresh
        self._timeout = timeout
        self._retry = min(retry, refresh)

    async def fetch_once(self, session: aiohttp.ClientSession) -> float | None:
        """One poll; updates `state`; returns the rate or None on failure (never raises I/O)."""
        try:
            async with asyncio.timeout(self._timeout):
                async with session.get(self.url) as resp:
                    body = await resp.read()
                    if resp.status != 200:
                        raise FxError(f"the FX source answered HTTP {resp.status}")
            rate = parse_fx(body)
        except (FxError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            self.state.failures += 1
            self.state.last_error = str(exc) or type(exc).__name__
            if self._on_error is not None:
                self._on_error(self.state.last_error)
            if self.state.failures in (1, 10) or self.state.failures % 100 == 0:
                logger.warning("FX rate fetch failed ({}x): {}", self.state.failures, exc)
            return None
        now = self._clock.now()
        self.state.rate, self.state.fetched_at = rate, now
        self.state.failures, self.state.last_error = 0, None
        self._on_rate(rate, now)
        return rate

    async def run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                ok = await self.fetch_once(session) is not None
                await self._clock.sleep(self._refresh if ok else self._retry)
