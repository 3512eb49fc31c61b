"""Spot WebSocket API user data (`/ws-api/v3`): the signed subscription, its errors, the events
an order produces, unsubscribe, and the fault switch."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.binance_helpers import spot_client


async def call(ws: ClientConnection, method: str, params: dict[str, Any] | None = None) -> Any:
    rid = f"r{time.monotonic_ns()}"
    req: dict[str, Any] = {"id": rid, "method": method}
    if params is not None:
        req["params"] = params
    await ws.send(orjson.dumps(req).decode())
    while True:
        msg = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        if msg.get("id") == rid:
            return msg


def signed(key: str, secret: str, ts: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"apiKey": key, "timestamp": ts or int(time.time() * 1000)}
    payload = "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["signature"] = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return params


@pytest.fixture
async def spot(sim: SimExchange) -> AsyncIterator[Any]:
    ex = spot_client(sim)
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


async def next_event(ws: ClientConnection) -> Any:
    while True:
        msg = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        if "event" in msg:
            return msg


async def test_subscription_and_order_events(sim: SimExchange, spot: Any) -> None:
    key, secret = sim.api_keys["binance"]
    async with connect(sim.env()["BINANCE_WS_API_URL"]) as ws:
        reply = await call(ws, "userDataStream.subscribe.signature", signed(key, secret))
        assert reply["status"] == 200 and reply["result"] == {"subscriptionId": 0}
        again = await call(ws, "userDataStream.subscribe.signature", signed(key, secret))
        assert again["status"] == 400 and again["error"]["code"] == -2035
        assert (await call(ws, "session.subscriptions"))["result"] == [{"subscriptionId": 0}]

        mid = sim.market.binance_mid("BTC")
        order = await spot.create_order(
            "BTC/USDT", "limit", "buy", 0.001, round(mid * 0.9, 2), {"newClientOrderId": "me-1"}
        )
        new, position = await next_event(ws), await next_event(ws)
        assert new["subscriptionId"] == 0
        report = new["event"]
        assert (report["e"], report["x"], report["X"], report["c"]) == (
            "executionReport", "NEW", "NEW", "me-1",
        )  # fmt: skip
        assert report["i"] == int(order["id"]) and report["s"] == "BTCUSDT"
        acct = position["event"]
        assert acct["e"] == "outboundAccountPosition"
        assert [b["a"] for b in acct["B"]] == ["BTC", "USDT"]
        assert float(acct["B"][1]["l"]) > 0  # the order's USDT is locked

        await spot.cancel_order(order["id"], "BTC/USDT")
        cancel = (await next_event(ws))["event"]
        assert (cancel["x"], cancel["C"]) == ("CANCELED", "me-1") and cancel["c"] != "me-1"
        await next_event(ws)

        await spot.create_order("BTC/USDT", "market", "buy", 0.001)
        events: list[Any] = []
        while not any(e.get("X") == "FILLED" for e in events):
            events.append((await next_event(ws))["event"])
        trade = events[-1]
        assert trade["x"] == "TRADE" and float(trade["l"]) == 0.001 and trade["t"] > 0
        assert float(trade["z"]) == 0.001 and float(trade["Z"]) > 0
        assert (await next_event(ws))["event"]["e"] == "outboundAccountPosition"

        assert (await call(ws, "userDataStream.unsubscribe", {}))["result"] == {}
        assert (await next_event(ws))["event"]["e"] == "eventStreamTerminated"


async def test_subscription_errors(sim: SimExchange) -> None:
    key, secret = sim.api_keys["binance"]
    async with connect(sim.env()["BINANCE_WS_API_URL"]) as ws:
        bad_sig = signed(key, secret) | {"signature": "0" * 64}
        reply = await call(ws, "userDataStream.subscribe.signature", bad_sig)
        assert reply["status"] == 400 and reply["error"]["code"] == -1022
        old = signed(key, secret, int(time.time() * 1000) - 60_000)
        assert (await call(ws, "userDataStream.subscribe.signature", old))["error"]["code"] == -1021
        unknown = signed("x" * 64, secret)
        assert (await call(ws, "userDataStream.subscribe.signature", unknown))["error"][
            "code"
        ] == -2015
        assert (await call(ws, "no.such.method"))["error"]["code"] == -1020


async def test_fault_switch_refuses_and_drops(sim: SimExchange) -> None:
    key, secret = sim.api_keys["binance"]
    url = sim.env()["BINANCE_WS_API_URL"]
    async with connect(url) as ws:
        await call(ws, "userDataStream.subscribe.signature", signed(key, secret))
        sim.binance.ws_api.refuse()
        with pytest.raises(Exception):  # noqa: B017 - the socket dies without a close frame
            await asyncio.wait_for(ws.recv(), 5)
    with pytest.raises(InvalidStatus, match="503"):
        async with connect(url):
            pass
    sim.binance.ws_api.refuse(False)
    async with connect(url) as ws:
        assert (await call(ws, "ping"))["status"] == 200
