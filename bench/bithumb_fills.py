"""Bithumb fill latency: from the venue filling a resting order to our fill notification.

`bench/upbit_fills.py` for Bithumb: the live `BithumbBroker`, `OrderService` and the
`OrderTracker` with the app's polling intervals against the exchange simulator in its own
process; each round rests a limit buy under the market, waits a few seconds (polling has slowed
down by then, as when nothing moves), moves the market through it over the admin route and
times the fill notification. Twice: with the private WebSocket v2 (`myOrder` rings the
tracker) and with polling alone.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.upbit_fills import _SIM_SCRIPT


def main(quick: bool = False) -> None:
    asyncio.run(run(6 if quick else 20))


async def run(n: int) -> None:
    for stream in (True, False):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _SIM_SCRIPT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdin is not None
        try:
            env = json.loads(await proc.stdout.readline())
            lat, missed = await _rounds(env, n, stream)
        finally:
            proc.stdin.close()
            await proc.wait()
        how = "private stream v2" if stream else "polling only"
        if not lat:
            print(f"bithumb fills ({how}): no samples, {missed} missed", flush=True)
            continue
        ordered = sorted(lat)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"venue fill -> fill notification, Bithumb, {how}, n={len(lat)}, missed={missed}: "
            f"p50 {statistics.median(ordered):.0f} ms, p99 {p99:.0f} ms, max {ordered[-1]:.0f} ms",
            flush=True,
        )


async def _rounds(env: dict[str, str], n: int, stream: bool) -> tuple[list[float], int]:
    import aiohttp

    from core.clock import SystemClock
    from core.events import EventBus
    from core.market import Quote, Side
    from core.notifications import Notification, NotificationKind
    from core.orders import OrderRequest, OrderType
    from core.storage import Database
    from core.symbols import Instrument, Symbol, Venue
    from exchanges.brokers import (
        BithumbBroker,
        bithumb_private_runner,
        bithumb_private_state,
        make_exchange,
    )
    from trading.executor import OrderService
    from trading.prices import PriceBook
    from trading.risk import RiskLimits, RiskManager
    from trading.store import TradingStore
    from trading.tracker import OrderTracker

    clock = SystemClock()
    inst = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))
    filled: list[float] = []

    def notify(note: Notification) -> None:
        if note.kind is NotificationKind.ORDER_FILLED:
            filled.append(time.perf_counter())

    keys = (env["BITHUMB_ACCESS_KEY"], env["BITHUMB_SECRET_KEY"])
    ex, gate = make_exchange(
        Venue.BITHUMB, api_key=keys[0], secret=keys[1], rest_url=env["BITHUMB_REST_URL"]
    )
    broker = BithumbBroker(Venue.BITHUMB, ex, gate, clock)
    prices = PriceBook()
    lat: list[float] = []
    missed = 0
    admin = env["BITHUMB_REST_URL"].rstrip("/") + "/__sim/market"
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "bench.db") as db, aiohttp.ClientSession() as http:
            risk = RiskManager(
                RiskLimits(max_order_krw=Decimal(10**12), max_position_pct=Decimal(100)), clock
            )
            svc = OrderService(
                TradingStore(db), risk, {Venue.BITHUMB: broker}, prices, bus=EventBus(),
                notify=notify, clock=clock, paper=False,
            )  # fmt: skip
            tracker = OrderTracker(svc, clock)  # the app's polling intervals
            await broker.start()
            await svc.load()
            tasks: list[asyncio.Task[Any]] = [asyncio.create_task(tracker.run_updates())]
            tasks.append(asyncio.create_task(tracker.run_polling()))
            if stream:
                state = bithumb_private_state()
                url = env["BITHUMB_PRIVATE_WS_URL"]
                runner = bithumb_private_runner(url, keys, tracker.on_account, state)
                tasks.append(asyncio.create_task(runner.run()))
                deadline = time.monotonic() + 10
                while not state.up and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            try:
                for _ in range(n):
                    book_url = env["BITHUMB_REST_URL"] + "/v1/orderbook?markets=KRW-BTC"
                    async with http.get(book_url) as reply:
                        raw = await reply.json()
                    bid = Decimal(str(raw[0]["orderbook_units"][0]["bid_price"]))
                    now = time.time()
                    prices.on_event(Quote(inst, float(bid), 1, float(bid), 1, int(now * 1e3), now))
                    price = (bid * Decimal("0.98")).quantize(Decimal(1000))  # on the KRW grid
                    req = OrderRequest(inst, Side.BUY, OrderType.LIMIT, qty=Decimal("0.001"),
                                       price=price)  # fmt: skip
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


if __name__ == "__main__":
    main()
