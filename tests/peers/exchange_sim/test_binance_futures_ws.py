"""Futures streams: the split /public and /market routes and the /private user-data stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.binance_helpers import futures_client

BTC = "BTC/USDT:USDT"
MARK_KEYS = {"e", "E", "s", "p", "i", "P", "r", "T"}
AGG_KEYS = {"e", "E", "s", "a", "p", "q", "nq", "f", "l", "T", "m"}
BOOK_KEYS = {"e", "u", "E", "T", "s", "b", "B", "a", "A"}


async def recv_json(ws: ClientConnection, timeout: float = 5.0) -> Any:
    return orjson.loads(await asyncio.wait_for(ws.recv(), timeout))


@pytest.fixture
async def usdm(sim: SimExchange) -> AsyncIterator[Any]:
    ex = futures_client(sim)
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


async def test_market_and_public_routes(sim: SimExchange) -> None:
    sim.binance_futures.publisher.kline_period = 0.1
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    async with connect(f"{base}/market/ws/btcusdt@markPrice@1s") as ws:
        mark = await recv_json(ws)
        assert set(mark) == MARK_KEYS and mark["e"] == "markPriceUpdate"
        assert float(mark["p"]) == pytest.approx(sim.market.futures_mark("BTC"), rel=1e-3)
    url = f"{base}/market/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m"
    async with connect(url) as ws:
        got: dict[str, Any] = {}
        while len(got) < 2:
            sim.advance(0.5)
            msg = await recv_json(ws)
            got[msg["stream"]] = msg["data"]
        assert set(got["btcusdt@aggTrade"]) == AGG_KEYS
        assert got["btcusdt@kline_1m"]["k"]["i"] == "1m"
    async with connect(f"{base}/public/ws/btcusdt@bookTicker") as ws:
        book = await recv_json(ws)
        assert set(book) == BOOK_KEYS and book["e"] == "bookTicker"  # futures: with "e"
    async with connect(f"{base}/public/ws/0") as ws:  # a market stream is not on /public
        await ws.send(
            orjson.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@markPrice"], "id": 1}).decode()
        )
        assert (await recv_json(ws))["error"]["code"] == 2


async def test_user_data_stream_events(sim: SimExchange, usdm: Any) -> None:
    key = (await usdm.fapiprivate_post_listenkey())["listenKey"]
    assert (await usdm.fapiprivate_post_listenkey())["listenKey"] == key  # same key, extended
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    async with connect(f"{base}/private/ws?listenKey={key}") as ws:
        await usdm.set_leverage(5, BTC)
        await usdm.create_order(BTC, "market", "buy", 0.01)
        mark = sim.market.futures_mark("BTC")
        await usdm.create_order(
            BTC, "market", "sell", 0.01, None,
            {"takeProfitPrice": round(mark * 1.01, 1), "reduceOnly": True, "workingType": "MARK_PRICE"},
        )  # fmt: skip
        sim.market.jump("BTC", 2)
        sim.advance(1)
        events: list[Any] = []
        while not any(e["e"] == "ALGO_UPDATE" and e["o"]["X"] == "FINISHED" for e in events):
            events.append(await recv_json(ws))
    kinds = [e["e"] for e in events]
    assert kinds[0] == "ACCOUNT_CONFIG_UPDATE" and events[0]["ac"] == {"s": "BTCUSDT", "l": 5}
    orders = [e["o"] for e in events if e["e"] == "ORDER_TRADE_UPDATE"]
    assert [(o["x"], o["X"], o["S"]) for o in orders] == [
        ("NEW", "NEW", "BUY"), ("TRADE", "FILLED", "BUY"), ("NEW", "NEW", "SELL"), ("TRADE", "FILLED", "SELL"),
    ]  # fmt: skip
    assert orders[3]["ot"] == "TAKE_PROFIT_MARKET" and orders[3]["R"] is True
    assert float(orders[3]["rp"]) > 0 and orders[3]["N"] == "USDT"
    accounts = [e["a"] for e in events if e["e"] == "ACCOUNT_UPDATE"]
    assert accounts[0]["P"][0]["pa"] == "0.010" and accounts[-1]["P"][0]["pa"] == "0.000"
    algo = [e["o"] for e in events if e["e"] == "ALGO_UPDATE"]
    assert [a["X"] for a in algo] == ["NEW", "TRIGGERED", "FINISHED"]
    assert algo[-1]["o"] == "TAKE_PROFIT_MARKET" and algo[-1]["ai"]


async def test_listen_key_lifecycle(sim: SimExchange, usdm: Any) -> None:
    import ccxt

    key = (await usdm.fapiprivate_post_listenkey())["listenKey"]
    assert (await usdm.fapiprivate_put_listenkey())["listenKey"] == key
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    with pytest.raises(InvalidStatus, match="404"):  # the legacy route, retired 2026-04-23
        async with connect(f"{base}/ws/{key}"):
            pass
    async with connect(f"{base}/private/ws?listenKey={key}&events=ORDER_TRADE_UPDATE") as ws:
        await usdm.fapiprivate_delete_listenkey()
        expired = await recv_json(ws)
        assert expired["e"] == "listenKeyExpired" and expired["listenKey"] == key
    with pytest.raises(ccxt.ExchangeError, match="-1125"):
        await usdm.fapiprivate_put_listenkey()
    with pytest.raises(InvalidStatus, match="400"):
        async with connect(f"{base}/private/ws?listenKey={key}"):
            pass


async def test_private_route_sends_only_the_events_asked_for(sim: SimExchange, usdm: Any) -> None:
    key = (await usdm.fapiprivate_post_listenkey())["listenKey"]
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    with pytest.raises(InvalidStatus, match="400"):
        async with connect(f"{base}/private/ws?listenKey={key}&events=NO_SUCH_EVENT"):
            pass
    url = f"{base}/private/ws?listenKey={key}&events=ALGO_UPDATE/ORDER_TRADE_UPDATE"
    async with connect(url) as ws:
        await usdm.set_leverage(5, BTC)  # ACCOUNT_CONFIG_UPDATE: not asked for
        await usdm.create_order(BTC, "market", "buy", 0.01)  # ORDER_TRADE_UPDATE + ACCOUNT_UPDATE
        events = [await recv_json(ws), await recv_json(ws)]
    assert [e["e"] for e in events] == ["ORDER_TRADE_UPDATE", "ORDER_TRADE_UPDATE"]
    assert [e["o"]["X"] for e in events] == ["NEW", "FILLED"]


async def test_private_stream_fault_switch_refuses_handshakes(sim: SimExchange, usdm: Any) -> None:
    key = (await usdm.fapiprivate_post_listenkey())["listenKey"]
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    sim.binance_futures.user.refuse()
    with pytest.raises(InvalidStatus, match="503"):
        async with connect(f"{base}/private/ws?listenKey={key}&events=ORDER_TRADE_UPDATE"):
            pass
    sim.binance_futures.user.refuse(False)
    async with connect(f"{base}/private/ws?listenKey={key}&events=ORDER_TRADE_UPDATE"):
        pass
