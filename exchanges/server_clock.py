"""How far our clock is from a venue's, read from its public REST answers (no key needed).

Market data judges a stream's lag on the venue's clock (`Pipeline.clock_offset`). The signing
brokers measure Binance's offset in live mode only, and Upbit has no time endpoint at all, so
market data measures every venue it streams from, live or paper:

- Binance spot `GET /api/v3/time`, USDⓈ-M `GET /fapi/v1/time`: `{"serverTime": 1499827319559}`.
- Upbit and Bithumb: the HTTP `Date` header of any answer (`Date: Sat, 05 Dec 2026 15:00:07
  GMT`); neither documents a time endpoint, and the header counts whole seconds.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import orjson

from core.symbols import Venue
from exchanges.config import MarketDataConfig

# Venues without a time endpoint: their clock is read from the `Date` header.
_DATE_HEADER_VENUES = frozenset({Venue.UPBIT, Venue.BITHUMB})

# A whole-second `Date` header cannot tell offsets below this (s): reported as 0.
DATE_RESOLUTION = 0.5


def parse_binance_time(body: bytes) -> float | None:
    """`{"serverTime": 1499827319559}` → epoch seconds (None for anything else)."""
    try:
        data: Any = orjson.loads(body)
        return float(data["serverTime"]) / 1000
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def parse_date_header(headers: Mapping[str, str]) -> float | None:
    """RFC 7231 `Date` → epoch seconds at the start of that second (None if absent/garbled)."""
    raw = headers.get("Date")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError):
        return None


def offset_from(
    venue: Venue, sent: float, received: float, body: bytes, headers: Mapping[str, str]
) -> float | None:
    """Our clock minus the venue's (s; positive: ours is ahead), from one answer timed by our
    clock at `sent` and `received`: the venue stamped it about halfway through."""
    mid = (sent + received) / 2
    if venue in _DATE_HEADER_VENUES:
        server = parse_date_header(headers)
        if server is None:
            return None
        offset = mid - (server + 0.5)  # the header's second began up to 1 s before
        return 0.0 if abs(offset) <= DATE_RESOLUTION else offset
    server = parse_binance_time(body)
    return None if server is None else mid - server


def time_url(venue: Venue, config: MarketDataConfig) -> str:
    if venue is Venue.UPBIT:
        # A small public answer; only its Date header is read.
        return config.upbit_rest_url.rstrip("/") + "/v1/ticker?markets=KRW-BTC"
    if venue is Venue.BITHUMB:
        return config.bithumb_rest_url.rstrip("/") + "/v1/ticker?markets=KRW-BTC"
    if venue is Venue.BINANCE_FUTURES:
        return config.binance_futures_rest_url.rstrip("/") + "/fapi/v1/time"
    return config.binance_rest_url.rstrip("/") + "/api/v3/time"


async def measure_offset(
    session: aiohttp.ClientSession, venue: Venue, config: MarketDataConfig, now: Callable[[], float]
) -> float | None:
    """One measurement; None when the venue did not answer with a time (the caller keeps the
    last offset). Network errors are the caller's to log."""
    sent = now()
    async with session.get(time_url(venue, config)) as resp:
        body = await resp.read()
        headers = dict(resp.headers)
        status = resp.status
    received = now()
    if status != 200:
        return None
    return offset_from(venue, sent, received, body, headers)
