"""The ccxt exchange instance a broker talks through: pointed at our URLs, paced by `RateGate`.

`make_exchange` is the one place that knows which ccxt class serves which venue; the brokers
(exchanges/upbit/broker.py, exchanges/binance/broker.py) only receive the instance.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt

from core.symbols import Venue
from exchanges.ccxt.bithumb import bithumb_exchange
from exchanges.ccxt.gate import RateGate


def _gated(cls: type[Any]) -> type[Any]:
    """A ccxt exchange class whose every request waits on, and reports to, `self.gate`."""

    class Gated(cls):
        gate: RateGate
        # ms epoch of the last request's end; None until the first request (see `throttle`).
        _idle_since: float | None = None

        async def throttle(self, cost: Any = None) -> Any:
            # ccxt's leaky bucket restarts its clock when it goes idle, so tokens never refill
            # between requests and every call waits cost x rateLimit (~11 ms for an order).
            # Credit the idle time (capped at the bucket's capacity): same pacing under load,
            # no needless wait for the first request after a pause.
            t = self.throttler
            idle_since = self._idle_since
            if not t.running and idle_since is not None:
                cfg = t.config
                refill = (time.time() * 1000 - idle_since) * cfg["refillRate"]
                cfg["tokens"] = min(cfg["tokens"] + refill, cfg["capacity"])
            result = await super().throttle(cost)
            self._idle_since = time.time() * 1000
            return result

        async def fetch(
            self, url: str, method: str = "GET", headers: Any = None, body: Any = None
        ) -> Any:
            await self.gate.wait()
            return await super().fetch(url, method, headers, body)

        def on_rest_response(
            self,
            code: int,
            reason: str,
            url: str,
            method: str,
            response_headers: Any,
            response_body: Any,
            request_headers: Any,
            request_body: Any,
        ) -> Any:
            self.gate.on_response(code, response_headers or {})
            return super().on_rest_response(
                code, reason, url, method, response_headers, response_body,
                request_headers, request_body,
            )  # fmt: skip

    Gated.__name__ = f"Gated{cls.__name__}"
    return Gated


def point_urls(ex: Any, rest_base: str, fapi_base: str | None = None) -> None:
    """PROTOCOLS 8.3: keep each path (/api/v3, /fapi/v1, ...) and swap scheme + host."""
    new: dict[str, Any] = {}
    for key, val in ex.urls["api"].items():
        if isinstance(val, str):
            base = fapi_base if (fapi_base and key.startswith("fapi")) else rest_base
            new[key] = base.rstrip("/") + urlsplit(val).path
        else:
            new[key] = val
    ex.urls["api"] = new


def make_exchange(
    venue: Venue,
    *,
    api_key: str | None,
    secret: str | None,
    rest_url: str,
    timeout_s: float = 10.0,
    session: Any = None,
) -> tuple[Any, RateGate]:
    """A ccxt instance for `venue`, pointed at `rest_url`, with a rate gate attached.

    `session`: an aiohttp ClientSession to use (the benchmark's carries trace hooks).
    """
    common: dict[str, Any] = {"enableRateLimit": True, "timeout": int(timeout_s * 1000)}
    if session is not None:
        common["session"] = session
    if api_key and secret:
        common |= {"apiKey": api_key, "secret": secret}
    if venue is Venue.UPBIT:
        ex = _gated(ccxt.upbit)(common)
        base = rest_url.rstrip("/")
        ex.urls["api"] = {"public": base, "private": base}
        gate = RateGate("upbit")
    elif venue is Venue.BITHUMB:
        ex = bithumb_exchange(_gated(ccxt.bithumb), common, rest_url)
        return ex, ex.gate
    elif venue is Venue.BINANCE_SPOT:
        opts = {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False}
        ex = _gated(ccxt.binance)(common | {"options": opts | {"fetchMargins": False}})
        point_urls(ex, rest_url)
        gate = RateGate("binance", weight_limit=6000)
    else:
        opts = {"fetchCurrencies": False, "fetchMargins": False}
        ex = _gated(ccxt.binanceusdm)(common | {"options": opts})
        point_urls(ex, rest_url, rest_url)
        gate = RateGate("binance_futures", weight_limit=2400)
    ex.gate = gate
    return ex, gate
