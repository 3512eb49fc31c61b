"""Fill -> fill notification latency, private stream up vs polling only (part of `orders`).

A resting Binance spot limit buy (0.5 % under the market) is filled by moving the simulator's
market 2 % down through it (its admin API); the clock runs from that request to the service's
ORDER_FILLED notification. The service runs as in production: the real order tracker with its
default polling (0.25 s after activity, backing off to 5 s), the real spot WebSocket-API user
stream as the doorbell in one mode, none in the other. The gap between placing and filling
varies (0.5-3 s) so polling is met at every phase of its back-off.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

GAPS = (0.5, 1.0, 1.7, 2.4, 3.0)


async def fill_latency(env: dict[str, str], n: int) -> dict[str, list[float]]:
    """Latencies (ms) per mode: "private stream", "polling only", and (stream mode) when the
    stream's first event arrived ("stream event")."""
    out: dict[str, list[float]] = {}
    out["private stream"], out["  stream event"] = await _run_mode(env, n, stream=True)
    out["polling only"], _ = await _run_mode(env, n, stream=False)
    return out


async def _run_mode(
    env: dict[str, str], n: int, *, stream: bool
) -> tuple[list[float], list[float]]:
    import aiohttp

    from core.clock import SystemClock
    from core.events import EventBus
    from core.market import Quote, Side
    from core.notifications import Notification, NotificationKind
    from core.orders import OrderRequest, OrderType
    from core.private_streams import PrivateStreamBoard
    from core.storage import Database
    from core.symbols import Instrument, Symbol, Venue
    from exchanges.brokers import BinanceSpotBroker, make_exchange, run_spot_user_stream
    from trading.executor import OrderService
    from trading.prices import PriceBook
    from trading.risk import RiskLimits, RiskManager
    from trading.store import TradingStore
    from trading.tracker import OrderTracker

    filled_at: list[float] = []
    rung_at: list[float] = []

    def notify(note: Notification) -> None:
        if note.kind is NotificationKind.ORDER_FILLED:
            filled_at.append(time.perf_counter())

    clock = SystemClock()
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    admin = env["BINANCE_REST_URL"] + "/__sim/market"
    lat: list[float] = []
    rung: list[float] = []
    async with aiohttp.ClientSession() as session:
        ex, gate = make_exchange(
            Venue.BINANCE_SPOT, api_key=env["BINANCE_API_KEY"],
            secret=env["BINANCE_API_SECRET"], rest_url=env["BINANCE_REST_URL"],
        )  # fmt: skip
        broker = BinanceSpotBroker(Venue.BINANCE_SPOT, ex, gate, clock)
        prices = PriceBook()
        with tempfile.TemporaryDirectory() as tmp:
            async with Database.open(Path(tmp) / "fills.db") as db:
                risk = RiskManager(RiskLimits(max_order_krw=Decimal(10**12)), clock)
                svc = OrderService(
                    TradingStore(db), risk, {Venue.BINANCE_SPOT: broker}, prices,
                    bus=EventBus(), notify=notify, clock=clock, paper=False,
                )  # fmt: skip
                tracker = OrderTracker(svc, clock)  # production polling intervals

                def on_account(ev: Any) -> None:
                    rung_at.append(time.perf_counter())
                    tracker.on_account(ev)

                await broker.start()
                await svc.load()
                board = PrivateStreamBoard()
                tasks = [
                    asyncio.create_task(tracker.run_updates()),
                    asyncio.create_task(tracker.run_polling()),
                ]
                if stream:
                    url = env["BINANCE_WS_API_URL"]
                    tasks.append(
                        asyncio.create_task(
                            run_spot_user_stream(broker, url, on_account, board.report)
                        )
                    )
                    while not ((st := board.get(Venue.BINANCE_SPOT)) and st.up):
                        await asyncio.sleep(0.05)
                try:
                    for i in range(n):
                        mid = float(await broker.last_price(inst.symbol))
                        now = time.time()
                        prices.on_event(Quote(inst, mid, 1, mid + 0.01, 1, int(now * 1000), now))
                        usdt = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))
                        prices.on_event(Quote(usdt, 1400, 1, 1400.5, 1, int(now * 1000), now))
                        price = Decimal(str(round(mid * 0.995, 2)))
                        req = OrderRequest(
                            inst, Side.BUY, OrderType.LIMIT, qty=Decimal("0.0002"), price=price
                        )
                        res = await svc.submit(req)
                        if not res.accepted:
                            print(f"  order refused: {res.reason}", flush=True)
                            continue
                        await asyncio.sleep(GAPS[i % len(GAPS)])
                        filled_at.clear()
                        rung_at.clear()
                        t0 = time.perf_counter()
                        await _market(session, admin, "set_price", usdt_price=mid * 0.98)
                        deadline = t0 + 15
                        while not filled_at and time.perf_counter() < deadline:
                            await asyncio.sleep(0.002)
                        if not filled_at:
                            print("  no fill notification within 15 s", flush=True)
                        else:
                            lat.append((filled_at[0] - t0) * 1000)
                            if rung_at:
                                rung.append((rung_at[0] - t0) * 1000)
                        await _market(session, admin, "set_price", usdt_price=mid)
                        await asyncio.sleep(0.3)
                finally:
                    for t in tasks:
                        t.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    await broker.close()
    return lat, rung


async def _market(session: Any, url: str, action: str, **args: float) -> None:
    async with session.post(url, json={"action": action, "base": "BTC", **args}) as resp:
        await resp.read()


def report(results: dict[str, list[float]], n: int) -> None:
    print(
        "fill at the venue -> ORDER_FILLED notification (Binance spot, resting limit filled by "
        "a market move; default polling 0.25-5 s):",
        flush=True,
    )
    for mode, lat in results.items():
        if not lat:
            print(f"  {mode:<15} no samples", flush=True)
            continue
        ordered = sorted(lat)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"  {mode:<15} n={len(lat)}/{n}: p50 {statistics.median(ordered):.1f} ms, "
            f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms",
            flush=True,
        )
