"""The simulated Bithumb's private REST on the wire: JWT checks with Bithumb's error bodies, the
v2 order endpoints by `client_order_id`, the spot engine's fills, wallet status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from decimal import Decimal as D
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson

from peers.exchange_sim.server import SimExchange


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(access: str, secret: str, query: str | None = None, **over: Any) -> str:
    """A Bithumb JWT as its docs build it (HS256; query_hash of the URL-encoded query)."""
    claims: dict[str, Any] = {"access_key": access, "nonce": str(uuid.uuid4()),
                              "timestamp": int(time.time() * 1000)}  # fmt: skip
    if query:
        claims |= {"query_hash": hashlib.sha512(query.encode()).hexdigest(),
                   "query_hash_alg": "SHA512"}  # fmt: skip
    claims |= over
    head = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    body = _b64(orjson.dumps(claims))
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


async def call(
    sim: SimExchange,
    method: str,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    secret: str | None = None,
    hashed: str | None = None,
    **over: Any,
) -> tuple[int, Any]:
    access, real_secret = sim.api_keys["bithumb"]
    query = urlencode(params or {})
    auth = token(access, secret or real_secret, hashed if hashed is not None else query, **over)
    url = sim.urls["BITHUMB_REST_URL"] + path
    headers = {"Authorization": f"Bearer {auth}"}
    async with aiohttp.ClientSession() as http:
        if method == "POST":
            resp = await http.post(url, data=orjson.dumps(params), headers=headers
                                   | {"Content-Type": "application/json"})  # fmt: skip
        else:
            resp = await http.request(method, url + (f"?{query}" if query else ""), headers=headers)
        async with resp:
            return resp.status, orjson.loads(await resp.read())


async def test_bad_tokens_get_bithumbs_error_bodies(sim: SimExchange) -> None:
    assert await call(sim, "GET", "/v1/accounts", secret="x" * 40) == (
        401, {"error": {"name": "jwt_verification", "message": "Jwt 토큰 검증에 실패했습니다."}},
    )  # fmt: skip
    status, body = await call(sim, "GET", "/v1/order", {"client_order_id": "a"}, hashed="b=1")
    assert (status, body["error"]["name"]) == (401, "invalid_query_payload")
    old = int(time.time() * 1000) - 600_000
    status, body = await call(sim, "GET", "/v1/accounts", timestamp=old)
    assert (status, body["error"]["name"]) == (401, "expired_jwt")
    status, body = await call(sim, "GET", "/v1/accounts", nonce="same")
    assert status == 200
    status, body = await call(sim, "GET", "/v1/accounts", nonce="same")  # replayed
    assert (status, body["error"]["name"]) == (401, "jwt_verification")


async def test_orders_by_client_order_id_fill_on_the_spot_engine(sim: SimExchange) -> None:
    order = {"market": "KRW-BTC", "side": "bid", "order_type": "price", "price": "1000000",
             "client_order_id": "t-1"}  # fmt: skip
    status, receipt = await call(sim, "POST", "/v2/orders", order)
    assert status == 201
    assert set(receipt) == {"order_id", "market", "side", "order_type", "created_at",
                            "client_order_id"}  # fmt: skip
    assert receipt["client_order_id"] == "t-1" and receipt["created_at"].endswith("+09:00")
    status, done = await call(sim, "GET", "/v1/order", {"client_order_id": "t-1"})
    assert status == 200 and done["uuid"] == receipt["order_id"]
    assert done["client_order_id"] == "t-1" and done["ord_type"] == "price"
    assert done["state"] in ("done", "cancel") and D(done["executed_volume"]) > 0
    trades = done["trades"]
    assert trades and {"market", "uuid", "price", "volume", "funds", "side", "created_at"} <= set(
        trades[0]
    )
    funds = sum(D(t["funds"]) for t in trades)
    assert abs(D(done["paid_fee"]) - funds * D("0.0025")) < D("0.01")
    # the same client id again is refused, never a second order
    status, body = await call(sim, "POST", "/v2/orders", order | {"price": "6000"})
    assert status == 400 and body["error"]["name"] == "invalid_parameter"
    assert sum(1 for o in sim.bithumb_engine.orders.values() if o.client_id == "t-1") == 1


async def test_resting_order_listed_then_cancelled(sim: SimExchange) -> None:
    await call(sim, "POST", "/v2/orders", {"market": "KRW-BTC", "side": "bid",
                                           "order_type": "price", "price": "500000"})  # fmt: skip
    mid = D(str(sim.market.bithumb_mid("BTC")))
    price = (mid * D("1.3") / 1000).quantize(D(1)) * 1000
    sell = {"market": "KRW-BTC", "side": "ask", "order_type": "limit", "price": str(price),
            "volume": "0.001", "client_order_id": "t-2"}  # fmt: skip
    status, _ = await call(sim, "POST", "/v2/orders", sell)
    assert status == 201
    status, rows = await call(sim, "GET", "/v1/orders", {"state": "wait"})
    assert status == 200 and [r["client_order_id"] for r in rows] == ["t-2"]
    status, body = await call(sim, "DELETE", "/v2/order", {"client_order_id": "t-2"})
    assert status == 200 and body["client_order_id"] == "t-2"
    status, after = await call(sim, "GET", "/v1/order", {"client_order_id": "t-2"})
    assert after["state"] == "cancel"
    status, body = await call(sim, "DELETE", "/v2/order", {"client_order_id": "t-2"})
    assert (status, body["error"]["name"]) == (404, "order_not_found")


async def test_refusals_name_bithumbs_codes(sim: SimExchange) -> None:
    cases = [
        ({"market": "KRW-BTC", "side": "bid", "order_type": "price", "price": "4000"},
         "under_min_total_bid"),
        ({"market": "KRW-BTC", "side": "bid", "order_type": "limit", "price": "100000001",
          "volume": "0.001"}, "invalid_price_bid"),
        ({"market": "KRW-BTC", "side": "ask", "order_type": "market", "volume": "5"},
         "insufficient_funds_ask"),
        ({"market": "KRW-DOT", "side": "bid", "order_type": "price", "price": "10000"},
         "invalid_parameter"),  # DOT is not listed on Bithumb
    ]  # fmt: skip
    for body, name in cases:
        status, answer = await call(sim, "POST", "/v2/orders", body)
        assert (status, answer["error"]["name"]) == (400, name), body
    assert not sim.bithumb_engine.orders


async def test_wallet_status_rows_follow_the_switch(sim: SimExchange) -> None:
    sim.wallets.set("bithumb", "XRP", "withdraw_only")
    status, rows = await call(sim, "GET", "/v1/status/wallet")
    assert status == 200
    xrp = [r for r in rows if r["currency"] == "XRP"]
    assert xrp and all(r["wallet_state"] == "withdraw_only" for r in xrp)
    assert {"block_state", "net_type", "network_name"} <= set(xrp[0])
    assert all(r["wallet_state"] == "working" for r in rows if r["currency"] == "BTC")
