"""Stream faults on the simulated Upbit, seen by a plain `websockets` client as in production."""

from __future__ import annotations

import asyncio
import itertools
import json
import time

import ccxt.async_support as ccxt_async
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.peers.exchange_sim.upbit_helpers import upbit_rest

CODES = ["KRW-" + c for c in ("BTC", "ETH", "XRP", "SOL", "DOGE", "ADA", "TRX", "LINK", "AVAX")]
SUB = json.dumps([{"ticket": "f"}, {"type": "trade", "codes": CODES}])


async def _subscribed(sim: SimExchange) -> ClientConnection:
    ws = await connect(sim.urls["UPBIT_WS_URL"], ping_interval=None)
    await ws.send(SUB)
    await asyncio.wait_for(ws.recv(), 5)
    await eventually(lambda: sim.faults.connections("upbit") == 1)
    return ws


async def test_drop_closes_without_close_frame(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    assert sim.faults.drop_connections("upbit") == 1
    with pytest.raises(ConnectionClosedError) as err:
        for _ in range(1000):
            await asyncio.wait_for(ws.recv(), 5)
    assert err.value.rcvd is None  # no close frame received: abnormal closure (1006)


async def test_stall_is_a_half_open_socket(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    try:
        sim.faults.stall_connections("upbit")
        await asyncio.sleep(0)  # let frames already queued in the socket drain first
        while True:  # drain what was already in flight, then silence
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                break
        pong = await ws.ping()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(pong, 0.5)  # no pong: the client's watchdog must act
        assert ws.state.name == "OPEN"  # ...because the socket itself never closed
    finally:
        ws.transport.abort()


async def _next_bad(ws: ClientConnection) -> bytes:
    for _ in range(500):
        raw = await asyncio.wait_for(ws.recv(), 5)
        assert isinstance(raw, bytes)
        try:
            json.loads(raw)
        except ValueError:
            return raw
    raise AssertionError("no malformed frame arrived")


async def test_malformed_and_truncated_frames(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    try:
        sim.faults.malformed_frames("upbit", 1, "garbage")
        assert (await _next_bad(ws)).startswith(b"\x00\xff")
        sim.faults.malformed_frames("upbit", 1, "truncated")
        assert (await _next_bad(ws)).startswith(b'{"type":"trade"')
        good = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert good["type"] == "trade"  # the stream carries on after a bad frame
    finally:
        await ws.close()


async def test_cut_frame_kills_the_connection(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    sim.faults.malformed_frames("upbit", 1, "cut")
    with pytest.raises(ConnectionClosed):
        for _ in range(1000):
            json.loads(await asyncio.wait_for(ws.recv(), 5))


async def test_delayed_frames(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    try:
        sim.faults.delay_frames("upbit", 0.5)

        async def late_frame() -> bool:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 5))
            return time.time() * 1000 - msg["timestamp"] >= 400  # held back by the fault

        await eventually(late_frame, timeout=10, interval=0)
    finally:
        sim.faults.delay_frames("upbit", 0)
        await ws.close()


async def test_reordered_frames(sim: SimExchange) -> None:
    ws = await _subscribed(sim)
    try:
        sim.faults.reorder_frames("upbit", 20)
        assert await sim.upbit.firehose(50) == 50
        sids = []
        for _ in range(80):
            sids.append(json.loads(await asyncio.wait_for(ws.recv(), 5))["sequential_id"])
        # an adjacent pair of consecutive ids arrived swapped
        assert any(a == b + 1 for a, b in itertools.pairwise(sids))
    finally:
        await ws.close()


async def test_rejected_handshakes_then_recovery(sim: SimExchange) -> None:
    sim.faults.reject_connections("upbit", 0.5)
    with pytest.raises(InvalidStatus) as err:
        await connect(sim.urls["UPBIT_WS_URL"])
    assert err.value.response.status_code == 503

    async def connects() -> bool:
        try:
            ws = await connect(sim.urls["UPBIT_WS_URL"])
        except InvalidStatus:
            return False
        await ws.close()
        return True

    await eventually(connects, timeout=5)


async def test_rest_faults_on_upbit_seen_by_ccxt(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        sim.faults.rest_error("upbit", 503)
        with pytest.raises(ccxt_async.ExchangeNotAvailable):
            await ex.fetch_ticker("BTC/KRW")
        sim.faults.rest_error("upbit", 429)
        with pytest.raises(ccxt_async.RateLimitExceeded):
            await ex.fetch_ticker("BTC/KRW")
        ex.timeout = 300
        sim.faults.rest_delay("upbit", 2.0)
        with pytest.raises(ccxt_async.RequestTimeout):
            await ex.fetch_ticker("BTC/KRW")
        assert (await ex.fetch_ticker("BTC/KRW"))["last"] > 0
    finally:
        await ex.close()
