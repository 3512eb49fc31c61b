"""Plain `websockets` (and aiohttp) clients against the simulated Binance spot streams."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.peers.exchange_sim.binance_helpers import spot_client

TRADE_KEYS = {"e", "E", "s", "t", "p", "q", "T", "m", "M"}
AGG_KEYS = {"e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M"}
KLINE_KEYS = {"t", "T", "s", "i", "f", "L", "o", "c", "h", "l", "v", "n", "x", "q", "V", "Q", "B"}
BOOK_KEYS = {"u", "s", "b", "B", "a", "A"}
TICKER_KEYS = {
    "e", "E", "s", "p", "P", "w", "x", "c", "Q", "b", "B", "a", "A", "o", "h", "l", "v", "q",
    "O", "C", "F", "L", "n",
}  # fmt: skip
MINI_KEYS = {"e", "E", "s", "c", "o", "h", "l", "v", "q"}


async def recv_json(ws: ClientConnection, timeout: float = 5.0) -> Any:
    return orjson.loads(await asyncio.wait_for(ws.recv(), timeout))


def kind(msg: Any) -> str:
    if isinstance(msg, list):
        return "arr"
    if "e" in msg:
        return str(msg["e"])
    if "lastUpdateId" in msg:
        return "depth"
    if "u" in msg:
        return "bookTicker"
    return "reply"


def fast(sim: SimExchange) -> None:
    sim.binance.publisher.kline_period = 0.1
    sim.binance.publisher.ticker_period = 0.1


async def test_raw_stream_then_subscribe_every_type(sim: SimExchange) -> None:
    fast(sim)
    url = sim.urls["BINANCE_WS_URL"]
    async with connect(f"{url}/ws/btcusdt@trade") as ws:
        sim.advance(2)
        first = await recv_json(ws)
        assert set(first) == TRADE_KEYS and first["e"] == "trade" and first["s"] == "BTCUSDT"
        assert isinstance(first["p"], str) and isinstance(first["t"], int)
        streams = ["btcusdt@aggTrade", "btcusdt@kline_1m", "btcusdt@bookTicker", "btcusdt@ticker",
                   "btcusdt@miniTicker", "!miniTicker@arr", "btcusdt@depth5@100ms"]  # fmt: skip
        await ws.send(orjson.dumps({"method": "SUBSCRIBE", "params": streams, "id": 1}).decode())
        seen: dict[str, Any] = {}
        wanted = {"reply", "aggTrade", "kline", "bookTicker", "24hrTicker", "24hrMiniTicker",
                  "arr", "depth"}  # fmt: skip
        while not wanted <= set(seen):
            msg = await recv_json(ws)
            seen.setdefault(kind(msg), msg)
        assert seen["reply"] == {"result": None, "id": 1}
        assert set(seen["aggTrade"]) == AGG_KEYS
        assert set(seen["kline"]) == {"e", "E", "s", "k"} and set(seen["kline"]["k"]) == KLINE_KEYS
        assert seen["kline"]["k"]["i"] == "1m"
        assert set(seen["bookTicker"]) == BOOK_KEYS  # spot bookTicker has no "e"
        assert float(seen["bookTicker"]["b"]) < float(seen["bookTicker"]["a"])
        assert set(seen["24hrTicker"]) == TICKER_KEYS
        assert set(seen["24hrMiniTicker"]) == MINI_KEYS
        # every simulated market, plus the markets a real array carries that are not ours
        ours = {m["s"] for m in seen["arr"]} & set(sim.binance.rules)
        assert len(ours) == 10 and all(set(m) == MINI_KEYS for m in seen["arr"])
        assert {"BTCTRY", "币安人生USDT"} <= {m["s"] for m in seen["arr"]}
        assert (
            set(seen["depth"]) == {"lastUpdateId", "bids", "asks"}
            and len(seen["depth"]["bids"]) == 5
        )


async def test_combined_streams_are_wrapped(sim: SimExchange) -> None:
    url = sim.urls["BINANCE_WS_URL"] + "/stream?streams=btcusdt@trade/ethusdt@bookTicker"
    async with connect(url) as ws:
        got: dict[str, Any] = {}
        while len(got) < 2:
            sim.advance(0.5)
            msg = await recv_json(ws)
            assert set(msg) == {"stream", "data"}
            got[msg["stream"]] = msg["data"]
        assert got["btcusdt@trade"]["e"] == "trade"
        assert got["ethusdt@bookTicker"]["s"] == "ETHUSDT"


async def test_control_messages_and_errors(sim: SimExchange) -> None:
    sim.binance.hub.config.max_incoming_per_s = 0  # the 5 msg/s limit has its own test
    async with connect(sim.urls["BINANCE_WS_URL"] + "/ws/0") as ws:  # ccxt-style path

        async def call(req: Any) -> Any:
            await ws.send(req if isinstance(req, str) else orjson.dumps(req).decode())
            while True:
                msg = await recv_json(ws)
                if isinstance(msg, dict) and "id" in msg:
                    return msg

        sub = {"method": "SUBSCRIBE", "params": ["btcusdt@trade", "ethusdt@aggTrade"], "id": 7}
        assert await call(sub) == {"result": None, "id": 7}
        listed = await call({"method": "LIST_SUBSCRIPTIONS", "id": 8})
        assert sorted(listed["result"]) == ["btcusdt@trade", "ethusdt@aggTrade"]
        unsub = {"method": "UNSUBSCRIBE", "params": ["btcusdt@trade"], "id": 9}
        assert await call(unsub) == {"result": None, "id": 9}
        assert (await call({"method": "LIST_SUBSCRIPTIONS", "id": "abc"}))["result"] == [
            "ethusdt@aggTrade"
        ]
        assert (await call("{not json"))["error"]["code"] == 3
        bad_method = await call({"method": "SUBSCRIB", "params": [], "id": 10})
        assert bad_method["error"]["code"] == 2 and bad_method["id"] == 10
        bad_stream = await call({"method": "SUBSCRIBE", "params": ["nope@trade"], "id": 11})
        assert bad_stream["error"]["code"] == 2
        assert (await call({"method": "GET_PROPERTY", "params": ["combined"], "id": 12}))[
            "result"
        ] is False
        prop = {"method": "SET_PROPERTY", "params": ["combined", "yes"], "id": 13}
        assert (await call(prop))["error"]["code"] == 1
        unknown = {"method": "SET_PROPERTY", "params": ["colour", True], "id": 14}
        assert (await call(unknown))["error"] == {"code": 0, "msg": "Unknown property"}
        on = {"method": "SET_PROPERTY", "params": ["combined", True], "id": 15}
        assert await call(on) == {"result": None, "id": 15}
        sim.advance(2)
        msg = await recv_json(ws)
        while "stream" not in msg:
            sim.advance(1)
            msg = await recv_json(ws)
        assert msg["stream"] == "ethusdt@aggTrade" and msg["data"]["e"] == "aggTrade"


async def test_server_pings_and_drops_a_client_that_never_pongs(sim: SimExchange) -> None:
    cfg = sim.binance.hub.config
    cfg.ping_interval, cfg.pong_timeout = 0.2, 0.8
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    async with aiohttp.ClientSession() as session:
        deaf = await session.ws_connect(url, autoping=False)
        polite = await connect(url)  # websockets answers pings by itself
        try:
            ping = await deaf.receive(timeout=3)
            while ping.type == aiohttp.WSMsgType.TEXT:  # trades may come before the first ping
                ping = await deaf.receive(timeout=3)
            assert ping.type == aiohttp.WSMsgType.PING and ping.data  # payload to echo
            while True:  # keep reading without ever answering
                msg = await deaf.receive(timeout=5)
                if msg.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.ERROR,
                ):
                    break
            assert deaf.closed or msg.type != aiohttp.WSMsgType.TEXT
            await asyncio.sleep(0.5)
            sim.advance(1)
            assert (await recv_json(polite))["e"] == "trade"  # the ponging client is still served
        finally:
            await deaf.close()
            await polite.close()


async def test_too_many_incoming_messages_disconnect(sim: SimExchange) -> None:
    async with connect(sim.urls["BINANCE_WS_URL"] + "/ws") as ws:
        for i in range(8):  # limit: 5 per second
            await ws.send(orjson.dumps({"method": "LIST_SUBSCRIPTIONS", "id": i}).decode())
        with pytest.raises(ConnectionClosed):
            for _ in range(20):
                await recv_json(ws)
        assert ws.close_code == 1008


async def test_unknown_combined_stream_is_rejected(sim: SimExchange) -> None:
    with pytest.raises(InvalidStatus, match="400"):
        async with connect(sim.urls["BINANCE_WS_URL"] + "/stream?streams=nope@trade"):
            pass


async def test_ccxt_pro_watch_ticker_and_trades(sim: SimExchange) -> None:
    fast(sim)
    ex = spot_client(sim, pro=True)
    try:
        await ex.load_markets()
        mini = await asyncio.wait_for(ex.watch_ticker("BTC/USDT"), 10)  # @miniTicker
        assert mini["symbol"] == "BTC/USDT" and mini["last"] > 0
        full = await asyncio.wait_for(ex.watch_ticker("ETH/USDT", {"name": "ticker"}), 10)
        assert full["symbol"] == "ETH/USDT" and full["bid"] < full["ask"]

        async def trades() -> list[Any]:
            sim.advance(1)
            return await ex.watch_trades("ETH/USDT")  # type: ignore[no-any-return]

        got = await asyncio.wait_for(trades(), 10)
        assert got and all(t["symbol"] == "ETH/USDT" and t["price"] > 0 for t in got)
        recorded = {t.trade_id for t in sim.market.trades("binance", "ETHUSDT")}
        assert {int(t["id"]) for t in got} <= recorded
        await eventually(lambda: len(sim.binance.hub.conns) >= 1)
    finally:
        await ex.close()
