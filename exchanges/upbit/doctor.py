"""Upbit's pre-flight probe: the key (`GET /v1/api_keys`: accepted, this server's IP allowed,
when it expires), the clock (the HTTP `Date` header), the KRW balance (`GET /v1/accounts`),
the order permission (`POST /v1/orders/test`: validated, never placed) and each bot's stake
against the market's minimum (`GET /v1/orders/chance`, `market.bid.min_total`).

Errors come as `{"error": {"name": "no_authorization_ip", "message": "This is not a verified
IP."}}` (401). Upbit does not report a key's permissions, so the withdrawal permission cannot be
read back: the checklist says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlencode

import aiohttp

from core.doctor import Area, Check, CheckStatus, StakePlan
from core.symbols import Venue
from core.text import Text
from exchanges.doctor_common import (
    Answer,
    ProbeError,
    balance_check,
    call,
    clock_check,
    keys_missing,
    stake_check,
    unexpected,
    unreachable,
)
from exchanges.upbit.wallet import upbit_token

AREA = Area.UPBIT
EXPIRY_WARN_DAYS = 14
# Upbit's 401 names and which check each one is about.
KEY_ERRORS = {
    "invalid_access_key": "keys",
    "jwt_verification": "keys",
    "expired_access_key": "keys",
    "no_authorization_ip": "ip",
    "out_of_scope": "trading",
}


def parse_error(data: Any) -> tuple[str, str] | None:
    """`{"error": {"name": "invalid_access_key", "message": "..."}}` -> (name, message)."""
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict) and isinstance(err.get("name"), str):
        return err["name"], str(err.get("message", ""))
    return None


def parse_key_expiry(data: Any, access_key: str) -> dt.datetime | None:
    """`[{"access_key": "xxxx", "expire_at": "2027-03-31T14:27:52+09:00"}]` -> the expiry of
    `access_key` (None when it is not listed or has no date)."""
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("access_key") == access_key:
            try:
                return dt.datetime.fromisoformat(str(item.get("expire_at")))
            except ValueError:
                return None
    return None


def parse_krw(data: Any) -> Decimal | None:
    """`[{"currency": "KRW", "balance": "1000000.0", "locked": "0.0", ...}]` -> free KRW."""
    if not isinstance(data, list):
        return None
    for item in data:
        if isinstance(item, dict) and item.get("currency") == "KRW":
            try:
                return Decimal(str(item.get("balance")))
            except InvalidOperation:
                return None
    return Decimal(0)


def parse_min_total(data: Any) -> Decimal | None:
    """`GET /v1/orders/chance`: `{"market": {"id": "KRW-BTC", "bid": {"currency": "KRW",
    "min_total": "5000"}, ...}, ...}` -> Decimal("5000")."""
    market = data.get("market") if isinstance(data, dict) else None
    bid = market.get("bid") if isinstance(market, dict) else None
    if not isinstance(bid, dict):
        return None
    try:
        return Decimal(str(bid.get("min_total")))
    except InvalidOperation:
        return None


def server_time(headers: dict[str, str]) -> float | None:
    """The `Date` header as epoch seconds (whole seconds: RFC 7231 has no fractions)."""
    raw = headers.get("Date")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError):
        return None


async def date_header_clock(
    area: Area,
    session: aiohttp.ClientSession,
    base: str,
    now: Callable[[], float],
    timeout: float,
) -> Check:
    """The venue's clock against ours from the `Date` header of a public call (Upbit's and
    Bithumb's API 2.0 have no time endpoint)."""
    try:
        a = await call(session, "GET", base + "/v1/market/all", now=now, timeout=timeout)
    except ProbeError as exc:
        return unreachable(area, "clock", exc)
    server = server_time(a.headers)
    if server is None:
        return unexpected(area, "clock", a.status, "no Date header")
    # The header counts whole seconds: its second began up to 1 s before the true time.
    offset_ms = (server + 0.5 - (a.sent_at + a.received_at) / 2) * 1000
    if abs(offset_ms) <= 500:
        offset_ms = 0.0  # within what a whole-second header can tell
    return clock_check(area, offset_ms)


def chance_stake_check(area: Area, plan: StakePlan, data: Any, krw: Decimal | None) -> Check:
    """A bot's stake against `GET /v1/orders/chance`'s minimum (`data`: its answer, or the
    failed `Check` of the request)."""
    if isinstance(data, Check):
        return data
    if parse_error(data) is not None:
        return stake_check(area, plan, None, krw)  # 400/404: the market is not listed
    return stake_check(area, plan, parse_min_total(data), krw)


