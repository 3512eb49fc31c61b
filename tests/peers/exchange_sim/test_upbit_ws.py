"""Plain `websockets` clients and ccxt.pro against the simulated Upbit WebSocket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.upbit_helpers import upbit_pro


async def _recv(ws: ClientConnection, timeout: float = 5.0) -> Any:
    import asyncio

    raw = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(raw, bytes), "Upbit sends JSON in binary frames"
    return json.loads(raw)


async def _until(ws: ClientConnection, pred: Any, limit: int = 500) -> Any:
    for _ in range(limit):
        msg = await _recv(ws)
        if pred(msg):
            return msg
    raise AssertionError("expected message never arrived")


async def test_default_format_snapshot_then_realtime(sim: SimExchange) -> None:
    async with connect(sim.urls["UPBIT_WS_URL"]) as ws:
        await ws.send(json.dumps([
            {"ticket": "t1"},
            {"type": "ticker", "codes": ["KRW-BTC"]},
            {"type": "trade", "codes": ["KRW-BTC"]},
            {"type": "orderbook", "codes": ["KRW-BTC.5"]},
            {"format": "DEFAULT"},
        ]))  # fmt: skip
        first = [await _recv(ws) for _ in range(3)]
        assert {m["type"] for m in first} == {"ticker", "trade", "orderbook"}
        assert all(m["stream_type"] == "SNAPSHOT" and m["code"] == "KRW-BTC" for m in first)
        ticker = next(m for m in first if m["type"] == "ticker")
        for key in ("trade_price", "acc_trade_price_24h", "change", "trade_date", "timestamp",
                    "highest_52_week_price", "market_state", "signed_change_rate"):  # fmt: skip
            assert key in ticker
        assert len(ticker["trade_date"]) == 8 and len(ticker["trade_time"]) == 6
        book = next(m for m in first if m["type"] == "orderbook")
        assert len(book["orderbook_units"]) == 5
        assert book["orderbook_units"][0]["ask_price"] > book["orderbook_units"][0]["bid_price"]
        trade = await _until(ws, lambda m: m["type"] == "trade" and m["stream_type"] == "REALTIME")
        assert trade["ask_bid"] in ("ASK", "BID")
        assert len(trade["trade_date"]) == 10 and trade["trade_time"].count(":") == 2
        assert trade["trade_price"] % 1000 == 0
        assert {"best_ask_price", "best_bid_size", "sequential_id"} <= trade.keys()
        await _until(ws, lambda m: m["type"] == "ticker" and m["stream_type"] == "REALTIME")
        await _until(ws, lambda m: m["type"] == "orderbook" and m["stream_type"] == "REALTIME")


async def test_simple_format_and_list_formats(sim: SimExchange) -> None:
    async with connect(sim.urls["UPBIT_WS_URL"]) as ws:
        await ws.send(json.dumps([
            {"ticket": "t"}, {"type": "ticker", "codes": ["KRW-ETH"]},
            {"type": "orderbook", "codes": ["KRW-ETH"]}, {"format": "SIMPLE"},
        ]))  # fmt: skip
        ticker = await _until(ws, lambda m: m["ty"] == "ticker")
        assert ticker["cd"] == "KRW-ETH" and "tp" in ticker and "scr" in ticker
        assert ticker["st"] == "SNAPSHOT"
        book = await _until(ws, lambda m: m["ty"] == "orderbook")
        assert {"ap", "bp", "as", "bs"} == book["obu"][0].keys() and "tas" in book
        await ws.send(json.dumps([
            {"ticket": "t"}, {"type": "trade", "codes": ["KRW-ETH"]}, {"format": "SIMPLE_LIST"},
        ]))  # fmt: skip
        msg = await _until(ws, lambda m: isinstance(m, list))
        assert msg[0]["ty"] == "trade" and "td" in msg[0] and "sid" in msg[0]


async def test_only_snapshot_only_realtime_and_ping(sim: SimExchange) -> None:
    async with connect(sim.urls["UPBIT_WS_URL"]) as ws:
        await ws.send(json.dumps([
            {"ticket": "t"}, {"type": "ticker", "codes": ["KRW-BTC"], "is_only_snapshot": True},
        ]))  # fmt: skip
        snap = await _recv(ws)
        assert snap["stream_type"] == "SNAPSHOT"
        await ws.send("PING")
        assert await _recv(ws) == {"status": "UP"}  # nothing realtime came in between
        await ws.send(json.dumps([
            {"ticket": "t"}, {"type": "trade", "codes": ["KRW-BTC"], "is_only_realtime": True},
        ]))  # fmt: skip
        msg = await _until(ws, lambda m: m.get("type") == "trade")
        assert msg["stream_type"] == "REALTIME"
        await ws.send(json.dumps([{"ticket": "x"}, {"method": "LIST_SUBSCRIPTIONS"}]))
        listing = await _until(ws, lambda m: m.get("method") == "LIST_SUBSCRIPTIONS")
        assert listing["result"] == [{"type": "trade", "codes": ["KRW-BTC"]}]


@pytest.mark.parametrize(
    ("request_text", "name"),
    [
        ('[{"type":"ticker","codes":["KRW-BTC"]}]', "NO_TICKET"),
        ('[{"ticket":"t"},{"format":"DEFAULT"}]', "NO_TYPE"),
        ('[{"ticket":"t"},{"type":"ticker"}]', "NO_CODES"),
        ('[{"ticket":"t"},{"type":"ticker","codes":[]}]', "NO_CODES"),
        ("{not json", "WRONG_FORMAT"),
        ('{"ticket":"t"}', "WRONG_FORMAT"),
        ('[{"ticket":"t"},{"type":"ticker","codes":["KRW-BTC"]},{"format":"XML"}]', "WRONG_FORMAT"),
        ('[{"ticket":"t"},{"type":"myAsset"}]', "INVALID_AUTH"),
        ('[{"ticket":"t"},{"type":"weather","codes":["KRW-BTC"]}]', "INVALID_PARAM"),
    ],
)
async def test_malformed_requests_get_error_objects(
    sim: SimExchange, request_text: str, name: str
) -> None:
    async with connect(sim.urls["UPBIT_WS_URL"]) as ws:
        await ws.send(request_text)
        assert (await _recv(ws))["error"]["name"] == name
        await ws.send("PING")  # the connection survives the error
        assert await _recv(ws) == {"status": "UP"}


async def test_idle_connection_is_closed() -> None:
    async with (
        SimExchange(seed=2, upbit_options={"idle_timeout": 0.3}) as sim,
        connect(sim.urls["UPBIT_WS_URL"]) as ws,
    ):
        with pytest.raises(ConnectionClosed):
            await _recv(ws, timeout=5)


async def test_status_up_repeats_after_ping() -> None:
    async with (
        SimExchange(seed=2, upbit_options={"status_interval": 0.1}) as sim,
        connect(sim.urls["UPBIT_WS_URL"]) as ws,
    ):
        await ws.send("PING")
        for _ in range(3):
            assert await _recv(ws) == {"status": "UP"}


async def test_ccxt_pro_watch_ticker_and_trades(sim: SimExchange) -> None:
    ex = upbit_pro(sim)
    try:
        ticker = await ex.watch_ticker("BTC/KRW")
        assert ticker["symbol"] == "BTC/KRW"
        assert ticker["last"] == pytest.approx(sim.market.upbit_mid("BTC"), rel=0.01)
        trades = await ex.watch_trades("BTC/KRW")
        assert trades and trades[-1]["symbol"] == "BTC/KRW" and trades[-1]["price"] > 0
        trades = await ex.watch_trades("BTC/KRW")
        assert trades[-1]["side"] in ("buy", "sell")
        book = await ex.watch_order_book("ETH/KRW")
        assert book["bids"][0][0] < book["asks"][0][0]
    finally:
        await ex.close()
