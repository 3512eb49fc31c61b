"""Binance's private wallet status: `GET /sapi/v1/capital/config/getall` (HMAC-SHA256 signed).

`networkList[]` carries `depositEnable` / `withdrawEnable` per network. The wire shape stays in
this module; only `core.wallets.WalletStatus` leaves it, and every failure is a `WalletError`.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp
import orjson

from core.clock import Clock
from core.wallets import (
    NetworkStatus,
    WalletError,
    WalletStatus,
    add_network,
    coin_statuses,
)
from exchanges.http import SessionHolder

PATH = "/sapi/v1/capital/config/getall"


def parse_binance_capital(data: Any) -> dict[str, WalletStatus]:
    """`[{"coin":"SOL","depositAllEnable":false,"withdrawAllEnable":true,"networkList":[
    {"network":"SOL","coin":"SOL","depositEnable":false,"withdrawEnable":true}]}]`
    -> {"SOL": WalletStatus(False, True)}. A coin without networks can do neither."""
    if not isinstance(data, list):
        raise WalletError("Binance capital config is not a list")
    out: dict[str, WalletStatus] = {}
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("coin"), str):
            continue
        nets = item.get("networkList")
        nets = [n for n in nets if isinstance(n, dict)] if isinstance(nets, list) else []
        deposit = any(n.get("depositEnable") is True for n in nets)
        withdraw = any(n.get("withdrawEnable") is True for n in nets)
        add_network(out, item["coin"].upper(), WalletStatus(deposit, withdraw))
    return out


def _amount(value: Any) -> Decimal | None:
    """`"0.0008"` -> Decimal; anything else (missing, garbage, negative) -> None (unknown)."""
    if not isinstance(value, str):
        return None
    try:
        out = Decimal(value)
    except InvalidOperation:
        return None
    return out if out.is_finite() and out >= 0 else None


def parse_binance_networks(data: Any) -> dict[str, tuple[NetworkStatus, ...]]:
    """The same answer per network, with its withdrawal fee and minimum in the coin:
    `{"network":"ARBITRUM","depositEnable":true,"withdrawEnable":true,"withdrawFee":"0.00004",
    "withdrawMin":"0.0008",...}` -> NetworkStatus("ARBITRUM", True, True, 0.00004, 0.0008)."""
    if not isinstance(data, list):
        raise WalletError("Binance capital config is not a list")
    out: dict[str, tuple[NetworkStatus, ...]] = {}
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("coin"), str):
            continue
        nets = item.get("networkList")
        rows = [n for n in nets if isinstance(n, dict)] if isinstance(nets, list) else []
        out[item["coin"].upper()] = tuple(
            NetworkStatus(
                n["network"].upper(),
                n.get("depositEnable") is True,
                n.get("withdrawEnable") is True,
                _amount(n.get("withdrawFee")),
                _amount(n.get("withdrawMin")),
            )
            for n in rows
            if isinstance(n.get("network"), str)
        )
    return out


def binance_query(secret: str, timestamp_ms: int, recv_window: int = 10_000) -> str:
    """`timestamp=..&recvWindow=..&signature=<hex HMAC-SHA256 of the rest>`."""
    query = f"timestamp={timestamp_ms}&recvWindow={recv_window}"
    sig = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={sig}"


def _error_text(status: int, body: bytes) -> str:
    """`{"code":-1022,"msg":"Signature for this request is not valid."}` -> operator text."""
    detail = ""
    try:
        data = orjson.loads(body)
        if isinstance(data, dict) and "code" in data:
            detail = f": {data.get('code')} {data.get('msg')}"
    except orjson.JSONDecodeError:
        pass
    return f"Binance wallet status answered HTTP {status}{detail}"


class BinanceWallets:
    """Fetches Binance's coin configuration with the given keys, signing with `clock`. Owns its
    HTTP session unless one is passed in; `close()` closes only an owned one."""

    def __init__(
        self,
        base_url: str,
        keys: tuple[str, str],
        clock: Clock,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._url = base_url.rstrip("/") + PATH
        self._keys = keys
        self._clock = clock
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self) -> dict[str, WalletStatus]:
        """Status per coin; raises `WalletError` (transport failures included)."""
        return coin_statuses(await self.fetch_networks())

    async def fetch_networks(self) -> dict[str, tuple[NetworkStatus, ...]]:
        """Status, withdrawal fee and minimum per coin and network; raises `WalletError`."""
        key, secret = self._keys
        url = f"{self._url}?{binance_query(secret, int(self._clock.now() * 1000))}"
        headers = {"X-MBX-APIKEY": key}
        status, body = await self._http.fetch(url, self._timeout, WalletError, headers)
        if status != 200:
            raise WalletError(_error_text(status, body))
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise WalletError("Binance wallet status is not JSON") from None
        return parse_binance_networks(data)
