"""Depth for the kimp executable premium against the simulator: the coins asked about are
streamed from then on (Upbit `orderbook` with 15 units, Binance `@depth20@100ms`), so the next
question walks streamed books without a REST read; a stale stream falls back to REST."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from core.clock import SystemClock
from core.symbols import Symbol, Venue
from exchanges.binance.depth_stream import parse_binance_depth_frame
from exchanges.depth import DepthClient
from exchanges.upbit.depth_stream import UNITS, parse_upbit_depth_frame
from peers.exchange_sim.server import SimExchange
from tests.contract.corpus import RECV, load
from tests.helpers import eventually


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=5, tick_interval=0.05) as exchange:
        yield exchange


async def test_asked_coins_are_streamed_then_read_without_rest(sim: SimExchange) -> None:
    clock = SystemClock()
    async with aiohttp.ClientSession() as session:
        depth = DepthClient(
            sim.urls["UPBIT_REST_URL"], sim.urls["BINANCE_REST_URL"], clock, session,
            upbit_ws=sim.urls["UPBIT_WS_URL"], binance_ws=sim.urls["BINANCE_WS_URL"],
        )  # fmt: skip
        runners = depth.runners(clock)
        tasks = [asyncio.create_task(depth.run_when_asked(r)()) for r in runners]
        try:
            await asyncio.sleep(0.3)
            assert all(r.frames == 0 and r.connected_at is None for r in runners)  # not asked
            books = await depth.fetch(["DOGE"])  # not streamed yet: Upbit once, Binance once
            assert depth.rest_reads == 2 and len(books) == 3
            legs = [(Venue.UPBIT, "DOGE"), (Venue.UPBIT, "USDT"), (Venue.BINANCE_SPOT, "DOGE")]
            await eventually(lambda: all(depth.streamed.get(k) for k in legs))
            books = await depth.fetch(["DOGE"])
            assert depth.rest_reads == 2  # every book came from the streams
            by_leg = {(b.instrument.venue, b.instrument.symbol.base): b for b in books}
            assert by_leg.keys() == set(legs)
            assert len(by_leg[(Venue.UPBIT, "DOGE")].asks) == UNITS
            assert len(by_leg[(Venue.BINANCE_SPOT, "DOGE")].bids) == 20
            # A coin no longer asked about leaves the streams (the headline coins stay).
            depth.watch(["SOL"])
            assert (Venue.UPBIT, "DOGE") not in depth.streamed
            assert depth.upbit_stream is not None and "KRW-BTC" in depth.upbit_stream.codes
            # Streams older than max_age are not used: REST again.
            depth.max_age = 0.0
            await depth.fetch(["BTC"])
            assert depth.rest_reads == 4
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def test_real_frames() -> None:
    """The venues' documented frames through the depth stream parsers."""
    up = parse_upbit_depth_frame(load("upbit", "ws_orderbook.json"), RECV)
    assert up is not None and up.instrument.symbol.base == "ETH"
    assert up.asks[0] == (137002000.0, 0.10623869) and up.bids[0] == (137001000.0, 0.03656812)
    assert up.ts_ms == 1746601573804
    data = load("binance_spot", "depth_ws_partial_book.json")
    frame = {"stream": "bnbbtc@depth20@100ms", "data": data}
    bn = parse_binance_depth_frame(frame, {"bnbbtc": Symbol("BNB", "BTC")}, RECV)
    assert bn is not None
    assert bn.bids == ((0.0024, 10.0),) and bn.asks == ((0.0026, 100.0),)
    assert parse_binance_depth_frame({"result": None, "id": 1}, {}, RECV) is None
