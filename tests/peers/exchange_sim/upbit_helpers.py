"""Helpers to point unmodified ccxt Upbit clients at the simulator (PROTOCOLS.md 8.3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import unquote, urlencode

import ccxt.async_support as ccxt_async
import ccxt.pro as ccxtpro

from peers.exchange_sim.server import SimExchange


def point_upbit(ex: Any, sim: SimExchange) -> Any:
    rest = sim.urls["UPBIT_REST_URL"]
    ex.urls["api"] = {"public": rest, "private": rest, "ws": sim.urls["UPBIT_WS_URL"]}
    return ex


def upbit_rest(sim: SimExchange, secret: str | None = None) -> Any:
    """`ccxt.async_support.upbit` with the simulator's key (or a wrong secret)."""
    access, real_secret = sim.api_keys["upbit"]
    ex = ccxt_async.upbit(
        {"apiKey": access, "secret": secret or real_secret, "enableRateLimit": False}
    )
    return point_upbit(ex, sim)


def upbit_pro(sim: SimExchange) -> Any:
    access, secret = sim.api_keys["upbit"]
    ex = ccxtpro.upbit({"apiKey": access, "secret": secret, "enableRateLimit": False})
    return point_upbit(ex, sim)


def upbit_token(
    access: str, secret: str, params: dict[str, Any] | None = None, alg: str = "HS512"
) -> str:
    """A JWT the way Upbit's own Python sample builds it (HS512, unquote(urlencode))."""
    payload: dict[str, Any] = {"access_key": access, "nonce": str(uuid.uuid4())}
    if params:
        query = unquote(urlencode(params, doseq=True)).encode()
        payload["query_hash"] = hashlib.sha512(query).hexdigest()
        payload["query_hash_alg"] = "SHA512"
    return "Bearer " + hs_jwt(payload, secret, alg)


def hs_jwt(payload: dict[str, Any], secret: str, alg: str = "HS512") -> str:
    """Sign a JWT by hand, with any algorithm (PyJWT warns when an HS512 secret is shorter
    than 64 bytes, as real 40-character Upbit secrets are, and warnings are errors)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    digest = hashlib.sha256 if alg == "HS256" else hashlib.sha512
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), digest).digest()
    return f"{head}.{body}.{b64(sig)}"
