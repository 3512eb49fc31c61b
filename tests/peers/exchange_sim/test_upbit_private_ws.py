"""Upbit private WebSocket `/websocket/v1/private` (myOrder, myAsset) with a plain client."""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from typing import Any

import jwt
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from peers.exchange_sim.server import SimExchange
from peers.exchange_sim.ticks import krw_tick
from tests.peers.exchange_sim.upbit_helpers import upbit_pro, upbit_rest

MY_ORDER_KEYS = {
    "type", "code", "uuid", "ask_bid", "order_type", "state", "trade_uuid", "price",
    "avg_price", "volume", "remaining_volume", "executed_volume", "trades_count",
    "reserved_fee", "remaining_fee", "paid_fee", "locked", "executed_funds", "time_in_force",
    "trade_fee", "is_maker", "identifier", "smp_type", "prevented_volume", "prevented_locked",
    "trade_timestamp", "order_timestamp", "timestamp", "stream_type",
}  # fmt: skip


def _private_url(sim: SimExchange) -> str:
    return sim.urls["UPBIT_WS_URL"] + "/private"


def _auth(sim: SimExchange, secret: str | None = None) -> dict[str, str]:
    """The handshake header as Upbit's sample builds it: PyJWT, HS256, no query hash."""
    access, real = sim.api_keys["upbit"]
    token = jwt.encode({"access_key": access, "nonce": str(uuid.uuid4())}, secret or real)
    return {"Authorization": f"Bearer {token}"}


async def _recv(ws: ClientConnection, timeout: float = 5.0) -> Any:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(raw, bytes), "Upbit sends JSON in binary frames"
    return json.loads(raw)


async def _subscribe(ws: ClientConnection, *types: dict[str, Any], fmt: str | None = None) -> None:
    request: list[dict[str, Any]] = [{"ticket": "private-test"}, *types]
    if fmt:
        request.append({"format": fmt})
    await ws.send(json.dumps(request))
    await asyncio.sleep(0.05)  # the request is handled before the order below is placed


def _below(sim: SimExchange, code: str) -> float:
    price = sim.market.book("upbit", code).bids[0][0] * 0.95
    tick = float(krw_tick(price))
    return price // tick * tick


async def test_handshake_needs_a_valid_jwt(sim: SimExchange) -> None:
    with pytest.raises(InvalidStatus) as missing:
        async with connect(_private_url(sim)):
            pass
    assert missing.value.response.status_code == 401
    body = json.loads(missing.value.response.body or b"{}")
    assert body["error"]["name"] == "jwt_verification"
    with pytest.raises(InvalidStatus) as wrong:
        async with connect(_private_url(sim), additional_headers=_auth(sim, "x" * 40)):
            pass
    assert wrong.value.response.status_code == 401
    async with connect(_private_url(sim), additional_headers=_auth(sim)) as ws:
        await ws.send("PING")
        assert await _recv(ws) == {"status": "UP"}


