"""Upbit's private wallet status: `GET /v1/status/wallet`, signed with a JWT (no query_hash),
and one network's withdrawal fee and minimum: `GET /v1/withdraws/chance` (JWT with query_hash).

Upbit says the answer may lag by minutes and is for reference only. The wire shape stays in this
module; only `core.wallets.WalletStatus` leaves it, and every failure is a `WalletError`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson

from core.wallets import (
    NetworkStatus,
    WalletError,
    WalletStatus,
    add_network,
    coin_statuses,
)
from exchanges.http import SessionHolder

PATH = "/v1/status/wallet"
CHANCE_PATH = "/v1/withdraws/chance"

# wallet_state -> (deposits work, withdrawals work)
_STATES = {
    "working": (True, True),
    "withdraw_only": (False, True),
    "deposit_only": (True, False),
    "paused": (False, False),
    "unsupported": (False, False),
}


def parse_upbit_wallet(data: Any) -> dict[str, WalletStatus]:
    """`[{"currency":"XRP","wallet_state":"withdraw_only","block_state":"normal",
    "block_height":1,"block_updated_at":"2026-11-21T12:00:00+00:00","block_elapsed_minutes":0,
    "net_type":"XRP","network_name":"Ripple"}]` -> {"XRP": WalletStatus(False, True)}.

    Rows with a wallet_state we do not know are skipped (no evidence either way)."""
    if not isinstance(data, list):
        raise WalletError("Upbit wallet status is not a list")
    out: dict[str, WalletStatus] = {}
    for row in data:
        if not isinstance(row, dict):
            continue
        coin, state = row.get("currency"), row.get("wallet_state")
        if isinstance(coin, str) and isinstance(state, str) and state in _STATES:
            add_network(out, coin.upper(), WalletStatus(*_STATES[state]))
    return out


def parse_upbit_networks(data: Any) -> dict[str, tuple[NetworkStatus, ...]]:
    """The same rows per network (`net_type`, e.g. "ETH", "ARBITRUM": Binance's network ids):
    `{"currency":"ETH","wallet_state":"deposit_only","net_type":"ARBITRUM",...}` ->
    {"ETH": (NetworkStatus("ARBITRUM", True, False),)}. The answer has no withdrawal fee.

    A row without `net_type` is the coin's own chain (older answers): named by the coin."""
    if not isinstance(data, list):
        raise WalletError("Upbit wallet status is not a list")
    out: dict[str, list[NetworkStatus]] = {}
    for row in data:
        if not isinstance(row, dict):
            continue
        coin, state, net = row.get("currency"), row.get("wallet_state"), row.get("net_type")
        if not (isinstance(coin, str) and isinstance(state, str) and state in _STATES):
            continue
        name = net if isinstance(net, str) and net else coin
        deposit, withdraw = _STATES[state]
        out.setdefault(coin.upper(), []).append(NetworkStatus(name.upper(), deposit, withdraw))
    return {coin: tuple(nets) for coin, nets in out.items()}


def _amount(value: Any) -> Decimal | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        return None
    return out if out.is_finite() and out >= 0 else None


def parse_upbit_withdraw_chance(data: Any) -> tuple[Decimal | None, Decimal | None]:
    """`GET /v1/withdraws/chance`: `{"currency":{"code":"BTC","withdraw_fee":"0.0009",...},
    "withdraw_limit":{"minimum":"0.001",...},...}` -> (fee 0.0009, minimum 0.001); a field
    missing or null is None (unknown)."""
    if not isinstance(data, dict):
        raise WalletError("Upbit withdrawal information is not an object")
    currency, limit = data.get("currency"), data.get("withdraw_limit")
    fee = _amount(currency.get("withdraw_fee")) if isinstance(currency, dict) else None
    minimum = _amount(limit.get("minimum")) if isinstance(limit, dict) else None
    return fee, minimum


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hs256_token(access_key: str, secret_key: str, query: str | None = None, **extra: object) -> str:
    """The HS256 JWT of a private request on the Upbit-style API 2.0 (Upbit, Bithumb): a fresh
    nonce, the venue's `extra` claims, and with `query` (the exact query string sent) its
    SHA-512 `query_hash`.

    Built by hand: it is three lines, and pyjwt warns (an error under our tests) about short
    HMAC keys such as the simulator's."""
    head = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    claims: dict[str, object] = {"access_key": access_key, "nonce": str(uuid.uuid4()), **extra}
    if query:
        claims["query_hash"] = hashlib.sha512(query.encode()).hexdigest()
        claims["query_hash_alg"] = "SHA512"
    body = _b64(orjson.dumps(claims))
    sig = hmac.new(secret_key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def upbit_token(access_key: str, secret_key: str, query: str | None = None) -> str:
    """The JWT of a private Upbit request (access key, nonce, and the query hash if any)."""
    return hs256_token(access_key, secret_key, query)


def wallet_error_text(venue: str, status: int, body: bytes) -> str:
    """`{"error":{"name":"jwt_verification","message":"..."}}` -> what the operator reads."""
    detail = ""
    try:
        data = orjson.loads(body)
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            detail = f": {data['error'].get('name')} {data['error'].get('message')}"
    except orjson.JSONDecodeError:
        pass
    return f"{venue} wallet status answered HTTP {status}{detail}"


async def get_signed_json(
    http: SessionHolder, url: str, timeout: float, token: str, venue: str, what: str
) -> Any:
    """GET `url` with `token` as the bearer: the decoded JSON body, or a `WalletError` naming the
    venue and what was asked (`what`: "wallet status", "withdrawal information")."""
    headers = {"Authorization": f"Bearer {token}"}
    status, body = await http.fetch(url, timeout, WalletError, headers)
    if status != 200:
        raise WalletError(wallet_error_text(venue, status, body))
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise WalletError(f"{venue} {what} is not JSON") from None


class UpbitWallets:
    """Fetches Upbit's wallet status with the given keys. Owns its HTTP session unless one is
    passed in; `close()` closes only an owned one."""

    def __init__(
        self,
        base_url: str,
        keys: tuple[str, str],
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._url = self._base + PATH
        self._keys = keys
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self) -> dict[str, WalletStatus]:
        """Status per coin; raises `WalletError` (transport failures included)."""
        return coin_statuses(await self.fetch_networks())

    async def fetch_networks(self) -> dict[str, tuple[NetworkStatus, ...]]:
        """Status per coin and network (no fees: Upbit's answer has none); raises
        `WalletError`."""
        token = upbit_token(*self._keys)
        data = await get_signed_json(
            self._http, self._url, self._timeout, token, "Upbit", "wallet status"
        )
        return parse_upbit_networks(data)

    async def withdraw_fee(self, coin: str, network: str) -> tuple[Decimal | None, Decimal | None]:
        """(withdrawal fee, minimum) of `coin` over `network` (`net_type`); raises
        `WalletError`. Needs the key's withdrawal-inquiry (출금조회) permission."""
        query = urlencode({"currency": coin.upper(), "net_type": network})
        url = f"{self._base}{CHANCE_PATH}?{query}"
        token = upbit_token(*self._keys, query)
        data = await get_signed_json(
            self._http, url, self._timeout, token, "Upbit", "withdrawal information"
        )
        return parse_upbit_withdraw_chance(data)
