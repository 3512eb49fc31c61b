"""Binance REST plumbing for the simulator: `{code,msg}` errors, HMAC-SHA256 request signing,
timestamp/recvWindow, `X-MBX-APIKEY`, request-weight accounting (`X-MBX-USED-WEIGHT-1M`, 429 then
418 with `Retry-After`) and a small route helper shared by the spot and futures venues.

Signed requests are checked exactly like Binance does: the signature is the hex HMAC-SHA256 of the
raw query string concatenated (no separator) with the raw form body, minus the `signature` param.
Timestamps are compared with the wall clock plus any injected skew (never with the virtual market
clock, which may run faster than real time while clients stamp requests with real time).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

import orjson
from aiohttp import web
from loguru import logger

MAX_RECV_WINDOW = 60_000
DEFAULT_RECV_WINDOW = 5_000


class BinanceError(Exception):
    """An error the venue answers as `{"code": <code>, "msg": <msg>}` with an HTTP status."""

    def __init__(
        self, code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code
        self.msg = msg
        self.status = status
        self.headers = headers or {}


def mandatory(name: str) -> BinanceError:
    return BinanceError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def bad_symbol() -> BinanceError:
    return BinanceError(-1121, "Invalid symbol.")


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, content_type="application/json", headers=headers
    )


def error_response(err: BinanceError, headers: dict[str, str] | None = None) -> web.Response:
    return json_response(
        {"code": err.code, "msg": err.msg},
        status=err.status,
        headers={**err.headers, **(headers or {})},
    )


# --- parameters ------------------------------------------------------------------------------


@dataclass(slots=True)
class Params:
    """Request parameters (query string and form body merged) with typed accessors."""

    values: dict[str, str]

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value not in (None, "") else None

    def req(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise mandatory(name)
        return value

    def dec(self, name: str, required: bool = False) -> Decimal | None:
        raw = self.req(name) if required else self.get(name)
        if raw is None:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise BinanceError(
                -1100,
                f"Illegal characters found in parameter '{name}'; legal range is '^([0-9]{{1,20}})(\\.[0-9]{{1,20}})?$'.",
            ) from None
        if not value.is_finite() or value < 0:
            raise BinanceError(-1100, f"Illegal characters found in parameter '{name}'.")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise BinanceError(
                -1100,
                f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.",
            ) from None

    def boolean(self, name: str) -> bool:
        raw = self.get(name)
        if raw is None:
            return False
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise BinanceError(-1130, f"Invalid data sent for a parameter. ({name})")


def parse_params(raw_query: str, raw_body: str) -> Params:
    values: dict[str, str] = {}
    for raw in (raw_query, raw_body):
        if not raw:
            continue
        try:
            pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise BinanceError(-1100, "Illegal characters found in a parameter.") from None
        for key, value in pairs:
            if key in values:
                raise BinanceError(-1101, "Duplicate values for a parameter detected.")
            values[key] = value
    return Params(values)


def _strip_signature(raw: str) -> tuple[str, str | None]:
    kept: list[str] = []
    signature: str | None = None
    for part in raw.split("&") if raw else []:
        if part.startswith("signature="):
            signature = part[len("signature=") :]
        else:
            kept.append(part)
    return "&".join(kept), signature


def sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def check_signed(
    raw_query: str,
    raw_body: str,
    params: Params,
    api_key: str | None,
    secrets: dict[str, str],
    server_ms: int,
) -> str:
    """Validate a SIGNED request; return the api key or raise the error Binance would send."""
    secret = _check_key(api_key, secrets)
    query, sig_q = _strip_signature(raw_query)
    body, sig_b = _strip_signature(raw_body)
    signature = sig_q or sig_b
    if not signature:
        raise mandatory("signature")
    ts = params.integer("timestamp")
    if ts is None:
        raise mandatory("timestamp")
    if ts > 10**14:  # microseconds are accepted too
        ts //= 1000
    recv_raw = params.get("recvWindow")
    try:
        recv_window = Decimal(recv_raw) if recv_raw is not None else Decimal(DEFAULT_RECV_WINDOW)
    except InvalidOperation:
        raise BinanceError(-1100, "Illegal characters found in parameter 'recvWindow'.") from None
    if recv_window > MAX_RECV_WINDOW or recv_window <= 0:
        raise BinanceError(-1131, "recvWindow must be less than 60000")
    if ts >= server_ms + 1000:
        raise BinanceError(
            -1021, "Timestamp for this request was 1000ms ahead of the server's time."
        )
    if server_ms - ts > recv_window:
        raise BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")
    expected = sign(secret, query + body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise BinanceError(-1022, "Signature for this request is not valid.")
    assert api_key is not None
    return api_key


def _check_key(api_key: str | None, secrets: dict[str, str]) -> str:
    if not api_key:
        raise BinanceError(-2014, "API-key format invalid.", status=401)
    secret = secrets.get(api_key)
    if secret is None:
        raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", status=401)
    return secret


# --- request weight --------------------------------------------------------------------------


class WeightMeter:
    """REQUEST_WEIGHT per wall-clock minute, like Binance's per-IP counter.

    Over the limit: 429 with `Retry-After` until the minute rolls over. A client that keeps
    hammering (`ban_after` requests answered 429 within one minute) is banned: 418 with a
    `Retry-After` of `ban_seconds`, on every request until the ban ends.
    """

    def __init__(
        self,
        limit: int,
        *,
        ban_after: int = 10,
        ban_seconds: int = 120,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.ban_after = ban_after
        self.ban_seconds = ban_seconds
        self._now = now
        self._minute = -1
        self.used = 0
        self._rejected = 0
        self._banned_until = 0.0

    def _roll(self, now: float) -> None:
        minute = int(now // 60)
        if minute != self._minute:
            self._minute, self.used, self._rejected = minute, 0, 0

    def current(self) -> int:
        self._roll(self._now())
        return self.used

    def charge(self, weight: int) -> int:
        """Add `weight`; return the minute's total or raise the 429/418 error."""
        now = self._now()
        self._roll(now)
        if now < self._banned_until:
            until_ms = int(self._banned_until * 1000)
            raise BinanceError(
                -1003,
                f"Way too much request weight used; IP banned until {until_ms}. "
                "Please use WebSocket Streams for live updates to avoid bans.",
                status=418,
                headers={"Retry-After": str(max(1, int(self._banned_until - now + 0.999)))},
            )
        self.used += weight
        if self.used > self.limit:
            self._rejected += 1
            if self._rejected > self.ban_after:
                self._banned_until = now + self.ban_seconds
                return self.charge(0)
            retry = max(1, int(60 - now % 60 + 0.999))
            raise BinanceError(
                -1003,
                f"Too much request weight used; current limit is {self.limit} request weight per "
                "1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.",
                status=429,
                headers={"Retry-After": str(retry)},
            )
        return self.used

    def reset(self) -> None:
        self._minute, self.used, self._rejected, self._banned_until = -1, 0, 0, 0.0


