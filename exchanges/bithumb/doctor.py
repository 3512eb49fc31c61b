"""Bithumb's pre-flight probe (API 2.0): the clock (the HTTP `Date` header, as Upbit's), the key
(`GET /v1/accounts`: accepted, and the KRW balance), what the key may read (open orders,
`GET /v1/orders?state=wait`; wallet status, `GET /v1/status/wallet`, which the transfer-aware
premium needs) and each Bithumb bot's stake against the market's minimum
(`GET /v1/orders/chance`, `market.bid.min_total`, as Upbit's).

Errors come in Upbit's shape, `{"error": {"name": "jwt_verification", "message": "..."}}` (401,
Bithumb's docs "API 주요 에러 코드"). Bithumb, like Upbit, does not report a key's permissions, and
has no test order: whether the key may order or withdraw is said, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlencode

import aiohttp

from core.doctor import Area, Check, CheckStatus, StakePlan
from core.symbols import Venue
from core.text import Text
from exchanges.bithumb.wallet import bithumb_token
from exchanges.doctor_common import (
    Answer,
    ProbeError,
    balance_check,
    call,
    keys_missing,
    unexpected,
    unreachable,
)
from exchanges.upbit.doctor import chance_stake_check, date_header_clock, parse_error, parse_krw

AREA = Area.BITHUMB
KEY_ERRORS = ("invalid_access_key", "jwt_verification", "expired_jwt", "NotAllowIP")
SCOPE_ERRORS = ("out_of_scope", "not_allowed_scope")  # the key lacks the permission asked for


class BithumbDoctor:
    def __init__(
        self,
        keys: tuple[str, str] | None,
        rest_url: str,
        stakes: list[StakePlan],
        session: aiohttp.ClientSession,
        now: Callable[[], float],
        timeout: float = 10.0,
    ) -> None:
        self._keys = keys
        self._base = rest_url.rstrip("/")
        self._stakes = [s for s in stakes if s.venue is Venue.BITHUMB]
        self._session = session
        self._now = now
        self._timeout = timeout

    async def run(self) -> list[Check]:
        out = [await self._clock()]
        if self._keys is None:
            names = "BITHUMB_ACCESS_KEY, BITHUMB_SECRET_KEY"
            return [*out, keys_missing(AREA, self._stakes, names)]
        accounts = await self._request("/v1/accounts", "keys")
        if isinstance(accounts, Check):
            return [*out, accounts]
        krw = parse_krw(accounts)
        out.append(Check(AREA, "keys", CheckStatus.OK, Text.of("doctor.found.keys_ok")))
        out.append(balance_check(AREA, "KRW", krw, bool(self._stakes)))
        orders = await self._request("/v1/orders", "orders", {"state": "wait", "limit": "1"})
        out.append(orders if isinstance(orders, Check) else self._readable("orders"))
        wallet = await self._request("/v1/status/wallet", "wallet")
        if isinstance(wallet, Check):
            out.append(wallet)
        else:
            n = len(wallet) if isinstance(wallet, list) else 0
            found = Text.of("doctor.found.bithumb_wallet", n=n)
            out.append(Check(AREA, "wallet", CheckStatus.OK, found))
        out.append(Check(AREA, "withdrawals", CheckStatus.INFO,
                         Text.of("doctor.found.bithumb_permissions"),
                         Text.of("doctor.fix.bithumb_permissions")))  # fmt: skip
        for plan in self._stakes:
            out.append(await self._stake(plan, krw))
        return out

    @staticmethod
    def _readable(item: str) -> Check:
        return Check(AREA, item, CheckStatus.OK, Text.of("doctor.found.readable"))

    async def _clock(self) -> Check:
        return await date_header_clock(AREA, self._session, self._base, self._now, self._timeout)

    async def _stake(self, plan: StakePlan, krw: Any) -> Check:
        market = f"{plan.symbol.quote}-{plan.symbol.base}"
        data = await self._request("/v1/orders/chance", "stake", {"market": market}, True)
        return chance_stake_check(AREA, plan, data, krw)

    async def _request(
        self, path: str, item: str, params: dict[str, str] | None = None, accept_400: bool = False
    ) -> Any:
        """The decoded answer of a private GET, or the failed `Check` saying why."""
        assert self._keys is not None
        keys = self._keys
        query = unquote(urlencode(params)) if params else None
        url = self._base + path + (f"?{urlencode(params)}" if params else "")

        def request() -> tuple[str, dict[str, str]]:  # a fresh nonce for every attempt
            return url, {"Authorization": f"Bearer {bithumb_token(*keys, query)}"}

        try:
            a = await call(self._session, "GET", request, now=self._now, timeout=self._timeout)
        except ProbeError as exc:
            return unreachable(AREA, item, exc)
        if a.status == 200 or (accept_400 and a.status in (400, 404)):
            return a.json()
        return self._refused(a, item)

    @staticmethod
    def _refused(a: Answer, item: str) -> Check:
        err = parse_error(a.json())
        if err is None:
            return unexpected(AREA, item, a.status, a.body.decode("utf-8", "replace"))
        name, message = err
        found = Text.of("doctor.found.upbit_refused", name=name, message=message)
        if name in KEY_ERRORS:
            fix = Text.of("doctor.fix.bithumb_key")
            return Check(AREA, "keys", CheckStatus.FAIL, found, fix)
        if name in SCOPE_ERRORS:
            fix = Text.of("doctor.fix.bithumb_scope")
            return Check(AREA, item, CheckStatus.FAIL, found, fix)
        return unexpected(AREA, item, a.status, f"{name} {message}")
