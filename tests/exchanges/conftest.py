"""Fixtures for the market-data end-to-end tests: the simulator and a manager pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.events import EventBus, Subscription
from core.symbols import Venue
from exchanges.candle_service import CandleConfig
from exchanges.fallback import FallbackConfig
from exchanges.manager import MarketDataConfig, MarketDataManager
from peers.exchange_sim.server import SimExchange

SPEED = 30.0  # one market minute every two real seconds
# The simulated Upbit venue (and Bithumb, the same machinery) spends ~3 ms of CPU per trade (each trade frame recomputes 24 h
# figures) and ~2 s on the first subscription, so it runs slower and we allow more silence.
UPBIT_SPEED = 15.0


class SimTime:
    """Our `Clock` running on the simulator's virtual time (all our timings in market seconds)."""

    def __init__(self, sim: SimExchange) -> None:
        self._clock = sim.clock
        self._speed = sim.clock.speed

    def now(self) -> float:
        return self._clock.now()

    def monotonic(self) -> float:
        return self._clock.now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self._speed)


def make_config(sim: SimExchange, venues: tuple[Venue, ...], **overrides: Any) -> MarketDataConfig:
    speed = sim.clock.speed
    urls = {k.lower(): v for k, v in sim.urls.items() if k.lower().endswith("_url")}
    urls.pop("fx_rate_url", None)
    values: dict[str, Any] = {
        "venues": venues,
        "stale_after": 60.0 if speed < SPEED else 30.0,
        "symbol_stale_after": None,
        "max_lag": 300.0,  # market seconds: the simulator runs fast, our load must not count
        "backoff_initial": 3.0,
        "backoff_max": 15.0,
        "healthy_after": 30.0,
        "no_data_alert_after": 3600.0,
        "warmup": 5,
        "rest_interval": {v: 0.15 * speed for v in Venue},
        "runner_overrides": {"ping_interval": None, "check_interval": 1.0, "send_interval": 0.5},
        "fallback": FallbackConfig(activate_after=10.0, interval=10.0, check_interval=1.0),
        "candles": CandleConfig(timeframes=("5m",), grace=3.0, tick_interval=1.0),
    }
    values = {**urls, **values, **overrides}
    return MarketDataConfig(**values)


@dataclass
class Running:
    sim: SimExchange
    manager: MarketDataManager
    bus: EventBus
    events: Subscription


@pytest.fixture
async def fast_sim(request: pytest.FixtureRequest) -> AsyncIterator[SimExchange]:
    params = getattr(request.node, "callspec", None)
    venue = params.params.get("venue") if params is not None else None
    speed = UPBIT_SPEED if venue in (Venue.UPBIT, Venue.BITHUMB) else SPEED
    async with SimExchange(seed=7, speed=speed, tick_interval=0.02) as sim:
        # The simulator synthesises each market's history on first use (seconds of CPU on the
        # shared event loop); do it before our streams start so it is not mistaken for silence.
        for venue_key in ("upbit", "binance", "binance_futures", "bithumb"):
            for spec in sim.market.markets(venue_key):
                sim.market.ticker_24h(venue_key, spec.market)
        yield sim


@pytest.fixture
async def start_md(
    fast_sim: SimExchange,
) -> AsyncIterator[Callable[..., Awaitable[Running]]]:
    tasks: list[asyncio.Task[None]] = []

    async def start(venues: tuple[Venue, ...], instruments: list[Any], **kw: Any) -> Running:
        bus = EventBus()
        events = bus.subscribe("test", object, conflate=False)
        manager = MarketDataManager(make_config(fast_sim, venues, **kw), bus, SimTime(fast_sim))
        manager.subscribe_symbols(instruments)
        tasks.append(asyncio.create_task(manager.run(), name="md-under-test"))
        await asyncio.wait_for(manager.ready.wait(), 10)
        return Running(fast_sim, manager, bus, events)

    yield start
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
