"""Upbit JWT checking and request-rate limits, as the real API applies them.

A private request carries `Authorization: Bearer <JWT>` whose payload holds `access_key`,
a unique `nonce` and, when the request has parameters, `query_hash` = SHA-512 hex of the
unencoded `k=v&k2=v2` string (query string for GET/DELETE, JSON body keys in send order for
POST). HS256 (ccxt) and HS512 (Upbit's docs) are both accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import deque
from typing import Any
from urllib.parse import unquote, urlencode

import orjson
from aiohttp import web

MSG = {
    "jwt_verification": "Jwt 토큰 검증에 실패했습니다.",
    "invalid_access_key": "잘못된 엑세스 키입니다.",
    "nonce_used": "이미 요청한 nonce값이 다시 사용되었습니다.",
    "invalid_query_payload": "Jwt 토큰의 query 정보가 올바르지 않습니다.",
}
_ALGS = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}


class UpbitError(Exception):
    """An error answered as `{"error": {"name", "message"}}` with an HTTP status."""

    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(f"{status} {name}: {message}")
        self.status = status
        self.name = name
        self.message = message

    def response(self, headers: dict[str, str] | None = None) -> web.Response:
        body = {"error": {"name": self.name, "message": self.message}}
        return web.Response(
            status=self.status,
            body=orjson.dumps(body),
            content_type="application/json",
            headers=headers,
        )


def _auth_error(name: str) -> UpbitError:
    return UpbitError(401, name, MSG[name])


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def query_strings(params: list[tuple[str, Any]]) -> set[str]:
    """Every spelling of the params that clients hash: raw join and Upbit's unquote(urlencode)."""
    flat: list[tuple[str, str]] = []
    for key, value in params:
        if isinstance(value, list):
            name = key if key.endswith("[]") else key + "[]"
            flat.extend((name, str(v)) for v in value)
        elif isinstance(value, bool):
            flat.append((key, "true" if value else "false"))
        else:
            flat.append((key, str(value)))
    joined = "&".join(f"{k}={v}" for k, v in flat)
    return {joined, unquote(urlencode(flat))}


class UpbitAuth:
    """Verifies Upbit JWTs for a set of access key -> secret key pairs."""

    def __init__(self, keys: dict[str, str], nonce_memory: int = 100_000) -> None:
        self.keys = dict(keys)
        self._nonces: set[tuple[str, str]] = set()
        self._nonce_order: deque[tuple[str, str]] = deque()
        self._nonce_memory = nonce_memory

    def verify(
        self, authorization: str | None, hash_inputs: set[str] | None, check_nonce: bool = True
    ) -> str:
        """Return the access key, or raise UpbitError (401).

        `hash_inputs` is None when the request has no parameters, else the accepted spellings
        of the query string whose SHA-512 must equal the token's `query_hash`.
        `check_nonce=False` (WebSocket handshakes): ccxt reuses its token when it reconnects.
        """
        if not authorization or not authorization.startswith("Bearer "):
            raise _auth_error("jwt_verification")
        token = authorization[len("Bearer ") :].strip()
        try:
            head_b64, body_b64, sig_b64 = token.split(".")
            header = orjson.loads(_b64decode(head_b64))
            payload = orjson.loads(_b64decode(body_b64))
            signature = _b64decode(sig_b64)
        except (ValueError, orjson.JSONDecodeError):
            raise _auth_error("jwt_verification") from None
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise _auth_error("jwt_verification")
        digest = _ALGS.get(str(header.get("alg")))
        if digest is None:
            raise _auth_error("jwt_verification")
        access = payload.get("access_key")
        secret = self.keys.get(access) if isinstance(access, str) else None
        if secret is None or not isinstance(access, str):
            raise _auth_error("invalid_access_key")
        expected = hmac.new(secret.encode(), f"{head_b64}.{body_b64}".encode(), digest).digest()
        if not hmac.compare_digest(expected, signature):
            raise _auth_error("jwt_verification")
        nonce = payload.get("nonce")
        if not isinstance(nonce, str | int) or nonce == "":
            raise _auth_error("jwt_verification")
        self._check_query_hash(payload, hash_inputs)
        if check_nonce:
            self._use_nonce(access, str(nonce))
        return access

    @staticmethod
    def _check_query_hash(payload: dict[str, Any], hash_inputs: set[str] | None) -> None:
        qh = payload.get("query_hash")
        if hash_inputs is None:
            return  # a hash on a parameterless request is harmless
        if not isinstance(qh, str):
            raise _auth_error("invalid_query_payload")
        alg = str(payload.get("query_hash_alg", "SHA512")).upper()
        if alg != "SHA512":
            raise _auth_error("invalid_query_payload")
        wanted = qh.lower()
        if not any(hashlib.sha512(s.encode()).hexdigest() == wanted for s in hash_inputs):
            raise _auth_error("invalid_query_payload")

    def _use_nonce(self, access: str, nonce: str) -> None:
        key = (access, nonce)
        if key in self._nonces:
            raise _auth_error("nonce_used")
        self._nonces.add(key)
        self._nonce_order.append(key)
        if len(self._nonce_order) > self._nonce_memory:
            self._nonces.discard(self._nonce_order.popleft())


# Requests per second per group (docs.upbit.com rate-limits, 2026): quotation groups are
# counted per IP, exchange groups per API key.
DEFAULT_LIMITS: dict[str, int] = {
    "market": 10,
    "ticker": 10,
    "candle": 10,
    "orderbook": 10,
    "trade": 10,
    "default": 30,
    "order": 8,
    "order-cancel-all": 1,
}


class UpbitRateLimiter:
    """Fixed one-second windows per (group, identity); `take` returns the remaining count."""

    def __init__(self, limits: dict[str, int] | None = None) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}

    def take(self, group: str, identity: str) -> int:
        """Count one request; returns remaining (>= 0) or -1 when over the limit."""
        limit = self.limits.get(group, 30)
        period = 2.0 if group == "order-cancel-all" else 1.0  # cancel-all: 1 per 2 s
        second = int(time.monotonic() / period)
        key = (group, identity)
        start, used = self._windows.get(key, (second, 0))
        if start != second:
            start, used = second, 0
        if used >= limit:
            self._windows[key] = (start, used)
            return -1
        used += 1
        self._windows[key] = (start, used)
        return limit - used


def remaining_header(group: str, remaining: int) -> dict[str, str]:
    return {"Remaining-Req": f"group={group}; min=1800; sec={max(0, remaining)}"}
