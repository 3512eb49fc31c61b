"""Response-side REST faults: the venue handles the request, the answer never arrives.

This is the case an order path must survive: the client sees a timeout or a network error,
yet the order exists on the venue (so it has to look it up by its client id, not retry).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import ccxt
import pytest

from peers.exchange_sim.server import SimExchange
from peers.exchange_sim.ticks import krw_tick
from tests.peers.exchange_sim.binance_helpers import futures_client, spot_client
from tests.peers.exchange_sim.upbit_helpers import upbit_rest


def _far_below(sim: SimExchange, venue: str, market: str) -> float:
    """A limit buy price well under the market (the order rests)."""
    bid = sim.market.book(venue, market).bids[0][0] * 0.9
    if venue == "upbit":
        tick = float(krw_tick(bid))
        return bid // tick * tick
    return round(bid, 2)


async def test_delayed_response_binance_order_placed_but_client_timed_out(
    sim: SimExchange,
) -> None:
    ex = spot_client(sim, timeout=400)
    try:
        await ex.load_markets()
        sim.faults.rest_delay("binance", 3.0, after_handling=True)
        price = _far_below(sim, "binance", "BTCUSDT")
        started = time.monotonic()
        with pytest.raises(ccxt.RequestTimeout):
            await ex.create_order(
                "BTC/USDT", "limit", "buy", 0.001, price, {"newClientOrderId": "lost-answer-1"}
            )
        assert time.monotonic() - started < 2
        found = await ex.fetch_order(None, "BTC/USDT", {"origClientOrderId": "lost-answer-1"})
        assert found["status"] == "open" and found["price"] == price
        assert [o["clientOrderId"] for o in await ex.fetch_open_orders("BTC/USDT")] == [
            "lost-answer-1"
        ]
        # the client id is taken while the order is open: a blind retry is refused
        with pytest.raises(ccxt.InvalidOrder, match="Duplicate order"):
            await ex.create_order(
                "BTC/USDT", "limit", "buy", 0.001, price, {"newClientOrderId": "lost-answer-1"}
            )
    finally:
        await ex.close()


async def test_delay_before_handling_leaves_no_order(sim: SimExchange) -> None:
    """The default delay holds the request before the venue sees it: a client that gives up
    leaves nothing behind (contrast with the test above)."""
    ex = spot_client(sim, timeout=400)
    try:
        await ex.load_markets()
        sim.faults.rest_delay("binance", 3.0)
        price = _far_below(sim, "binance", "BTCUSDT")
        with pytest.raises(ccxt.RequestTimeout):
            await ex.create_order(
                "BTC/USDT", "limit", "buy", 0.001, price, {"newClientOrderId": "never-seen-1"}
            )
        assert await ex.fetch_open_orders("BTC/USDT") == []
    finally:
        await ex.close()


async def test_dropped_response_upbit_order_placed_but_connection_lost(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        sim.faults.drop_response("upbit")
        price = _far_below(sim, "upbit", "KRW-BTC")
        with pytest.raises(ccxt.NetworkError):
            await ex.create_order(
                "BTC/KRW", "limit", "buy", 0.001, price, {"identifier": "lost-upbit-1"}
            )
        opens = await ex.fetch_open_orders("BTC/KRW")
        assert len(opens) == 1 and opens[0]["price"] == price
        assert opens[0]["info"]["identifier"] == "lost-upbit-1"
        # Upbit never lets an identifier be reused: the retry is refused
        with pytest.raises(ccxt.ExchangeError):
            await ex.create_order(
                "BTC/KRW", "limit", "buy", 0.001, price, {"identifier": "lost-upbit-1"}
            )
    finally:
        await ex.close()


async def test_dropped_response_futures_market_order_filled(sim: SimExchange) -> None:
    ex = futures_client(sim, timeout=2000)
    try:
        await ex.load_markets()
        sim.faults.drop_response("binance_futures")
        with pytest.raises(ccxt.NetworkError):
            await ex.create_order(
                "BTC/USDT:USDT", "market", "buy", 0.002, None, {"newClientOrderId": "lost-fut-1"}
            )
        found = await ex.fetch_order(None, "BTC/USDT:USDT", {"origClientOrderId": "lost-fut-1"})
        assert found["status"] == "closed" and found["filled"] == 0.002
        positions = await ex.fetch_positions(["BTC/USDT:USDT"])
        assert [p["contracts"] for p in positions] == [0.002]
    finally:
        await ex.close()


async def _raw_get(url: str) -> bytes:
    """One GET on a plain socket: everything the server sends before it closes."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        head = f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode())
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()


async def test_response_faults_over_http_admin(sim: SimExchange) -> None:
    base = sim.urls["BINANCE_REST_URL"]
    ping = base + "/api/v3/ping"
    async with aiohttp.ClientSession() as http:

        async def post(cmd: dict[str, Any]) -> tuple[int, Any]:
            async with http.post(base + "/__sim/faults", json=cmd) as resp:
                return resp.status, await resp.json()

        # (a raw socket: aiohttp would silently retry a GET once after a disconnect)
        assert (await post({"action": "drop_response", "venue": "binance"}))[0] == 200
        assert await _raw_get(ping) == b""  # handled, then closed without a byte
        assert (await _raw_get(ping)).startswith(b"HTTP/1.1 200")
        cmd = {"action": "rest_delay", "venue": "binance", "seconds": 0.3, "after_handling": True}
        assert (await post(cmd))[0] == 200
        started = time.monotonic()
        async with http.get(ping) as resp:
            assert resp.status == 200 and await resp.json() == {}
        assert time.monotonic() - started >= 0.3
        status, body = await post({"action": "rest_delay", "venue": "binance", "seconds": -1})
        assert status == 400 and "seconds" in body["error"]
        status, body = await post({"action": "drop_response", "venue": "binance", "bogus": 1})
        assert status == 400
        status, body = await post({"action": "rest_error", "venue": "binance", "status": "503"})
        assert status == 400 and "status" in body["error"]
        status, body = await post({"action": "drop_response", "venue": "binance", "count": 0})
        assert status == 400 and "count" in body["error"]
        assert sim.faults.state()["binance"]["rest_faults"] == []
