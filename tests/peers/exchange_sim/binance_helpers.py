"""Helpers for the Binance simulator tests: unmodified ccxt clients pointed at the simulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt_async
import ccxt.pro as ccxtpro

from peers.exchange_sim.server import SIM_API_KEYS, SimExchange

KEY, SECRET = SIM_API_KEYS["binance"]
SPOT_OPTIONS = {
    "fetchMarkets": {"types": ["spot"]},
    "fetchCurrencies": False,
    "fetchMargins": False,
}


def point_binance(ex: Any, rest_base: str, ws_base: str | None = None) -> None:
    """PROTOCOLS 8.3: swap every REST base for the simulator's, keep the paths."""
    api = ex.urls["api"]
    new: dict[str, Any] = {}
    for key, val in api.items():
        new[key] = rest_base.rstrip("/") + urlsplit(val).path if isinstance(val, str) else val
    if "ws" in api and ws_base is not None:
        ws = dict(api["ws"])
        ws["spot"] = ws["margin"] = ws_base + "/ws"
        ws["linear"] = ws_base + "/ws"
        new["ws"] = ws
    ex.urls["api"] = new


def spot_client(sim: SimExchange, *, pro: bool = False, **config: Any) -> Any:
    cls = ccxtpro.binance if pro else ccxt_async.binance
    ex = cls(
        {
            "apiKey": KEY,
            "secret": SECRET,
            "enableRateLimit": False,
            "options": dict(SPOT_OPTIONS),
            **config,
        }
    )
    point_binance(ex, sim.urls["BINANCE_REST_URL"], sim.urls["BINANCE_WS_URL"])
    return ex


def futures_client(sim: SimExchange, *, pro: bool = False, **config: Any) -> Any:
    cls = ccxtpro.binanceusdm if pro else ccxt_async.binanceusdm
    ex = cls(
        {
            "apiKey": KEY,
            "secret": SECRET,
            "enableRateLimit": False,
            "options": {"fetchCurrencies": False, "fetchMargins": False},
            **config,
        }
    )
    point_binance(ex, sim.urls["BINANCE_FUTURES_REST_URL"], sim.urls["BINANCE_FUTURES_WS_URL"])
    return ex


def map_binance_errors_by_path(ex: Any) -> None:
    """PROTOCOLS 8.7: ccxt picks the market-specific error table by the real host name; with a
    local URL it must go by path instead (futures -2019 -> InsufficientFunds)."""
    orig = ex.get_exceptions_by_url

    def patched(url: str, exact_or_broad: str) -> Any:
        if url and "/fapi/" in url:
            mt = "linear"
        elif url and ("/api/v3" in url or "/sapi/" in url):
            mt = "spot"
        else:
            return orig(url, exact_or_broad)
        return ex.safe_dict(ex.safe_dict(ex.exceptions, mt, {}), exact_or_broad, {})

    ex.get_exceptions_by_url = patched
