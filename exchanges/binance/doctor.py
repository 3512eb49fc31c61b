"""Binance's pre-flight probe: the API key's restrictions, the clocks, the futures position and
margin modes, the balances and each bot's stake against the market's minimum order.

Endpoints: `GET /api/v3/time`, `GET /fapi/v1/time`, `GET /sapi/v1/account/apiRestrictions`,
`GET /api/v3/account`, `GET /fapi/v1/positionSide/dual`, `GET /fapi/v2/balance`,
`GET /fapi/v2/positionRisk`, `GET /api/v3/exchangeInfo`, `GET /fapi/v1/exchangeInfo`. Errors
come as `{"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}`; -2015
and -2014 are the key (or this server's IP), -1021 the timestamp, -1022 the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import aiohttp

from core.doctor import Area, Check, CheckStatus, StakePlan
from core.symbols import Symbol, Venue
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

SPOT, FUTURES = Area.BINANCE_SPOT, Area.BINANCE_FUTURES
RECV_WINDOW = 10_000
KEY_ERRORS = (-2014, -2015, -1022)  # bad key / IP not allowed / no permission / bad secret
MARGIN_MODE = "isolated"  # what trading.futures.FuturesManager sets before an order


@dataclass(frozen=True, slots=True)
class ApiRestrictions:
    """`GET /sapi/v1/account/apiRestrictions` (trimmed):
    `{"ipRestrict": false, "createTime": 1623840271000, "enableReading": true,
    "enableWithdrawals": false, "enableFutures": false, "enableSpotAndMarginTrading": false}`"""

    ip_restrict: bool
    enable_withdrawals: bool
    enable_spot_and_margin_trading: bool
    enable_futures: bool


def parse_api_restrictions(data: Any) -> ApiRestrictions:
    if not isinstance(data, dict):
        raise ValueError("apiRestrictions is not an object")
    return ApiRestrictions(
        ip_restrict=data.get("ipRestrict") is True,
        enable_withdrawals=data.get("enableWithdrawals") is True,
        enable_spot_and_margin_trading=data.get("enableSpotAndMarginTrading") is True,
        enable_futures=data.get("enableFutures") is True,
    )


def parse_error(data: Any) -> tuple[int, str] | None:
    """`{"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}` ->
    (-2015, "Invalid ..."), or None when the body is not a Binance error."""
    if isinstance(data, dict) and isinstance(data.get("code"), int):
        return int(data["code"]), str(data.get("msg", ""))
    return None


def parse_min_notional(data: Any, wire_symbol: str) -> Decimal | None:
    """The market's minimum order value from `exchangeInfo`: spot's NOTIONAL / MIN_NOTIONAL
    filter (`minNotional`), futures' MIN_NOTIONAL (`notional`). None: the market is unknown.

    `{"symbols": [{"symbol": "BTCUSDT", "filters": [{"filterType": "MIN_NOTIONAL",
    "notional": "100"}]}]}` -> Decimal("100")"""
    symbols = data.get("symbols") if isinstance(data, dict) else None
    for item in symbols if isinstance(symbols, list) else []:
        if not isinstance(item, dict) or item.get("symbol") != wire_symbol:
            continue
        for f in item.get("filters") or []:
            if isinstance(f, dict) and f.get("filterType") in ("NOTIONAL", "MIN_NOTIONAL"):
                raw = f.get("minNotional", f.get("notional"))
                try:
                    return Decimal(str(raw))
                except InvalidOperation:
                    return None
        return Decimal(0)  # listed, without a minimum
    return None


def parse_spot_free(data: Any, asset: str) -> Decimal | None:
    """`GET /api/v3/account` -> the free amount of `asset` (`balances[].free`)."""
    balances = data.get("balances") if isinstance(data, dict) else None
    for b in balances if isinstance(balances, list) else []:
        if isinstance(b, dict) and b.get("asset") == asset:
            return _dec(b.get("free"))
    return Decimal(0) if isinstance(balances, list) else None


def parse_futures_available(data: Any, asset: str) -> Decimal | None:
    """`GET /fapi/v2/balance` -> `[{"asset": "USDT", "balance": "...", "availableBalance":
    "..."}]` -> the available amount of `asset`."""
    for b in data if isinstance(data, list) else []:
        if isinstance(b, dict) and b.get("asset") == asset:
            return _dec(b.get("availableBalance", b.get("balance")))
    return Decimal(0) if isinstance(data, list) else None


def _refused_ip(msg: str) -> str:
    """Binance names the address it refused: `Invalid API-key, IP, or permissions for action,
    request ip: 203.0.113.7` -> "203.0.113.7" ("" when the message does not say)."""
    _, found, ip = msg.partition("request ip:")
    return ip.strip() if found else ""


def _dec(raw: Any) -> Decimal | None:
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _wire(symbol: Symbol) -> str:
    return f"{symbol.base}{symbol.quote}"


class BinanceDoctor:
    """Runs the probe with one key pair against the spot and USDⓈ-M REST bases."""

    def __init__(
        self,
        keys: tuple[str, str] | None,
        spot_url: str,
        futures_url: str,
        stakes: list[StakePlan],
        session: aiohttp.ClientSession,
        now: Callable[[], float],
        timeout: float = 10.0,
    ) -> None:
        self._keys = keys
        self._spot = spot_url.rstrip("/")
        self._futures = futures_url.rstrip("/")
        self._spot_stakes = [s for s in stakes if s.venue is Venue.BINANCE_SPOT]
        self._futures_stakes = [s for s in stakes if s.venue is Venue.BINANCE_FUTURES]
        self._session = session
        self._now = now
        self._timeout = timeout
        # Signed requests are stamped with the venue's time, as the service's brokers do, so
        # an offset is reported by the clock check rather than failing every other check.
        self._offsets: dict[str, float] = {}  # per REST base: venue time - local time, ms
        self._info: dict[str, Answer] = {}  # exchangeInfo answers by URL

    async def run(self) -> list[Check]:
        out = [
            await self._clock(SPOT, self._spot + "/api/v3/time"),
            await self._clock(FUTURES, self._futures + "/fapi/v1/time"),
        ]
        if self._keys is None:
            names = "BINANCE_API_KEY, BINANCE_API_SECRET"
            out.append(keys_missing(SPOT, self._spot_stakes, names))
            if self._futures_stakes:
                out.append(keys_missing(FUTURES, self._futures_stakes, names))
            return out
        try:
            answer = await self._signed(self._spot, "/sapi/v1/account/apiRestrictions")
        except ProbeError as exc:
            return [*out, unreachable(SPOT, "keys", exc)]
        if answer.status != 200:
            return [*out, self._refused(SPOT, answer)]
        try:
            rights = parse_api_restrictions(answer.json())
        except ValueError as exc:
            return [*out, unexpected(SPOT, "keys", answer.status, str(exc))]
        out += self._restrictions(rights)
        out += await self._spot_account()
        if rights.enable_futures:
            out += await self._futures_account()
        return out

    # --- probes -------------------------------------------------------------------------------

    async def _clock(self, area: Area, url: str) -> Check:
        try:
            a = await call(self._session, "GET", url, now=self._now, timeout=self._timeout)
        except ProbeError as exc:
            return unreachable(area, "clock", exc)
        data = a.json()
        server = data.get("serverTime") if isinstance(data, dict) else None
        if a.status != 200 or not isinstance(server, int):
            return unexpected(area, "clock", a.status, a.body.decode("utf-8", "replace"))
        offset = server - (a.sent_at + a.received_at) / 2 * 1000
        self._offsets[self._spot if area is SPOT else self._futures] = offset
        return clock_check(area, offset)

    def _restrictions(self, r: ApiRestrictions) -> list[Check]:
        out = [Check(SPOT, "keys", CheckStatus.OK, Text.of("doctor.found.keys_ok"))]
        if r.enable_spot_and_margin_trading:
            out.append(Check(SPOT, "trading", CheckStatus.OK, Text.of("doctor.found.trading_on")))
        else:
            status = CheckStatus.FAIL if self._spot_stakes else CheckStatus.WARN
            out.append(Check(SPOT, "trading", status, Text.of("doctor.found.trading_off"),
                             Text.of("doctor.fix.binance_trading")))  # fmt: skip
        if r.enable_withdrawals:
            out.append(Check(SPOT, "withdrawals", CheckStatus.WARN,
                             Text.of("doctor.found.withdrawals_on"),
                             Text.of("doctor.fix.binance_withdrawals")))  # fmt: skip
        else:
            out.append(Check(SPOT, "withdrawals", CheckStatus.OK,
                             Text.of("doctor.found.withdrawals_off")))  # fmt: skip
        if r.ip_restrict:
            out.append(Check(SPOT, "ip", CheckStatus.OK, Text.of("doctor.found.ip_restricted")))
        else:
            out.append(Check(SPOT, "ip", CheckStatus.WARN, Text.of("doctor.found.ip_open"),
                             Text.of("doctor.fix.binance_ip_open")))  # fmt: skip
        if r.enable_futures:
            out.append(Check(FUTURES, "trading", CheckStatus.OK,
                             Text.of("doctor.found.futures_on")))  # fmt: skip
        else:
            status = CheckStatus.FAIL if self._futures_stakes else CheckStatus.WARN
            out.append(Check(FUTURES, "trading", status, Text.of("doctor.found.futures_off"),
                             Text.of("doctor.fix.binance_futures")))  # fmt: skip
        return out

    async def _spot_account(self) -> list[Check]:
        data = await self._get_signed(SPOT, "balance", self._spot, "/api/v3/account")
        if isinstance(data, Check):
            return [data]
        quotes = sorted({s.symbol.quote for s in self._spot_stakes}) or ["USDT"]
        free = {q: parse_spot_free(data, q) for q in quotes}
        out = [balance_check(SPOT, q, free[q], bool(self._spot_stakes)) for q in quotes]
        for plan in self._spot_stakes:
            minimum = await self._min_notional(self._spot + "/api/v3/exchangeInfo", plan, True)
            if isinstance(minimum, Check):
                out.append(minimum)
            else:
                out.append(stake_check(SPOT, plan, minimum, free.get(plan.symbol.quote)))
        return out

    async def _futures_account(self) -> list[Check]:
        out: list[Check] = []
        data = await self._get_signed(
            FUTURES, "position_mode", self._futures, "/fapi/v1/positionSide/dual"
        )
        if isinstance(data, Check):
            return [data]
        if isinstance(data, dict) and data.get("dualSidePosition") is True:
            out.append(Check(FUTURES, "position_mode", CheckStatus.FAIL,
                             Text.of("doctor.found.hedge_mode"),
                             Text.of("doctor.fix.hedge_mode")))  # fmt: skip
        else:
            out.append(Check(FUTURES, "position_mode", CheckStatus.OK,
                             Text.of("doctor.found.one_way")))  # fmt: skip
        balance = await self._get_signed(FUTURES, "balance", self._futures, "/fapi/v2/balance")
        if isinstance(balance, Check):
            return [*out, balance]
        available = parse_futures_available(balance, "USDT")
        out.append(balance_check(FUTURES, "USDT", available, bool(self._futures_stakes)))
        for symbol in sorted({s.symbol for s in self._futures_stakes}, key=str):
            out.append(await self._margin_mode(symbol))
        for plan in self._futures_stakes:
            url = self._futures + "/fapi/v1/exchangeInfo"
            minimum = await self._min_notional(url, plan, False)
            if isinstance(minimum, Check):
                out.append(minimum)
            else:
                out.append(stake_check(FUTURES, plan, minimum, available))
        return out

    async def _margin_mode(self, symbol: Symbol) -> Check:
        data = await self._get_signed(
            FUTURES, "margin_mode", self._futures, "/fapi/v2/positionRisk",
            {"symbol": _wire(symbol)},
        )  # fmt: skip
        if isinstance(data, Check):
            return data
        rows = [p for p in (data if isinstance(data, list) else []) if isinstance(p, dict)]
        modes = {str(p.get("marginType", "")).lower() for p in rows}
        mode = "cross" if modes & {"cross", "crossed"} else ("isolated" if modes else "")
        if not mode or mode == MARGIN_MODE:
            found = Text.of("doctor.found.margin_ok", mode=MARGIN_MODE)
            return Check(FUTURES, "margin_mode", CheckStatus.OK, found, subject=str(symbol))
        # The service switches the symbol before its first order; Binance refuses the switch
        # only while a position (or an order) is open on it.
        held = any((_dec(p.get("positionAmt")) or 0) != 0 for p in rows)
        fix = "doctor.fix.margin_mode" if held else "doctor.fix.margin_auto"
        return Check(
            FUTURES, "margin_mode", CheckStatus.WARN if held else CheckStatus.INFO,
            Text.of("doctor.found.margin_other", mode=mode, wanted=MARGIN_MODE),
            Text.of(fix, wanted=MARGIN_MODE), str(symbol),
        )  # fmt: skip

    async def _min_notional(self, url: str, plan: StakePlan, spot: bool) -> Decimal | Check | None:
        area = SPOT if spot else FUTURES
        wire = _wire(plan.symbol)
        # Spot answers one symbol; futures only the whole list (about 1 MB): fetched once.
        target = f"{url}?symbol={wire}" if spot else url
        try:
            a = self._info.get(target) or await call(
                self._session, "GET", target, now=self._now, timeout=self._timeout
            )
        except ProbeError as exc:
            return unreachable(area, "stake", exc)
        self._info[target] = a
        if a.status == 400 and spot:
            return None  # "Invalid symbol."
        if a.status != 200:
            return unexpected(area, "stake", a.status, a.body.decode("utf-8", "replace"))
        return parse_min_notional(a.json(), wire)

    # --- signed requests ----------------------------------------------------------------------

    async def _signed(self, base: str, path: str, params: dict[str, str] | None = None) -> Answer:
        assert self._keys is not None
        key, secret = self._keys

        def request() -> tuple[str, dict[str, str]]:
            query = urlencode(
                {
                    **(params or {}),
                    "timestamp": int(self._now() * 1000 + self._offsets.get(base, 0.0)),
                    "recvWindow": RECV_WINDOW,
                }
            )
            sig = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
            return f"{base}{path}?{query}&signature={sig}", {"X-MBX-APIKEY": key}

        return await call(self._session, "GET", request, now=self._now, timeout=self._timeout)

    async def _get_signed(
        self, area: Area, item: str, base: str, path: str, params: dict[str, str] | None = None
    ) -> Any:
        """The decoded answer, or the failed `Check` saying why there is none."""
        try:
            answer = await self._signed(base, path, params)
        except ProbeError as exc:
            return unreachable(area, item, exc)
        if answer.status != 200:
            return self._refused(area, answer, item)
        return answer.json()

    @staticmethod
    def _refused(area: Area, answer: Answer, item: str = "keys") -> Check:
        err = parse_error(answer.json())
        if err is None:
            return unexpected(area, item, answer.status, answer.body.decode("utf-8", "replace"))
        code, msg = err
        ip = _refused_ip(msg)
        if code == -2015 and ip:
            return Check(
                area, "ip", CheckStatus.FAIL,
                Text.of("doctor.found.binance_refused", code=code, msg=msg),
                Text.of("doctor.fix.binance_ip", ip=ip),
            )  # fmt: skip
        if code in KEY_ERRORS:
            return Check(
                area, "keys", CheckStatus.FAIL,
                Text.of("doctor.found.binance_refused", code=code, msg=msg),
                Text.of("doctor.fix.binance_key"),
            )  # fmt: skip
        if code == -1021:
            return Check(
                area, "clock", CheckStatus.FAIL,
                Text.of("doctor.found.binance_refused", code=code, msg=msg),
                Text.of("doctor.fix.ntp"),
            )  # fmt: skip
        return unexpected(area, item, answer.status, f"{code} {msg}")
