"""Fill latency on a KRW venue: from the venue filling a resting order to our fill notification.

The real order path (the venue's live broker, `OrderService`, the `OrderTracker` with the app's
polling intervals) against the exchange simulator in its own process. Each round places a limit
buy just under the market, waits a few seconds (so polling has slowed down, as it does when
nothing moves), then moves the market through it over the simulator's admin route; the clock
runs from the admin answer to the fill notification. Twice: with the venue's private stream
(`myOrder` rings the tracker) and with polling alone (the stream down). What differs per venue
(broker, stream, how the order is priced) is a `FillsVenue` (`bench/upbit_fills.py`,
`bench/bithumb_fills.py`).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

_SIM_SCRIPT = """
import asyncio, json, sys
from peers.exchange_sim.server import SimExchange
async def main():
    async with SimExchange(seed=5, tick_interval=0.05) as sim:
        print(json.dumps(sim.env()), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"""

Keys = tuple[str, str]


@dataclass(frozen=True, slots=True)
class FillsVenue:
    """One venue's part. `broker(env, keys, clock)` builds its live broker; `stream(env, keys,
    on_account)` its private-stream runner and the state whose `up` says it is connected;
    `order(broker, http, env)` prices one resting buy under the market (also returns the
    reference price the service is told)."""

    venue: str  # core.symbols.Venue value
    name: str  # as printed: "Upbit"
    stream_label: str  # "private stream", "private stream v2"
    broker: Callable[[dict[str, str], Keys, Any], Any]
    stream: Callable[[dict[str, str], Keys, Callable[..., Any]], tuple[Any, Any]]
    order: Callable[[Any, Any, dict[str, str]], Awaitable[tuple[Decimal, Any]]]


async def run(spec: FillsVenue, n: int) -> None:
    for stream in (True, False):
        # A fresh simulator per mode: both start from the same market and account.
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _SIM_SCRIPT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdin is not None
        try:
            env = json.loads(await proc.stdout.readline())
            lat, missed = await _rounds(spec, env, n, stream)
        finally:
            proc.stdin.close()
            await proc.wait()
        how = spec.stream_label if stream else "polling only"
        if not lat:
            print(f"{spec.venue} fills ({how}): no samples, {missed} missed", flush=True)
            continue
        ordered = sorted(lat)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"venue fill -> fill notification, {spec.name}, {how}, n={len(lat)}, "
            f"missed={missed}: p50 {statistics.median(ordered):.0f} ms, p99 {p99:.0f} ms, "
            f"max {ordered[-1]:.0f} ms",
            flush=True,
        )


async def _rounds(
    spec: FillsVenue, env: dict[str, str], n: int, stream: bool
) -> tuple[list[float], int]:
    import aiohttp

    from core.clock import SystemClock
    from core.events import EventBus
    from core.market import Quote
    from core.notifications import Notification, NotificationKind
    from core.storage import Database
    from core.symbols import Instrument, Symbol, Venue
    from trading.executor import OrderService
    from trading.prices import PriceBook
    from trading.risk import RiskLimits, RiskManager
    from trading.store import TradingStore
    from trading.tracker import OrderTracker

    clock = SystemClock()
    venue = Venue(spec.venue)
    inst = Instrument(venue, Symbol("BTC", "KRW"))
    filled: list[float] = []

    def notify(note: Notification) -> None:
        if note.kind is NotificationKind.ORDER_FILLED:
            filled.append(time.perf_counter())

    prefix = venue.name.upper()
    keys = (env[f"{prefix}_ACCESS_KEY"], env[f"{prefix}_SECRET_KEY"])
    broker = spec.broker(env, keys, clock)
    prices = PriceBook()
    lat: list[float] = []
    missed = 0
    admin = env[f"{prefix}_REST_URL"].rstrip("/") + "/__sim/market"
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "bench.db") as db, aiohttp.ClientSession() as http:
            risk = RiskManager(
                RiskLimits(max_order_krw=Decimal(10**12), max_position_pct=Decimal(100)), clock
            )
            svc = OrderService(
                TradingStore(db), risk, {venue: broker}, prices, bus=EventBus(),
                notify=notify, clock=clock, paper=False,
            )  # fmt: skip
            tracker = OrderTracker(svc, clock)  # the app's polling intervals
            await broker.start()
            await svc.load()
            tasks: list[asyncio.Task[Any]] = [asyncio.create_task(tracker.run_updates())]
            tasks.append(asyncio.create_task(tracker.run_polling()))
            if stream:
                runner, state = spec.stream(env, keys, tracker.on_account)
                tasks.append(asyncio.create_task(runner.run()))
                deadline = time.monotonic() + 10
                while not state.up and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            try:
                for _ in range(n):
                    ref, req = await spec.order(broker, http, env)
                    now = time.time()
                    prices.on_event(Quote(inst, float(ref), 1, float(ref), 1, int(now * 1e3), now))
                    res = await svc.submit(req)
                    if not res.accepted or res.order is None:
                        missed += 1
                        continue
                    await asyncio.sleep(random.uniform(2.0, 6.0))
                    filled.clear()
                    body = {"action": "jump", "base": "BTC", "pct": -5.0}
                    async with http.post(admin, json=body) as reply:
                        reply.raise_for_status()
                    t0 = time.perf_counter()
                    deadline = time.monotonic() + 15
                    while not filled and time.monotonic() < deadline:
                        await asyncio.sleep(0.005)
                    if filled:
                        lat.append((filled[0] - t0) * 1000)
                    else:
                        missed += 1
                        await svc.cancel(res.order.client_id)
                    await http.post(admin, json={**body, "pct": 5.0})
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await broker.close()
    return lat, missed
