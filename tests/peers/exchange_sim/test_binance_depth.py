"""Binance diff depth streams: U/u (and futures pu) continuity against REST `lastUpdateId`,
a local book kept from snapshot + diffs equal to the venue's, and ccxt.pro watch_order_book.

The simulator runs at speed 0 here and the tests move the market with `sim.advance`, so the
book can be compared with REST at exactly the update id of the last diff.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect

from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.binance_helpers import futures_client, spot_client

SPOT_KEYS = {"e", "E", "s", "U", "u", "b", "a"}
FUTURES_KEYS = SPOT_KEYS | {"T", "pu"}


@pytest.fixture
async def still() -> AsyncIterator[SimExchange]:
    """A simulator whose market moves only when the test says so."""
    async with SimExchange(seed=5, speed=0.0, tick_interval=0.02) as sim:
        yield sim


async def _recv(ws: ClientConnection, timeout: float = 5.0) -> Any:
    return orjson.loads(await asyncio.wait_for(ws.recv(), timeout))


async def _rest_depth(sim: SimExchange, futures: bool) -> dict[str, Any]:
    base = sim.urls["BINANCE_FUTURES_REST_URL" if futures else "BINANCE_REST_URL"]
    path = "/fapi/v1/depth" if futures else "/api/v3/depth"
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{base}{path}?symbol=BTCUSDT&limit=1000") as resp,
    ):
        assert resp.status == 200
        return dict(await resp.json())


class LocalBook:
    """Binance's "how to manage a local order book" recipe, as a client would write it."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.last = int(snapshot["lastUpdateId"])
        self.bids = {p: q for p, q in snapshot["bids"]}
        self.asks = {p: q for p, q in snapshot["asks"]}

    def apply(self, event: dict[str, Any], futures: bool) -> bool:
        """Apply a diff; False if it is older than the book. Raises on a gap."""
        if event["u"] <= self.last:
            return False
        if futures:
            assert event["pu"] == self.last or event["U"] <= self.last <= event["u"]
        else:
            assert event["U"] <= self.last + 1 <= event["u"], "gap in the diff stream"
        for side, levels in ((self.bids, event["b"]), (self.asks, event["a"])):
            for price, qty in levels:
                if float(qty) == 0:
                    side.pop(price, None)
                else:
                    side[price] = qty
        self.last = event["u"]
        return True

    def top(self, n: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        bids = sorted(((float(p), float(q)) for p, q in self.bids.items()), reverse=True)
        asks = sorted((float(p), float(q)) for p, q in self.asks.items())
        return bids[:n], asks[:n]


def _levels(rows: list[list[str]]) -> list[tuple[float, float]]:
    return [(float(p), float(q)) for p, q in rows]


@pytest.mark.parametrize("futures", [False, True], ids=["spot", "futures"])
async def test_diffs_rebuild_the_rest_book_exactly(still: SimExchange, futures: bool) -> None:
    sim = still
    if futures:
        url = sim.urls["BINANCE_FUTURES_WS_URL"] + "/public/ws/btcusdt@depth@100ms"
    else:
        url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@depth@100ms"
    async with connect(url) as ws:
        await asyncio.sleep(0.05)
        book = LocalBook(await _rest_depth(sim, futures))
        previous: dict[str, Any] | None = None
        removed = 0
        for i in range(6):
            if i == 3:
                sim.market.jump("BTC", 0.5)  # levels leave the book: quantity "0" entries
            sim.advance(1.0)
            event = await _recv(ws)
            assert set(event) == (FUTURES_KEYS if futures else SPOT_KEYS)
            assert event["e"] == "depthUpdate" and event["s"] == "BTCUSDT"
            if previous is not None:
                assert event["U"] == previous["u"] + 1
                if futures:
                    assert event["pu"] == previous["u"]
            previous = event
            removed += sum(1 for _, q in event["b"] + event["a"] if float(q) == 0)
            assert book.apply(event, futures)
            rest = await _rest_depth(sim, futures)
            assert rest["lastUpdateId"] == event["u"]
            assert book.top(100) == (_levels(rest["bids"]), _levels(rest["asks"]))
        assert removed > 0


async def test_snapshot_taken_between_diffs_and_combined_names(still: SimExchange) -> None:
    sim = still
    url = sim.urls["BINANCE_WS_URL"] + "/stream?streams=btcusdt@depth@100ms/ethusdt@depth"
    async with connect(url) as ws:
        await asyncio.sleep(0.05)
        sim.advance(1.0)
        first = [await _recv(ws), await _recv(ws)]
        assert {m["stream"] for m in first} == {"btcusdt@depth@100ms", "ethusdt@depth"}
        snapshot = await _rest_depth(sim, False)  # after the first diff, before the next
        sim.advance(1.0)
        later = [await _recv(ws), await _recv(ws)]
        btc = next(m["data"] for m in later if m["stream"].startswith("btc"))
        # the recipe's first-event rule holds for a snapshot taken at any point
        assert btc["U"] <= snapshot["lastUpdateId"] + 1 <= btc["u"]
        book = LocalBook(snapshot)
        assert book.apply(btc, futures=False)


async def test_unknown_depth_names_are_refused(sim: SimExchange) -> None:
    async with connect(sim.urls["BINANCE_WS_URL"] + "/ws") as ws:
        for i, name in enumerate(["btcusdt@depth7", "btcusdt@depth@3ms", "nope@depth"]):
            await ws.send(orjson.dumps({"method": "SUBSCRIBE", "params": [name], "id": i}))
            reply = await _recv(ws)
            assert reply["id"] == i and reply["error"]["code"] == 2


@pytest.mark.parametrize("futures", [False, True], ids=["spot", "futures"])
async def test_ccxt_pro_watch_order_book(still: SimExchange, futures: bool) -> None:
    sim = still
    ex = futures_client(sim, pro=True) if futures else spot_client(sim, pro=True)
    symbol = "BTC/USDT:USDT" if futures else "BTC/USDT"
    try:
        await ex.load_markets()
        book = await asyncio.wait_for(ex.watch_order_book(symbol), 10)  # snapshot
        for _ in range(3):
            sim.advance(1.0)
            book = await asyncio.wait_for(ex.watch_order_book(symbol), 10)
        rest = await _rest_depth(sim, futures)
        assert book["nonce"] == rest["lastUpdateId"]
        assert [tuple(x) for x in book["bids"]] == _levels(rest["bids"])
        assert [tuple(x) for x in book["asks"]] == _levels(rest["asks"])
    finally:
        await ex.close()
