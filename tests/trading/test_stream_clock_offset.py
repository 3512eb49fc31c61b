"""Issue 12: a stream's lag behind the venue is judged on the venue's clock, not the host's.

The simulator's Binance runs its own clock `OFFSET` s away from ours: its market stamps (`E`,
`T`) and its `/api/v3/time` agree with each other, not with this host. The time sync measures
the offset through the real ccxt broker and hands it to market data, as the trading installer
wires it (`run_time_sync(..., on_offset=manager.set_clock_offset)`). Then a host clock ahead
must not make the stream "delayed", and a host clock behind must not hide a real lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from bot.features.time_sync import run_time_sync
from core.clock import SystemClock
from core.events import EventBus
from core.notifications import Notification
from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataConfig, MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import live_brokers

SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
OFFSET = 3.0  # s between the venue's clock and ours
MAX_LAG = 1.5  # s behind the venue's event time before a connection is delayed


@contextlib.asynccontextmanager
async def venue_clock_off(seconds: float) -> AsyncIterator[tuple[SimExchange, MarketDataManager]]:
    """A simulator whose Binance clock is `seconds` ahead of ours (negative: behind), market data
    streaming from it, and the time sync running against it."""
    async with SimExchange(seed=5, tick_interval=0.02, start=time.time() + seconds) as sim:
        sim.faults.clock_skew("binance", int(seconds * 1000))  # its /time agrees with its stamps
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        config = MarketDataConfig(**urls, venues=(Venue.BINANCE_SPOT,), warmup=2, max_lag=MAX_LAG)
        md = MarketDataManager(config, EventBus(), SystemClock())
        md.subscribe_symbols([SPOT])
        brokers = {Venue.BINANCE_SPOT: live_brokers(sim)[Venue.BINANCE_SPOT]}
        notes: list[Notification] = []
        tasks = [
            asyncio.create_task(md.run(), name="market-data"),
            asyncio.create_task(
                run_time_sync(
                    brokers, SystemClock(), notes.append, every=0.5, on_offset=md.set_clock_offset
                ),
                name="time-sync",
            ),
        ]
        try:
            await eventually(lambda: md.feeds and md.feeds[Venue.BINANCE_SPOT].runners, 30)
            yield sim, md
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for broker in brokers.values():
                await broker.close()


async def test_a_host_clock_ahead_of_the_venue_does_not_make_the_stream_delayed() -> None:
    async with venue_clock_off(-OFFSET) as (_, md):
        runner = md.feeds[Venue.BINANCE_SPOT].runners[0]
        pipeline = md.feeds[Venue.BINANCE_SPOT].pipeline
        await eventually(lambda: abs(pipeline.clock_offset - OFFSET) < 1.0, 30)
        # Every frame's stamp is ~3 s "old" by our clock; on the venue's clock it is fresh.
        await eventually(lambda: runner.handler.lag_behind() is not None, 30)
        await eventually(lambda: not md.is_stale(Venue.BINANCE_SPOT), 30)
        await asyncio.sleep(1.0)  # more frames, each measured: still not delayed
        lag = runner.handler.lag_behind()
        assert lag is not None and lag < MAX_LAG, lag
        assert runner.delayed is None
        assert not md.is_stale(Venue.BINANCE_SPOT)


async def test_a_host_clock_behind_the_venue_does_not_hide_a_real_lag() -> None:
    async with venue_clock_off(OFFSET) as (sim, md):
        runner = md.feeds[Venue.BINANCE_SPOT].runners[0]
        pipeline = md.feeds[Venue.BINANCE_SPOT].pipeline
        await eventually(lambda: abs(pipeline.clock_offset + OFFSET) < 1.0, 30)
        await eventually(lambda: not md.is_stale(Venue.BINANCE_SPOT), 30)
        # Frames held 3 s: by our (3 s slow) clock they would look on time.
        sim.faults.delay_frames("binance", OFFSET)
        await eventually(lambda: runner.delayed is not None, 20)
        assert md.is_stale(Venue.BINANCE_SPOT)
        sim.faults.delay_frames("binance", 0)
        await eventually(lambda: not md.is_stale(Venue.BINANCE_SPOT), 20)
