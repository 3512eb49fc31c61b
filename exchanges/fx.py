"""USD/KRW from a frankfurter-style endpoint (`FX_RATE_URL`): the wire shape and the one GET.

Only `core.fx.FxRate` leaves this module, and every failure (transport ones included) is a
`core.fx.FxError` whose message is what the operator reads as the reason FX figures are missing.
"""

from __future__ import annotations

import math

import aiohttp
import orjson

from core.clock import Clock
from core.fx import FxError, FxRate
from exchanges.http import SessionHolder


def parse_fx(body: bytes, currency: str = "KRW") -> float:
    """`{"amount":1.0,"base":"USD","date":"2025-01-02","rates":{"KRW":1385.2}}` -> 1385.2.

    The sample lives in tests/data/fx/latest.json."""
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


class FxClient:
    """Fetches the rate from `url`, stamped with `clock`. Owns its HTTP session unless one is
    passed in; `close()` closes only an owned one."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self._clock = clock
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self) -> FxRate:
        """The current rate; raises `FxError` (transport failures included)."""
        status, body = await self._http.fetch(self.url, self._timeout, FxError)
        if status != 200:
            raise FxError(f"the FX source answered HTTP {status}")
        rate = parse_fx(body)
        return FxRate(rate, self._clock.now())