class UpbitDoctor:
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
        self._stakes = [s for s in stakes if s.venue is Venue.UPBIT]
        self._session = session
        self._now = now
        self._timeout = timeout

    async def run(self) -> list[Check]:
        out = [await self._clock()]
        if self._keys is None:
            return [*out, keys_missing(AREA, self._stakes, "UPBIT_ACCESS_KEY, UPBIT_SECRET_KEY")]
        keys = await self._request("GET", "/v1/api_keys", "keys")
        if isinstance(keys, Check):
            return [*out, keys]
        out += self._key_checks(keys)
        accounts = await self._request("GET", "/v1/accounts", "balance")
        krw = None
        if isinstance(accounts, Check):
            out.append(accounts)
        else:
            krw = parse_krw(accounts)
            out.append(balance_check(AREA, "KRW", krw, bool(self._stakes)))
        out.append(await self._trading())
        for plan in self._stakes:
            out.append(await self._stake(plan, krw))
        return out

    async def _clock(self) -> Check:
        return await date_header_clock(AREA, self._session, self._base, self._now, self._timeout)

    def _key_checks(self, data: Any) -> list[Check]:
        assert self._keys is not None
        out = [Check(AREA, "ip", CheckStatus.OK, Text.of("doctor.found.ip_allowed"))]
        expiry = parse_key_expiry(data, self._keys[0])
        if expiry is None:
            out.insert(0, Check(AREA, "keys", CheckStatus.OK, Text.of("doctor.found.keys_ok")))
        else:
            days = int((expiry.timestamp() - self._now()) // 86400)
            found = Text.of("doctor.found.key_expires", date=expiry.date().isoformat(), days=days)
            if days < EXPIRY_WARN_DAYS:
                out.insert(0, Check(AREA, "keys", CheckStatus.WARN, found,
                                    Text.of("doctor.fix.upbit_renew")))  # fmt: skip
            else:
                out.insert(0, Check(AREA, "keys", CheckStatus.OK, found))
        out.append(Check(AREA, "withdrawals", CheckStatus.INFO,
                         Text.of("doctor.found.upbit_withdrawals"),
                         Text.of("doctor.fix.upbit_withdrawals")))  # fmt: skip
        return out

    async def _trading(self) -> Check:
        """A test order (Upbit validates it and places nothing): 401 `out_of_scope` means the
        key may not order; a 400 about the order itself means it may."""
        market = f"KRW-{self._stakes[0].symbol.base}" if self._stakes else "KRW-BTC"
        body = {"market": market, "side": "bid", "ord_type": "price", "price": "5000"}
        answer = await self._request("POST", "/v1/orders/test", "trading", body, accept_400=True)
        if isinstance(answer, Check):
            return answer
        return Check(AREA, "trading", CheckStatus.OK, Text.of("doctor.found.trading_on"))

    async def _stake(self, plan: StakePlan, krw: Decimal | None) -> Check:
        market = f"{plan.symbol.quote}-{plan.symbol.base}"
        data = await self._request(
            "GET", "/v1/orders/chance", "stake", {"market": market}, accept_400=True
        )
        return chance_stake_check(AREA, plan, data, krw)

    async def _request(
        self,
        method: str,
        path: str,
        item: str,
        params: dict[str, str] | None = None,
        accept_400: bool = False,
    ) -> Any:
        """The decoded answer of a private call, or the failed `Check` saying why."""
        assert self._keys is not None
        keys = self._keys
        query = unquote(urlencode(params)) if params else ""
        url = self._base + path
        if params and method == "GET":
            url += "?" + urlencode(params)

        def request() -> tuple[str, dict[str, str]]:  # a fresh nonce for every attempt
            return url, {"Authorization": f"Bearer {upbit_token(*keys, query or None)}"}

        try:
            a = await call(
                self._session, method, request, now=self._now,
                json_body=params if method == "POST" else None, timeout=self._timeout,
            )  # fmt: skip
        except ProbeError as exc:
            return unreachable(AREA, item, exc)
        if a.status in (200, 201) or (accept_400 and a.status in (400, 404)):
            return a.json()
        return self._refused(a, item)

    @staticmethod
    def _refused(a: Answer, item: str) -> Check:
        err = parse_error(a.json())
        if err is None:
            return unexpected(AREA, item, a.status, a.body.decode("utf-8", "replace"))
        name, message = err
        found = Text.of("doctor.found.upbit_refused", name=name, message=message)
        which = KEY_ERRORS.get(name)
        if which == "ip":
            return Check(AREA, "ip", CheckStatus.FAIL, found, Text.of("doctor.fix.upbit_ip"))
        if which == "trading":
            return Check(AREA, item, CheckStatus.FAIL, found, Text.of("doctor.fix.upbit_scope"))
        if which == "keys":
            return Check(AREA, "keys", CheckStatus.FAIL, found, Text.of("doctor.fix.upbit_key"))
        return unexpected(AREA, item, a.status, f"{name} {message}")
