"""Bithumb's private wallet status: `GET /v1/status/wallet` (API 2.0), signed with a JWT.

The rows are Upbit's (`currency`, `wallet_state`, `block_state`, `net_type`, `network_name`;
apidocs.bithumb.com "입출금 현황"), so they are read by Upbit's parser; the token differs: a
Bithumb JWT carries `timestamp` (ms) beside `access_key` and `nonce` ("인증 토큰 생성하기").
Withdrawal fees are not in the status rows: `withdraw_fee` asks `GET /v1/withdraws/chance`
(currency and net_type, Upbit's answer: `currency.withdraw_fee`, `withdraw_limit.minimum`;
apidocs.bithumb.com "출금 가능 정보"), one network at a time, when a route needs it.
Only `core.wallets` types leave this module; every failure is a `WalletError`.

    [{"currency":"XRP","wallet_state":"withdraw_only","block_state":"normal",
      "block_height":1,"block_updated_at":"2026-11-21T12:00:00+00:00",
      "block_elapsed_minutes":0,"net_type":"XRP","network_name":"Ripple"}]
"""

from __future__ import annotations

import time
from decimal import Decimal
from urllib.parse import urlencode

import aiohttp

from core.wallets import NetworkStatus, WalletError, WalletStatus, coin_statuses
from exchanges.http import SessionHolder
from exchanges.upbit.wallet import (
    CHANCE_PATH,
    get_signed_json,
    hs256_token,
    parse_upbit_networks,
    parse_upbit_withdraw_chance,
)

PATH = "/v1/status/wallet"


def bithumb_token(access_key: str, secret_key: str, query: str | None = None) -> str:
    """The JWT of a private Bithumb request: Upbit's claims plus now as `timestamp` (ms)."""
    return hs256_token(access_key, secret_key, query, timestamp=int(time.time() * 1000))


class BithumbWallets:
    """Fetches Bithumb's wallet status with the given keys (the same shape of client as
    `UpbitWallets`; the status has no withdrawal fees: `withdraw_fee` asks one)."""

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
        return coin_statuses(await self.fetch_networks())

    async def fetch_networks(self) -> dict[str, tuple[NetworkStatus, ...]]:
        """Status per coin and network (`net_type`); raises `WalletError`."""
        token = bithumb_token(*self._keys)
        data = await get_signed_json(
            self._http, self._url, self._timeout, token, "Bithumb", "wallet status"
        )
        try:
            return parse_upbit_networks(data)
        except WalletError:
            raise WalletError("Bithumb wallet status is not a list") from None

    async def withdraw_fee(self, coin: str, network: str) -> tuple[Decimal | None, Decimal | None]:
        """(withdrawal fee, minimum) of `coin` over `network` (`net_type`); None where Bithumb
        gives none (a fee charged as a rate has `withdraw_fee` null); raises `WalletError`."""
        query = urlencode({"currency": coin.upper(), "net_type": network})
        url = f"{self._base}{CHANCE_PATH}?{query}"
        token = bithumb_token(*self._keys, query)
        data = await get_signed_json(
            self._http, url, self._timeout, token, "Bithumb", "withdrawal information"
        )
        try:
            return parse_upbit_withdraw_chance(data)
        except WalletError:
            raise WalletError("Bithumb withdrawal information is not an object") from None
