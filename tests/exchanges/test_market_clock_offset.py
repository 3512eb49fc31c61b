"""Issue 12: market data judges a stream's lag on the venue's clock for Upbit and in paper mode.

Before, only the live Binance brokers measured the venue's clock (`run_time_sync`), so Upbit
(no time endpoint, no signed timestamps) and every venue in paper mode were judged on the host
clock: a host clock ahead of the venue made a punctual stream "delayed" and refused entries. Here
market data runs alone, with no broker and no time sync, as in paper mode; the simulator's venue
clock runs `OFFSET` s behind ours: its stamps, Binance's `/api/v3/time` and Upbit's `Date` header
agree with each other, not with this host.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from core.clock import SystemClock
from core.events import EventBus
from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataConfig, MarketDataManager
from exchanges.server_clock import offset_from
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually

OFFSET = 3.0  # s our clock is ahead of the venue's
MAX_LAG = 1.5


@contextlib.asynccontextmanager
async def market_data_alone(venue: Venue) -> AsyncIterator[MarketDataManager]:
    async with SimExchange(seed=7, tick_interval=0.02, start=time.time() - OFFSET) as sim:
        sim.faults.clock_skew("binance", int(-OFFSET * 1000))
        sim.keys.set("upbit", clock_ms=int(-OFFSET * 1000))
        sim.keys.set("bithumb", clock_ms=int(-OFFSET * 1000))
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        config = MarketDataConfig(**urls, venues=(venue,), warmup=2, max_lag=MAX_LAG)
        krw = venue in (Venue.UPBIT, Venue.BITHUMB)
        md = MarketDataManager(config, EventBus(), SystemClock())
        md.subscribe_symbols([Instrument(venue, Symbol("BTC", "KRW" if krw else "USDT"))])
        task = asyncio.create_task(md.run(), name="market-data")
        try:
            await eventually(lambda: md.feeds and md.feeds[venue].runners, 30)
            yield md
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _punctual_on_the_venue_clock(md: MarketDataManager, venue: Venue) -> None:
    pipeline = md.feeds[venue].pipeline
    await eventually(lambda: abs(pipeline.clock_offset - OFFSET) < 1.0, 30)
    await eventually(lambda: not md.is_stale(venue), 30)
    await asyncio.sleep(1.0)  # more frames, each measured: still punctual
    for runner in md.feeds[venue].runners:
        lag = runner.handler.lag_behind()
        assert lag is None or lag < MAX_LAG, lag
        assert runner.delayed is None
    assert not md.is_stale(venue)


async def test_upbit_lag_is_judged_on_upbit_clock_from_its_date_header() -> None:
    async with market_data_alone(Venue.UPBIT) as md:
        await _punctual_on_the_venue_clock(md, Venue.UPBIT)


async def test_bithumb_lag_is_judged_on_bithumb_clock_from_its_date_header() -> None:
    async with market_data_alone(Venue.BITHUMB) as md:
        await _punctual_on_the_venue_clock(md, Venue.BITHUMB)


async def test_paper_mode_binance_lag_is_judged_on_binance_clock_without_a_broker() -> None:
    async with market_data_alone(Venue.BINANCE_SPOT) as md:
        await _punctual_on_the_venue_clock(md, Venue.BINANCE_SPOT)


def test_offsets_from_real_answers() -> None:
    # Binance's documented `GET /api/v3/time` answer; Upbit's Date header (whole seconds).
    body = b'{"serverTime": 1499827319559}'
    assert abs(offset_from(Venue.BINANCE_SPOT, 1499827322.0, 1499827322.2, body, {}) - 2.541) < 1e-6
    date = {"Date": "Wed, 12 Jul 2017 02:41:59 GMT"}  # 1499827319
    assert offset_from(Venue.UPBIT, 1499827322.4, 1499827322.6, b"", date) == 3.0
    # within what a whole-second header can tell: no offset
    assert offset_from(Venue.UPBIT, 1499827319.6, 1499827319.8, b"", date) == 0.0
    assert offset_from(Venue.UPBIT, 0.0, 0.1, b"", {}) is None
    assert offset_from(Venue.BITHUMB, 1499827322.4, 1499827322.6, body, date) == 3.0
    assert offset_from(Venue.BINANCE_SPOT, 0.0, 0.1, b"<html>", {}) is None
