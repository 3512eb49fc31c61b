"""Upbit REST wire details with a raw HTTP client: JWT rules, Remaining-Req, 429, shapes."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import aiohttp
import jwt
import pytest

from peers.exchange_sim.server import SIM_API_KEYS, SimExchange
from peers.exchange_sim.ticks import krw_tick
from tests.peers.exchange_sim.upbit_helpers import hs_jwt, upbit_token


async def _get(
    http: aiohttp.ClientSession, sim: SimExchange, path: str, auth: str | None = None
) -> tuple[int, Any, Any]:
    headers = {"Authorization": auth} if auth else {}
    async with http.get(sim.urls["UPBIT_REST_URL"] + path, headers=headers) as resp:
        text = await resp.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        return resp.status, body, resp.headers


async def test_hs512_token_and_query_hash(sim: SimExchange) -> None:
    access, secret = sim.api_keys["upbit"]
    async with aiohttp.ClientSession() as http:
        token = upbit_token(access, secret, {"market": "KRW-BTC"})
        status, body, headers = await _get(http, sim, "/v1/orders/chance?market=KRW-BTC", token)
        assert status == 200 and body["bid_fee"] == "0.0005"
        assert body["market"]["bid"]["min_total"] == 5000
        assert headers["Remaining-Req"].startswith("group=default; min=1800; sec=")
        # the hash of a different query is refused
        token = upbit_token(access, secret, {"market": "KRW-ETH"})
        status, body, _ = await _get(http, sim, "/v1/orders/chance?market=KRW-BTC", token)
        assert status == 401 and body["error"]["name"] == "invalid_query_payload"
        # a query without any hash is refused too
        token = upbit_token(access, secret)
        status, body, _ = await _get(http, sim, "/v1/orders/chance?market=KRW-BTC", token)
        assert body["error"]["name"] == "invalid_query_payload"
        # arrays hash as states[]=wait&states[]=watch (unencoded), as in Upbit's sample
        params = {"states[]": ["wait", "watch"]}
        token = upbit_token(access, secret, params)
        q = "/v1/orders/open?states%5B%5D=wait&states%5B%5D=watch"
        status, body, _ = await _get(http, sim, q, token)
        assert status == 200 and body == []


async def test_nonce_reuse_unknown_key_and_garbage_token(sim: SimExchange) -> None:
    access, secret = sim.api_keys["upbit"]
    payload = {"access_key": access, "nonce": str(uuid.uuid4())}
    token = "Bearer " + hs_jwt(payload, secret, "HS256")
    async with aiohttp.ClientSession() as http:
        assert (await _get(http, sim, "/v1/accounts", token))[0] == 200
        status, body, _ = await _get(http, sim, "/v1/accounts", token)
        assert status == 401 and body["error"]["name"] == "nonce_used"
        other = upbit_token("nobody", secret)
        assert (await _get(http, sim, "/v1/accounts", other))[1]["error"]["name"] == (
            "invalid_access_key"
        )
        for bad in ("Bearer abc", "Bearer a.b.c", "Basic xyz", None):
            status, body, _ = await _get(http, sim, "/v1/accounts", bad)
            assert status == 401 and body["error"]["name"] == "jwt_verification"
        none_alg = jwt.encode(
            {"access_key": access, "nonce": "n1"}, None, algorithm="none"
        )  # an unsigned token must not pass
        status, body, _ = await _get(http, sim, "/v1/accounts", "Bearer " + none_alg)
        assert status == 401


async def test_post_query_hash_uses_json_body_order(sim: SimExchange) -> None:
    access, secret = sim.api_keys["upbit"]
    price = sim.market.book("upbit", "KRW-XRP").bids[0][0] - 10
    body = {"market": "KRW-XRP", "side": "bid", "ord_type": "limit", "price": str(int(price)),
            "volume": "10", "identifier": "raw-1"}  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in body.items())
    payload = {
        "access_key": access, "nonce": str(uuid.uuid4()),
        "query_hash": hashlib.sha512(query.encode()).hexdigest(), "query_hash_alg": "SHA512",
    }  # fmt: skip
    headers = {"Authorization": "Bearer " + hs_jwt(payload, secret, "HS512")}
    async with aiohttp.ClientSession() as http:
        url = sim.urls["UPBIT_REST_URL"] + "/v1/orders"
        async with http.post(url, json=body, headers=headers) as resp:
            order = await resp.json()
            assert resp.status == 201, order
        assert order["state"] == "wait" and order["identifier"] == "raw-1"
        assert order["volume"] == "10" and order["ord_type"] == "limit"
        token = upbit_token(access, secret, {"identifier": "raw-1"})
        status, got, _ = await _get(http, sim, "/v1/order?identifier=raw-1", token)
        assert status == 200 and got["uuid"] == order["uuid"] and got["trades"] == []
        async with http.post(url, data=b"{oops", headers=headers) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"]["name"] == "validation_error"


async def test_quotation_rate_limit_429() -> None:
    async with (
        SimExchange(seed=1, upbit_options={"rate_limits": {"ticker": 3}}) as sim,
        aiohttp.ClientSession() as http,
    ):
        seen = []
        for _ in range(6):
            status, _, headers = await _get(http, sim, "/v1/ticker?markets=KRW-BTC")
            seen.append((status, headers["Remaining-Req"]))
        assert seen[0] == (200, "group=ticker; min=1800; sec=2")
        assert 429 in [s for s, _ in seen]


async def test_market_data_shapes_and_bad_input(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as http:
        status, markets, _ = await _get(http, sim, "/v1/market/all?is_details=true")
        assert {
            "market": "KRW-BTC",
            "korean_name": "비트코인",
            "english_name": "Bitcoin",
        }.items() <= (markets[0].items())
        status, candles, _ = await _get(
            http, sim, "/v1/candles/minutes/60?market=KRW-BTC&count=3&to=2023-01-01T00:00:00Z"
        )
        if candles:  # before the synthetic history window candles do not exist
            assert candles[0]["candle_date_time_utc"] < "2023-01-01T00:00:00"
        status, candles, _ = await _get(http, sim, "/v1/candles/minutes/5?market=KRW-ETH&count=4")
        assert status == 200 and len(candles) == 4 and candles[0]["unit"] == 5
        times = [c["candle_date_time_utc"] for c in candles]
        assert times == sorted(times, reverse=True)  # newest first
        status, days, _ = await _get(http, sim, "/v1/candles/days?market=KRW-BTC&count=30")
        assert status == 200 and len(days) == 30 and "change_rate" in days[0]
        status, book, _ = await _get(http, sim, "/v1/orderbook?markets=KRW-BTC,KRW-ETH")
        assert [b["market"] for b in book] == ["KRW-BTC", "KRW-ETH"]
        units = book[0]["orderbook_units"]
        assert len(units) == 30
        assert all(u["bid_price"] % float(krw_tick(u["bid_price"])) == 0 for u in units)
        status, ticks, _ = await _get(http, sim, "/v1/trades/ticks?market=KRW-BTC&count=2")
        assert status == 200 and ticks[0]["market"] == "KRW-BTC"
        status, inst, _ = await _get(http, sim, "/v1/orderbook/instruments?markets=KRW-USDT")
        assert inst[0]["tick_size"] == "0.5"
        for bad, code in [
            ("/v1/ticker?markets=KRW-NOPE", 404),
            ("/v1/ticker", 400),
            ("/v1/candles/minutes/7?market=KRW-BTC", 400),
            ("/v1/candles/minutes/1?market=KRW-BTC&count=201", 400),
            ("/v1/candles/minutes/1?market=KRW-BTC&count=x", 400),
            ("/v1/candles/minutes/1?market=KRW-BTC&to=yesterday", 400),
        ]:
            status, body, _ = await _get(http, sim, bad)
            assert status == code and "error" in body, bad


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"market": "KRW-BTC", "side": "buy", "ord_type": "limit"}, "validation_error"),
        ({"market": "KRW-BTC", "side": "bid", "ord_type": "limit", "price": "1"}, "validation_error"),
        ({"market": "KRW-BTC", "side": "bid", "ord_type": "price", "price": "4000"},
         "under_min_total_bid"),
        ({"market": "KRW-BTC", "side": "ask", "ord_type": "market", "volume": "1", "price": "1"},
         "create_ask_error"),
        ({"market": "KRW-BTC", "side": "bid", "ord_type": "limit", "price": "abc", "volume": "1"},
         "validation_error"),
        ({"market": "KRW-BTC", "side": "bid", "ord_type": "limit", "price": "-5", "volume": "1"},
         "validation_error"),
        ({"market": "KRW-XRP", "side": "ask", "ord_type": "limit", "price": "1000.5",
          "volume": "10"}, "invalid_price_ask"),
    ],
)  # fmt: skip
async def test_order_validation_errors(sim: SimExchange, body: dict[str, Any], name: str) -> None:
    access, secret = sim.api_keys["upbit"]
    token = upbit_token(access, secret, body)
    async with aiohttp.ClientSession() as http:
        url = sim.urls["UPBIT_REST_URL"] + "/v1/orders"
        async with http.post(url, json=body, headers={"Authorization": token}) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"]["name"] == name


def test_default_keys_have_real_lengths() -> None:
    (access, secret), (key, bsecret) = SIM_API_KEYS["upbit"], SIM_API_KEYS["binance"]
    assert len(access) == len(secret) == 40
    assert len(key) == len(bsecret) == 64


async def test_pyjwt_signs_with_the_default_secret_without_warning(sim: SimExchange) -> None:
    """Regression: the old 16-byte secret made PyJWT raise InsecureKeyLengthWarning (-W error).
    This is Upbit's own Python sample: `jwt.encode(payload, secret_key)` (HS256)."""
    access, secret = sim.api_keys["upbit"]
    query = "market=KRW-BTC"
    payload = {
        "access_key": access,
        "nonce": str(uuid.uuid4()),
        "query_hash": hashlib.sha512(query.encode()).hexdigest(),
        "query_hash_alg": "SHA512",
    }
    token = "Bearer " + jwt.encode(payload, secret)
    async with aiohttp.ClientSession() as http:
        status, body, _ = await _get(http, sim, "/v1/orders/chance?" + query, token)
    assert status == 200 and body["market"]["id"] == "KRW-BTC"