async def test_limit_order_lifecycle_pushes_my_order_and_my_asset(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        async with connect(_private_url(sim), additional_headers=_auth(sim)) as ws:
            await _subscribe(ws, {"type": "myOrder"}, {"type": "myAsset"})
            price = _below(sim, "KRW-BTC")
            order = await ex.create_order(
                "BTC/KRW", "limit", "buy", 0.001, price, {"identifier": "ws-1"}
            )
            placed = await _recv(ws)
            assert set(placed) == MY_ORDER_KEYS
            assert placed["type"] == "myOrder" and placed["state"] == "wait"
            assert placed["uuid"] == order["id"] and placed["identifier"] == "ws-1"
            assert placed["code"] == "KRW-BTC" and placed["ask_bid"] == "BID"
            assert placed["order_type"] == "limit" and placed["price"] == price
            assert placed["volume"] == 0.001 and placed["trade_uuid"] is None
            assert placed["stream_type"] == "REALTIME"
            asset = await _recv(ws)
            assert asset["type"] == "myAsset" and set(asset) == {
                "type", "asset_uuid", "assets", "asset_timestamp", "timestamp", "stream_type",
            }  # fmt: skip
            krw = next(a for a in asset["assets"] if a["currency"] == "KRW")
            locked = Decimal(str(price)) * Decimal("0.001") * Decimal("1.0005")
            assert Decimal(str(krw["locked"])) == locked
            assert Decimal(str(krw["balance"])) == Decimal(10_000_000) - locked
            await ex.cancel_order(order["id"])
            canceled = await _recv(ws)
            assert canceled["state"] == "cancel" and canceled["uuid"] == order["id"]
            krw = next(a for a in (await _recv(ws))["assets"] if a["currency"] == "KRW")
            assert krw["locked"] == 0 and krw["balance"] == 10_000_000
    finally:
        await ex.close()


async def test_fills_push_trade_then_done(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        async with connect(_private_url(sim), additional_headers=_auth(sim)) as ws:
            await _subscribe(ws, {"type": "myOrder", "codes": ["KRW-XRP"]})
            ask = sim.market.book("upbit", "KRW-XRP").asks[0][0]
            await ex.create_order("XRP/KRW", "limit", "buy", 10, ask)  # marketable
            states = [await _recv(ws) for _ in range(3)]
            assert [m["state"] for m in states] == ["wait", "trade", "done"]
            trade = states[1]
            assert trade["trade_uuid"] and trade["is_maker"] is False
            assert trade["price"] == ask and trade["volume"] == 10
            assert trade["trade_fee"] == pytest.approx(ask * 10 * 0.0005)
            assert isinstance(trade["trade_timestamp"], int)
            assert states[2]["executed_volume"] == 10 and states[2]["remaining_volume"] == 0
            # a resting sell fills as maker when the market moves through it
            bid = sim.market.book("upbit", "KRW-XRP").bids[0][0]
            await ex.create_order("XRP/KRW", "limit", "sell", 5, bid + 5)
            assert (await _recv(ws))["state"] == "wait"
            sim.market.jump("XRP", 2.0)
            fill = await _recv(ws)
            assert fill["state"] == "trade" and fill["is_maker"] is True
            assert fill["ask_bid"] == "ASK"
            while fill["state"] == "trade" and fill["remaining_volume"] > 0:
                fill = await _recv(ws)
            if fill["state"] == "trade":
                fill = await _recv(ws)
            assert fill["state"] == "done"
            # codes filter: another market's orders are not sent
            await ex.create_order("BTC/KRW", "limit", "buy", 0.001, _below(sim, "KRW-BTC"))
            with pytest.raises(TimeoutError):
                await _recv(ws, timeout=0.3)
    finally:
        await ex.close()


async def test_price_order_and_simple_format(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        async with connect(_private_url(sim), additional_headers=_auth(sim)) as ws:
            await _subscribe(ws, {"type": "myOrder", "codes": []}, fmt="SIMPLE")
            await ex.create_order("ETH/KRW", "market", "buy", None, params={"cost": 50_000})
            msgs = [await _recv(ws)]
            while msgs[-1]["s"] != "done":
                msgs.append(await _recv(ws))
            assert msgs[0]["ty"] == "myOrder" and msgs[0]["ot"] == "price"
            assert msgs[0]["p"] == 50_000 and msgs[0]["v"] is None  # KRW amount, no volume
            assert msgs[0]["s"] == "wait" and "trade" in [m["s"] for m in msgs]
            done = msgs[-1]
            assert 0 < done["ef"] <= 50_000 and done["pf"] == pytest.approx(done["ef"] * 0.0005)
    finally:
        await ex.close()


async def test_bad_requests_get_error_objects(sim: SimExchange) -> None:
    async with connect(_private_url(sim), additional_headers=_auth(sim)) as ws:
        cases = [
            ('[{"ticket":"t"},{"type":"myAsset","codes":["KRW-BTC"]}]', "WRONG_FORMAT"),
            ('[{"ticket":"t"},{"type":"ticker","codes":["KRW-BTC"]}]', "INVALID_PARAM"),
            ('[{"type":"myOrder"}]', "NO_TICKET"),
            ('[{"ticket":"t"}]', "NO_TYPE"),
            ("not json", "WRONG_FORMAT"),
        ]
        for raw, name in cases:
            await ws.send(raw)
            assert (await _recv(ws))["error"]["name"] == name
        await ws.send('[{"ticket":"t"},{"type":"myOrder","codes":["KRW-BTC"]},{"type":"myAsset"}]')
        await ws.send('[{"ticket":"t2"},{"method":"LIST_SUBSCRIPTIONS"}]')
        listing = await _recv(ws)
        assert listing["result"] == [{"type": "myOrder", "codes": ["KRW-BTC"]}, {"type": "myAsset"}]
    async with connect(sim.urls["UPBIT_WS_URL"]) as public:  # private types need /private
        await public.send('[{"ticket":"t"},{"type":"myOrder"}]')
        assert (await _recv(public))["error"]["name"] == "INVALID_AUTH"


async def test_ccxt_pro_watch_orders_and_balance(sim: SimExchange) -> None:
    pro = upbit_pro(sim)
    ex = upbit_rest(sim)
    try:
        await pro.load_markets()
        await ex.load_markets()
        watch = asyncio.create_task(pro.watch_orders("BTC/KRW"))
        await asyncio.sleep(0.2)  # subscribed
        price = _below(sim, "KRW-BTC")
        order = await ex.create_order("BTC/KRW", "limit", "buy", 0.001, price)
        orders = await asyncio.wait_for(watch, 5)
        assert orders[-1]["id"] == order["id"] and orders[-1]["status"] == "open"
        balance_task = asyncio.create_task(pro.watch_balance())
        await asyncio.sleep(0.2)
        await ex.cancel_order(order["id"])
        balance = await asyncio.wait_for(balance_task, 5)
        assert balance["KRW"]["free"] == 10_000_000 and balance["KRW"]["used"] == 0
    finally:
        await pro.close()
        await ex.close()
