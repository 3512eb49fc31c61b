"""Bithumb's private wallet status: `GET /v1/status/wallet` (API 2.0), signed with a JWT.

The rows are Upbit's (`currency`, `wallet_state`, `block_state`, `net_type`, `network_name`;
apidocs.bithumb.com "입출금 현황"), so they are read by Upbit's parser; the token differs: a
Bithumb JWT carries `timestamp` (ms) beside `access_key` and `nonce` ("인증 토큰 생성하기").
Only `core.wallets` types leave this module; every failure is a `WalletError`.

    [{"currency":"XRP","wallet_state":"withdraw_only","block_state":"normal",
      "block_height":1,"block_updated_at":"2026-11-21T12:00:00+00:00",
      "block_elapsed_minutes":0,"net_type":"XRP","network_name":"Ripple"}]
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import aiohttp
import orjson

from core.wallets import NetworkStatus, WalletError, WalletStatus, coin_statuses
from exchanges.http import SessionHolder
from exchanges.upbit.wallet import parse_upbit_networks

PATH = "/v1/status/wallet"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def bithumb_token(access_key: str, secret_key: str, query: str | None = None) -> str:
    """The HS256 JWT of a private Bithumb request (fresh nonce, now as `timestamp`); with
    `query` (the URL-encoded query string sent) its SHA-512 `query_hash`."""
    head = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    claims: dict[str, object] = {
        "access_key": access_key,
        "nonce": str(uuid.uuid4()),
        "timestamp": int(time.time() * 1000),
    }
    if query:
        claims["query_hash"] = hashlib.sha512(query.encode()).hexdigest()
        claims["query_hash_alg"] = "SHA512"
    body = _b64(orjson.dumps(claims))
    sig = hmac.new(secret_key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def _error_text(status: int, body: bytes) -> str:
    detail = ""
    try:
        data = orjson.loads(body)
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            detail = f": {data['error'].get('name')} {data['error'].get('message')}"
    except orjson.JSONDecodeError:
        pass
    return f"Bithumb wallet status answered HTTP {status}{detail}"


class BithumbWallets:
    """Fetches Bithumb's wallet status with the given keys (the same shape of client as
    `UpbitWallets`; no withdrawal fees: the answer has none)."""

    def __init__(
        self,
        base_url: str,
        keys: tuple[str, str],
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._url = base_url.rstrip("/") + PATH
        self._keys = keys
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self) -> dict[str, WalletStatus]:
        return coin_statuses(await self.fetch_networks())

    async def fetch_networks(self) -> dict[str, tuple[NetworkStatus, ...]]:
        """Status per coin and network (`net_type`); raises `WalletError`."""
        headers = {"Authorization": f"Bearer {bithumb_token(*self._keys)}"}
        status, body = await self._http.fetch(self._url, self._timeout, WalletError, headers)
        if status != 200:
            raise WalletError(_error_text(status, body))
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise WalletError("Bithumb wallet status is not JSON") from None
        try:
            return parse_upbit_networks(data)
        except WalletError:
            raise WalletError("Bithumb wallet status is not a list") from None