# --- routes ----------------------------------------------------------------------------------


class Security(StrEnum):
    NONE = "NONE"
    USER_STREAM = "USER_STREAM"  # API key header only
    SIGNED = "SIGNED"  # TRADE / USER_DATA


@dataclass(slots=True)
class Call:
    """What a venue handler gets: parsed params, the authenticated key (if any), the request."""

    params: Params
    api_key: str | None
    request: web.Request


Handler = Callable[[Call], Awaitable[Any]]
Weight = int | Callable[[Params], int]


class RestRouter:
    """Registers Binance-style handlers on an aiohttp app with auth, weight and error handling."""

    def __init__(
        self,
        secrets: Callable[[], dict[str, str]],
        meter: WeightMeter,
        server_ms: Callable[[], int],
        order_counter: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self._secrets = secrets
        self.meter = meter
        self._server_ms = server_ms
        self._order_counter = order_counter

    def add(
        self,
        app: web.Application,
        method: str,
        path: str,
        fn: Handler,
        *,
        weight: Weight = 1,
        security: Security = Security.NONE,
        order: bool = False,
    ) -> None:
        async def handler(request: web.Request) -> web.Response:
            return await self._serve(request, fn, weight, security, order)

        app.router.add_route(method, path, handler)

    async def _serve(
        self, request: web.Request, fn: Handler, weight: Weight, security: Security, order: bool
    ) -> web.Response:
        headers: dict[str, str] = {}
        try:
            raw_query = request.rel_url.raw_query_string
            raw_body = await request.text() if request.can_read_body else ""
            params = parse_params(raw_query, raw_body)
            cost = weight(params) if callable(weight) else weight
            headers["X-MBX-USED-WEIGHT-1M"] = str(self.meter.charge(cost))
            api_key = request.headers.get("X-MBX-APIKEY")
            if security is Security.SIGNED:
                api_key = check_signed(
                    raw_query, raw_body, params, api_key, self._secrets(), self._server_ms()
                )
            elif security is Security.USER_STREAM:
                _check_key(api_key, self._secrets())
            result = await fn(Call(params, api_key, request))
            if order and self._order_counter is not None:
                headers.update(self._order_counter())
            return json_response(result, headers=headers)
        except BinanceError as err:
            headers.setdefault("X-MBX-USED-WEIGHT-1M", str(self.meter.current()))
            return error_response(err, headers)
        except Exception:
            logger.exception("sim binance: unhandled error on {} {}", request.method, request.path)
            return error_response(
                BinanceError(-1000, "An unknown error occurred while processing the request.", 500),
                headers,
            )
