"""The simulated Bithumb: its own prices (Upbit's plus a per-coin offset, so the spread between
the KRW venues is never zero), its own listings (DOT on Upbit only by default), and the Upbit
WebSocket machinery run for venue "bithumb" with faults of its own."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually

SUB = json.dumps([{"ticket": "b"}, {"type": "ticker", "codes": ["KRW-BTC", "KRW-DOT"]},
                  {"type": "orderbook", "codes": ["KRW-BTC"]}])  # fmt: skip


async def test_prices_spread_and_listings(sim: SimExchange) -> None:
    m = sim.market
    assert m.bithumb_mid("BTC") / m.upbit_mid("BTC") == pytest.approx(1.0015)
    m.set_bithumb_offset("BTC", -0.5)
    assert m.bithumb_mid("BTC") / m.upbit_mid("BTC") == pytest.approx(0.995)
    assert m.has_market("upbit", "KRW-DOT") and not m.has_market("bithumb", "KRW-DOT")
    m.relist("bithumb", "KRW-DOT")
    assert m.has_market("bithumb", "KRW-DOT")


async def test_the_stream_speaks_upbits_wire_with_bithumbs_prices(sim: SimExchange) -> None:
    async with connect(sim.urls["BITHUMB_WS_URL"]) as ws:
        await ws.send(SUB)
        seen: dict[str, dict[str, object]] = {}
        while len(seen) < 2:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 5))
            seen[f"{msg['type']}:{msg['code']}"] = msg
        assert set(seen) == {"ticker:KRW-BTC", "orderbook:KRW-BTC"}  # DOT: not listed here
        ticker = seen["ticker:KRW-BTC"]
        assert ticker["stream_type"] == "SNAPSHOT"
        upbit = sim.market.upbit_mid("BTC")
        assert float(str(ticker["trade_price"])) > upbit  # Bithumb dearer by its offset
        await ws.send("PING")
        for _ in range(200):
            if json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"status": "UP"}:
                break
        else:
            raise AssertionError("no {'status': 'UP'} after PING")


async def test_faults_are_per_venue(sim: SimExchange) -> None:
    async with connect(sim.urls["BITHUMB_WS_URL"], ping_interval=None) as ws:
        await ws.send(SUB)
        await asyncio.wait_for(ws.recv(), 5)
        await eventually(lambda: sim.faults.connections("bithumb") == 1)
        assert sim.faults.drop_connections("upbit") == 0  # Upbit's faults never touch Bithumb
        await asyncio.wait_for(ws.recv(), 5)
        assert sim.faults.drop_connections("bithumb") == 1
        with pytest.raises(ConnectionClosedError):
            for _ in range(1000):
                await asyncio.wait_for(ws.recv(), 5)
