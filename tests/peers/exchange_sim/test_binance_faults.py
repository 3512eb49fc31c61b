"""Every fault of the FaultController as a Binance client sees it, plus rate limiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt
import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.binance_helpers import futures_client, spot_client


async def recv_json(ws: ClientConnection, timeout: float = 5.0) -> Any:
    return orjson.loads(await asyncio.wait_for(ws.recv(), timeout))


@pytest.fixture
async def spot(sim: SimExchange) -> AsyncIterator[Any]:
    ex = spot_client(sim, timeout=1000)
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


async def test_drop_is_an_abrupt_close_without_close_frame(sim: SimExchange) -> None:
    async with connect(sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade") as ws:
        sim.advance(1)
        await recv_json(ws)
        assert sim.faults.drop_connections("binance") == 1
        with pytest.raises(ConnectionClosedError) as info:
            while True:
                await recv_json(ws)
        assert info.value.rcvd is None  # no close frame received: "1006"


async def test_stall_is_a_half_open_socket(sim: SimExchange) -> None:
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    async with connect(url, ping_interval=0.2, ping_timeout=0.5, close_timeout=0.5) as ws:
        sim.advance(1)
        await recv_json(ws)
        sim.faults.stall_connections("binance")
        sim.advance(2)
        started = time.monotonic()
        with pytest.raises(ConnectionClosedError) as info:
            while True:
                await recv_json(ws, timeout=5)
        assert info.value.rcvd is None and time.monotonic() - started < 4
        assert "keepalive ping timeout" in str(info.value)


async def test_malformed_truncated_and_cut_frames(sim: SimExchange) -> None:
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    async with connect(url) as ws:
        sim.faults.malformed_frames("binance", 1, "truncated")
        sim.advance(1)
        with pytest.raises(orjson.JSONDecodeError):
            await recv_json(ws)
        assert (await recv_json(ws))["e"] == "trade"  # the stream goes on
    async with connect(url) as ws:
        sim.faults.malformed_frames("binance", 1, "garbage")
        sim.advance(1)
        with pytest.raises(ConnectionClosedError) as info:  # invalid UTF-8 in a text frame
            await recv_json(ws)
        assert info.value.sent is not None and info.value.sent.code == 1007
    async with connect(url) as ws:
        sim.faults.malformed_frames("binance", 1, "cut")
        sim.advance(1)
        with pytest.raises(ConnectionClosedError) as info:
            while True:
                await recv_json(ws)
        assert info.value.rcvd is None


async def test_delayed_and_reordered_frames(sim: SimExchange) -> None:
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    # max_queue=None: with more than 16 unread frames websockets stops reading, never sees the
    # server's close frame and the close handshake waits out its 10 s timeout
    async with connect(url, max_queue=None) as ws:
        sim.faults.reorder_frames("binance", 4)
        sim.advance(10)  # one batch of many trades
        ids = [(await recv_json(ws))["t"] for _ in range(6)]
        assert ids != sorted(ids)
    sim.faults.clear("binance")
    async with connect(url) as ws:
        sim.faults.delay_frames("binance", 0.5)
        started = time.monotonic()
        sim.advance(1)
        await recv_json(ws)
        assert time.monotonic() - started >= 0.4


async def test_rejected_connections(sim: SimExchange) -> None:
    sim.faults.reject_connections("binance", 5)
    with pytest.raises(InvalidStatus) as info:
        async with connect(sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"):
            pass
    assert info.value.response.status_code == 503
    sim.faults.clear("binance")
    async with connect(sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"):
        pass
    sim.faults.reject_connections("binance_futures", 5)
    with pytest.raises(InvalidStatus):
        async with connect(sim.urls["BINANCE_FUTURES_WS_URL"] + "/market/ws/btcusdt@aggTrade"):
            pass


async def test_clock_skew_gives_1021(sim: SimExchange, spot: Any) -> None:
    sim.faults.clock_skew("binance", 30_000)  # the server runs 30 s ahead: requests look stale
    with pytest.raises(ccxt.InvalidNonce, match="outside of the recvWindow"):
        await spot.fetch_balance()
    sim.faults.clock_skew("binance", -5_000)  # the server runs behind: requests from the future
    with pytest.raises(ccxt.InvalidNonce, match="ahead of the server"):
        await spot.fetch_balance()
    sim.faults.clear("binance")
    assert (await spot.fetch_balance())["total"]["USDT"] == 10_000
    usdm = futures_client(sim)
    try:
        sim.faults.clock_skew("binance_futures", 30_000)
        with pytest.raises(ccxt.InvalidNonce):
            await usdm.fetch_balance()
    finally:
        await usdm.close()


async def test_rest_5xx_429_and_timeouts(sim: SimExchange, spot: Any) -> None:
    sim.faults.rest_error("binance", 503)
    with pytest.raises(ccxt.ExchangeNotAvailable):
        await spot.fetch_ticker("BTC/USDT")
    sim.faults.rest_error(
        "binance", 429, {"code": -1003, "msg": "Too many requests."}, retry_after=7
    )
    with pytest.raises(ccxt.DDoSProtection):
        await spot.fetch_ticker("BTC/USDT")
    sim.faults.rest_error("binance", 400, {"code": -1013, "msg": "Filter failure: LOT_SIZE"})
    with pytest.raises(ccxt.InvalidOrder):
        await spot.fetch_ticker("BTC/USDT")
    sim.faults.rest_delay("binance", 3)
    with pytest.raises(ccxt.RequestTimeout):
        await spot.fetch_ticker("BTC/USDT")
    assert (await spot.fetch_ticker("BTC/USDT"))["last"] > 0


async def test_request_weight_429_then_418(sim: SimExchange) -> None:
    sim.binance.weights.limit = 10
    sim.binance.weights.ban_after = 2
    url = sim.urls["BINANCE_REST_URL"] + "/api/v3/ticker/price?symbol=BTCUSDT"  # weight 2
    async with aiohttp.ClientSession() as session:
        used = []
        for _ in range(5):
            async with session.get(url) as resp:
                assert resp.status == 200
                used.append(int(resp.headers["X-MBX-USED-WEIGHT-1M"]))
        assert used == [2, 4, 6, 8, 10]
        async with session.get(url) as resp:
            assert resp.status == 429 and int(resp.headers["Retry-After"]) > 0
            assert (await resp.json())["code"] == -1003
        statuses = []
        for _ in range(3):
            async with session.get(url) as resp:
                statuses.append(resp.status)
                retry = int(resp.headers["Retry-After"])
        assert statuses[-1] == 418 and retry >= 60  # banned for not backing off
    sim.binance.weights.reset()
    spot = spot_client(sim)
    try:
        sim.binance.weights.limit = 1
        with pytest.raises(ccxt.DDoSProtection):
            await spot.fetch_time()
            await spot.fetch_time()
    finally:
        await spot.close()
