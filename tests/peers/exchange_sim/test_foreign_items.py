"""The simulator's all-market arrays carry what the real ones do (issue 13, problem 1): other
quote assets, a non-ASCII name, dated and COIN-M contracts, in arbitrary order; a fault switch
leaves them out. The service's decoder takes every simulated market from them."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from websockets.asyncio.client import connect

from core.market import MarkPrice
from core.symbols import Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.binance.parse import BinanceDecoder
from peers.exchange_sim.server import SimExchange


async def mark_arrays(sim: SimExchange, count: int) -> list[bytes]:
    sim.binance_futures.publisher.ticker_period = 0.05
    base = sim.urls["BINANCE_FUTURES_WS_URL"]
    frames: list[bytes] = []
    async with connect(f"{base}/market/stream?streams=!markPrice@arr@1s") as ws:
        while len(frames) < count:
            frame = await asyncio.wait_for(ws.recv(), 10)
            frames.append(frame if isinstance(frame, bytes) else frame.encode())
    return frames


def items(frame: bytes) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = orjson.loads(frame)["data"]
    return data


async def test_futures_mark_arrays_hold_foreign_contracts_in_arbitrary_order(
    sim: SimExchange,
) -> None:
    frames = await mark_arrays(sim, 6)
    ours = set(sim.binance_futures.rules)
    orders = set()
    for frame in frames:
        by_symbol = {i["s"]: i for i in items(frame)}
        assert ours <= set(by_symbol)
        assert {"BTCUSDT_261225", "BTCUSD_PERP", "币安人生USDT"} <= set(by_symbol)
        assert (by_symbol["BTCUSDT_261225"]["r"], by_symbol["BTCUSDT_261225"]["T"]) == ("", 0)
        orders.add(tuple(i["s"] for i in items(frame)))
    assert len(orders) > 1  # not one fixed order

    # the service's decoder: every simulated perpetual's mark price, nothing counted as bad
    out: list[MarketEvent] = []
    bad = BadInput("futures")
    dec = BinanceDecoder(Venue.BINANCE_FUTURES, bad, out.append)
    for frame in frames:
        assert dec.decode(frame, 1.0)
    marks = {e.instrument.symbol.to_binance() for e in out if isinstance(e, MarkPrice)}
    assert ours <= marks and bad.total == 0
    assert {"BTCUSDT_261225", "BTCUSD_PERP"} <= bad.foreign


async def test_the_switch_leaves_foreign_markets_out(sim: SimExchange) -> None:
    sim.faults.foreign_items("binance_futures", False)
    assert sim.faults.state()["binance_futures"]["foreign_items"] is False
    for frame in await mark_arrays(sim, 2):
        assert {i["s"] for i in items(frame)} == set(sim.binance_futures.rules)
