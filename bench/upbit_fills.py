"""Upbit fill latency: from the venue filling a resting order to our fill notification.

The real order path (live `UpbitBroker`, `OrderService`, the `OrderTracker` with the app's
polling intervals) against the exchange simulator in its own process. Each round places a
limit buy just under the market, waits a few seconds (so polling has slowed down, as it does
when nothing moves), then moves the market through it over the simulator's admin route; the
clock runs from the admin answer to the fill notification. Twice: with the private stream
(`myOrder` rings the tracker) and with polling alone (the stream down).
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

_SIM_SCRIPT = """
import asyncio, json, sys
from peers.exchange_sim.server import SimExchange
async def main():
    async with SimExchange(seed=5, tick_interval=0.05) as sim:
        print(json.dumps(sim.env()), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"""


def main(quick: bool = False) -> None:
    asyncio.run(run(8 if quick else 30))


async def run(n: int) -> None:
    for stream in (True, False):
        # A fresh simulator per mode: both start from the same market and account.
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
        how = "private stream" if stream else "polling only"
        if not lat:
            print(f"upbit fills ({how}): no samples, {missed} missed", flush=True)
            continue
        ordered = sorted(lat)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"venue fill -> fill notification, Upbit, {how}, n={len(lat)}, missed={missed}: "
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
        PrivateStreamState,
        UpbitBroker,
        make_exchange,
        private_stream_runner,
    )
    from trading.executor import OrderService
    from trading.prices import PriceBook
    from trading.risk import RiskLimits, RiskManager
    from trading.store import TradingStore
    from trading.tracker import OrderTracker

    clock = SystemClock()
    inst = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
    filled: list[float] = []

    def notify(note: Notification) -> None:
        if note.kind is NotificationKind.ORDER_FILLED:
            filled.append(time.perf_counter())

    keys = (env["UPBIT_ACCESS_KEY"], env["UPBIT_SECRET_KEY"])
    ex, gate = make_exchange(
        Venue.UPBIT, api_key=keys[0], secret=keys[1], rest_url=env["UPBIT_REST_URL"]
    )
    broker = UpbitBroker(Venue.UPBIT, ex, gate, clock)
    prices = PriceBook()
    lat: list[float] = []
    missed = 0
    admin = env["UPBIT_REST_URL"].rstrip("/") + "/__sim/market"
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "bench.db") as db, aiohttp.ClientSession() as http:
            risk = RiskManager(
                RiskLimits(max_order_krw=Decimal(10**12), max_position_pct=Decimal(100)), clock
            )
            svc = OrderService(
                TradingStore(db), risk, {Venue.UPBIT: broker}, prices, bus=EventBus(),
                notify=notify, clock=clock, paper=False,
            )  # fmt: skip
            tracker = OrderTracker(svc, clock)  # the app's polling intervals
            await broker.start()
            await svc.load()
            tasks = [asyncio.create_task(tracker.run_updates())]
            tasks.append(asyncio.create_task(tracker.run_polling()))
            state = PrivateStreamState()
            if stream:
                runner = private_stream_runner(env["UPBIT_WS_URL"], keys, tracker.on_account, state)
                tasks.append(asyncio.create_task(runner.run()))
                deadline = time.monotonic() + 10
                while not state.up and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            try:
                for _ in range(n):
                    # the best bid, not the last trade: that one can be a dip's, long gone
                    book = await broker.ex.fetch_order_book("BTC/KRW", 1)
                    last = Decimal(str(book["bids"][0][0]))
                    now = time.time()
                    prices.on_event(
                        Quote(inst, float(last), 1, float(last), 1, int(now * 1e3), now)
                    )
                    req = OrderRequest(
                        inst,
                        Side.BUY,
                        OrderType.LIMIT,
                        qty=Decimal("0.0005"),
                        price=last * Decimal("0.98"),
                    )
                    res = await svc.submit(req)
                    if not res.accepted:
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
                        await svc.cancel(res.order.client_id)  # type: ignore[union-attr]
                    await http.post(admin, json={**body, "pct": 5.0})
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await broker.close()
    return lat, missed


if __name__ == "__main__":
    main()
