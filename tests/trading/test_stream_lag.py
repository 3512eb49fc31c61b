"""Issue 12 item 11a: a stream whose frames arrive late is "delayed", not "live".

The simulator holds every outgoing batch of frames (`delay_frames`, Binance and Upbit): frames
keep arriving, so the old frame-arrival health said "live", but their event time (Binance `E`,
Upbit `timestamp`) lags the venue's clock. The venue must then read stale, /status must say
delayed, a DEGRADED status must be published with its reason, entries must be refused, and all
of it must clear once the venue catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.i18n import render
from core.clock import SystemClock
from core.events import EventBus
from core.market import Side, StreamState
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from exchanges.manager import MarketDataConfig, MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, trading_env

SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
UP = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
MAX_LAG = 1.5  # s behind the venue's event time before a connection is delayed
HOLD = 3.0  # s the simulator holds each batch of Binance frames


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[SimExchange, MarketDataManager, Env]]:
    async with SimExchange(seed=5, tick_interval=0.02) as sim:
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        bus = EventBus()
        config = MarketDataConfig(
            **urls, venues=(Venue.UPBIT, Venue.BINANCE_SPOT), warmup=2, max_lag=MAX_LAG
        )
        md = MarketDataManager(config, bus, SystemClock())
        md.subscribe_symbols([SPOT, UP])
        task = asyncio.create_task(md.run(), name="market-data")
        try:
            async with trading_env(tmp_path / "t.db", bus=bus) as env:
                env.svc.risk.is_stale = md.is_stale  # as the trading installer wires it
                prices = env.svc.prices
                await eventually(lambda: prices.price(SPOT) and prices.usdt_krw(), 30)
                await eventually(lambda: not md.is_stale(Venue.BINANCE_SPOT), 30)
                await eventually(lambda: not md.is_stale(Venue.UPBIT), 30)
                yield sim, md, env
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _buy(inst: Instrument) -> OrderRequest:
    if inst.venue is Venue.UPBIT:
        return OrderRequest(inst, Side.BUY, OrderType.MARKET, quote_amount=D(100_000))
    return OrderRequest(inst, Side.BUY, OrderType.MARKET, qty=D("0.001"))


def _key(reason: object) -> str | None:
    return reason.key if isinstance(reason, Text) else None


@pytest.mark.parametrize(("key", "inst"), [("binance", SPOT), ("upbit", UP)])
async def test_a_lagging_stream_is_delayed_refuses_entries_and_recovers(
    running: tuple[SimExchange, MarketDataManager, Env], key: str, inst: Instrument
) -> None:
    sim, md, env = running
    venue, other = inst.venue, ({Venue.UPBIT, Venue.BINANCE_SPOT} - {inst.venue}).pop()
    res = await env.svc.submit(_buy(inst))
    assert res.accepted, res.reason

    sim.faults.delay_frames(key, HOLD)
    runner = md.feeds[venue].runners[0]
    await eventually(lambda: md.is_stale(venue), 20)
    # Frames still arrive: by arrival alone the connection is healthy, but it is behind the
    # venue, and everything downstream knows it.
    assert runner.healthy and runner.delayed is not None
    assert not md.is_stale(other)
    status = md.statuses[runner.name]
    assert status.state is StreamState.DEGRADED
    assert _key(status.reason) == "stream.why.delayed"
    assert isinstance(status.reason, Text) and status.reason.params["seconds"] > MAX_LAG
    lines = [render("en", line) for line in await md.status_lines()]
    assert f"{venue.label}: delayed" in lines
    assert any(
        line.strip().startswith(f"{runner.name}: delayed (") and "s behind the venue)" in line
        for line in lines
    ), lines
    res = await env.svc.submit(_buy(inst))
    assert not res.accepted and _key(res.reason) == "reason.stale"

    sim.faults.delay_frames(key, 0)
    await eventually(lambda: not md.is_stale(venue), 20)
    assert runner.delayed is None
    status = md.statuses[runner.name]
    assert status.state is StreamState.RECOVERED and _key(status.reason) == "stream.why.caught_up"
    assert f"{venue.label}: live" in [render("en", line) for line in await md.status_lines()]
    res = await env.svc.submit(_buy(inst))
    assert res.accepted, res.reason
