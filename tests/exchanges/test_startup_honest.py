"""Honest start-up (issue 14): the start-up notice says which venues deliver market data and
which are still being tried, and with no venue reachable it says so and names the offline demo;
a venue whose markets cannot even be listed raises the "no market data" alert like a dead
stream. Against the simulator, its REST answers failing on purpose.

Before: the notice listed every configured venue as streaming, the manager waited for every
venue's listing before streaming any, and the watchdog that sends "no market data" only
started once all were listed (never, without a network).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

import bot.app
from bot.i18n import Messages, render
from core.events import EventBus
from core.market import StreamState, StreamStatus
from core.symbols import Venue
from exchanges.manager import MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.exchanges.conftest import SimTime, make_config
from tests.helpers import eventually

VENUES = (Venue.UPBIT, Venue.BINANCE_SPOT)


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=0.02) as exchange:
        yield exchange


@contextlib.asynccontextmanager
async def running(sim: SimExchange) -> AsyncIterator[tuple[MarketDataManager, list[StreamStatus]]]:
    bus = EventBus()
    sub = bus.subscribe("test", StreamStatus, conflate=False)
    config = make_config(sim, VENUES, no_data_alert_after=3.0, stale_after=5.0)
    manager = MarketDataManager(config, bus, SimTime(sim))
    statuses: list[StreamStatus] = []

    async def collect() -> None:
        while True:
            statuses.append(await sub.get())

    tasks = [asyncio.create_task(manager.run()), asyncio.create_task(collect())]
    try:
        yield manager, statuses
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def no_data_alerts(statuses: list[StreamStatus], venue: Venue) -> list[StreamStatus]:
    return [
        s
        for s in statuses
        if s.venue is venue and s.connection == venue.value and s.state is StreamState.DOWN
    ]


async def test_one_venue_unlisted_the_other_streams_and_the_notice_says_which(
    sim: SimExchange,
) -> None:
    sim.faults.rest_error("upbit", 503, count=1_000_000)
    async with running(sim) as (manager, statuses):
        line = await bot.app._market_data_line(manager, Messages("en"), wait=30.0)
        assert line == "Market data: live from Binance spot; still connecting to Upbit", line
        alerts = await eventually(lambda: no_data_alerts(statuses, Venue.UPBIT), timeout=30)
        assert render("en", alerts[0].reason).startswith("no market data from Upbit for ")
        assert not no_data_alerts(statuses, Venue.BINANCE_SPOT)
        ko = await bot.app._market_data_line(manager, Messages("ko"), wait=0.0)
        assert ko == "시세 수신: 바이낸스 현물 연결됨; 업비트 연결 시도 중", ko


async def test_no_venue_reachable_says_offline_and_names_the_demo(sim: SimExchange) -> None:
    for venue in ("upbit", "binance"):
        sim.faults.rest_error(venue, 503, count=1_000_000)
    async with running(sim) as (manager, statuses):
        line = await bot.app._market_data_line(manager, Messages("en"), wait=1.0)
        assert line.startswith("⚠️ No market data: none of Upbit, Binance spot answered"), line
        assert "./dev run --sim" in line
        for venue in VENUES:
            await eventually(lambda v=venue: no_data_alerts(statuses, v), timeout=30)
