"""USD/KRW sources: one pure parser per wire shape and the one GET.

Three shapes, each with the source's own quote time:
- `dunamu`: Dunamu's forex quote (`/v1/forex/recent?codes=FRX.KRWUSD`), Hana Bank's intraday
  quote as Upbit shows it; time = its `timestamp` (ms).
- `yahoo`: Yahoo Finance's chart (`/v8/finance/chart/KRW=X`), the interbank quote, 24 h on
  weekdays; time = `meta.regularMarketTime` (s).
- `ecb`: a frankfurter-style answer (the ECB daily reference rate); time = its `date` at 16:00
  Frankfurt time, when the ECB publishes it.

Only `core.fx.FxRate` leaves this module, and every failure (transport ones included) is a
`core.fx.FxError` whose message is what the operator reads as the reason FX figures are missing.
Real bodies: tests/data/real/fx/ (SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import orjson

from core.clock import Clock
from core.fx import FxError, FxRate
from exchanges.http import SessionHolder

_FRANKFURT = ZoneInfo("Europe/Berlin")
_ECB_FIXED_AT = dt.time(16, 0)  # the ECB publishes its reference rates around 16:00 CET


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise FxError("the FX source did not answer JSON") from None


def _positive(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FxError(f"the FX answer has no numeric {what}")
    rate = float(value)
    if not math.isfinite(rate) or rate <= 0:
        raise FxError(f"the FX answer has an impossible rate {rate!r}")
    return rate


def parse_ecb(body: bytes, currency: str = "KRW") -> tuple[float, float]:
    """`{"amount":1.0,"base":"USD","date":"2024-11-20","rates":{"EUR":0.94679}}` ->
    (0.94679, 2024-11-20 16:00 CET as epoch seconds) for currency "EUR"."""
    data = _json(body)
    rates = data.get("rates") if isinstance(data, dict) else None
    rate = _positive(rates.get(currency) if isinstance(rates, dict) else None, f"rates.{currency}")
    day = data.get("date")
    try:
        date = dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        date = None
    if date is None:
        raise FxError("the FX answer has no valid date")
    fixed = dt.datetime.combine(date, _ECB_FIXED_AT, tzinfo=_FRANKFURT)
    return rate, fixed.timestamp()


def parse_fx(body: bytes, currency: str = "KRW") -> float:
    """The ECB answer's rate alone (see `parse_ecb`)."""
    return parse_ecb(body, currency)[0]


def parse_dunamu(body: bytes, code: str = "FRX.KRWUSD") -> tuple[float, float]:
    """`[{"code":"FRX.KRWUSD","date":"2021-08-13","time":"20:01:49","basePrice":1169.00,
    "currencyUnit":1,"timestamp":1628852510337,...}]` -> (1169.0, 1628852510.337)."""
    data = _json(body)
    rows = data if isinstance(data, list) else []
    row = next((r for r in rows if isinstance(r, dict) and r.get("code") == code), None)
    if row is None:
        raise FxError(f"the FX answer has no {code} quote")
    unit = row.get("currencyUnit", 1)
    per = _positive(unit, "currencyUnit") if unit is not None else 1.0
    rate = _positive(row.get("basePrice"), "basePrice") / per
    ts = row.get("timestamp")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or ts <= 0:
        raise FxError("the FX answer has no quote timestamp")
    return rate, float(ts) / 1000.0


def parse_yahoo(body: bytes, symbol: str = "KRW=X") -> tuple[float, float]:
    """`{"chart":{"result":[{"meta":{"currency":"USD","symbol":"EURUSD=X","exchangeName":"CCY",
    "regularMarketTime":1778648482,"regularMarketPrice":1.1738,...}}]}}` -> (1.1738,
    1778648482.0) for symbol "EURUSD=X" (tests/data/real/fx/yahoo_chart_eurusd.json)."""
    data = _json(body)
    chart = data.get("chart") if isinstance(data, dict) else None
    if isinstance(chart, dict) and chart.get("error"):
        raise FxError(f"the FX source reported an error: {str(chart['error'])[:200]}")
    results = chart.get("result") if isinstance(chart, dict) else None
    meta = results[0].get("meta") if isinstance(results, list) and results else None
    if not isinstance(meta, dict) or meta.get("symbol") != symbol:
        raise FxError(f"the FX answer has no {symbol} quote")
    rate = _positive(meta.get("regularMarketPrice"), "regularMarketPrice")
    ts = meta.get("regularMarketTime")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or ts <= 0:
        raise FxError("the FX answer has no quote time")
    return rate, float(ts)


PARSERS: dict[str, Callable[[bytes], tuple[float, float]]] = {
    "dunamu": parse_dunamu,
    "yahoo": parse_yahoo,
    "ecb": parse_ecb,
}


class FxClient:
    """Fetches one source's rate from `url` with the parser for `kind`, stamped with `clock`.
    Owns its HTTP session unless one is passed in; `close()` closes only an owned one."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
        kind: str = "ecb",
    ) -> None:
        if kind not in PARSERS:
            raise ValueError(f"unknown FX source kind {kind!r}; known: {', '.join(PARSERS)}")
        self.url = url
        self.kind = kind
        self._parse = PARSERS[kind]
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
        rate, as_of = self._parse(body)
        return FxRate(rate, self._clock.now(), self.kind, as_of)
