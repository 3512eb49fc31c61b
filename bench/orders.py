"""Order-path latency: from `OrderService.submit()` to the order request on the wire.

Runs the real path (validation, risk, SQLite intent write, ccxt signing, aiohttp) against the
in-process exchange simulator (Binance spot, limit orders far from the market so they rest).
"On the wire" is aiohttp's `on_request_chunk_sent` for the order POST (the body written to the
socket), taken from a trace hook on the session ccxt uses; the venue's own latency is excluded.
The total is split into validation + risk, the SQLite intent write (which must finish before
anything is sent) and ccxt signing + aiohttp up to the body on the socket.

Then `order_fills`: fill at the venue -> fill notification, with the spot private stream (the
WebSocket API user-data subscription) up and with polling only.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

# The simulator runs in its own process so its market ticks do not share our event loop.
_SIM_SCRIPT = """
import asyncio, json, sys
from peers.exchange_sim.server import SimExchange
async def main():
    async with SimExchange(seed=3, tick_interval=0.05) as sim:
        print(json.dumps(sim.env()), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"""


def main(quick: bool = False) -> None:
    asyncio.run(_run(60 if quick else 300, 8 if quick else 25))
    from bench import upbit_fills  # venue fill -> fill notification, stream and polling

    upbit_fills.main(quick)


async def _run(n: int, n_fills: int) -> None:
    import aiohttp

    from core.clock import SystemClock
    from core.events import EventBus
    from core.market import Quote, Side
    from core.orders import OrderRequest, OrderType
    from core.storage import Database
    from core.symbols import Instrument, Symbol, Venue
    from exchanges.brokers import BinanceSpotBroker, make_exchange
    from trading.executor import OrderService
    from trading.prices import PriceBook
    from trading.risk import RiskLimits, RiskManager
    from trading.store import TradingStore

    wire: list[float] = []
    intent: list[tuple[float, float]] = []  # (start, end) of each intent write

    class TimedStore(TradingStore):
        """The real store; the benchmark also times the intent write on its own."""

        async def insert_intent(self, order: Any, **kw: Any) -> None:
            t = time.perf_counter()
            await super().insert_intent(order, **kw)
            intent.append((t, time.perf_counter()))

    async def on_chunk(_s: Any, _ctx: Any, params: Any) -> None:
        wire.append(time.perf_counter())

    async def on_start(_s: Any, _ctx: Any, params: Any) -> None:
        if params.method == "POST" and params.url.path.endswith("/order"):
            _ctx.is_order = True

    trace = aiohttp.TraceConfig()
    trace.on_request_chunk_sent.append(on_chunk)
    clock = SystemClock()
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SIM_SCRIPT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    env = json.loads(await proc.stdout.readline())
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        ex, gate = make_exchange(
            Venue.BINANCE_SPOT, api_key=env["BINANCE_API_KEY"],
            secret=env["BINANCE_API_SECRET"], rest_url=env["BINANCE_REST_URL"], session=session,
        )  # fmt: skip
        broker = BinanceSpotBroker(Venue.BINANCE_SPOT, ex, gate, clock)
        prices, bus = PriceBook(), EventBus()
        with tempfile.TemporaryDirectory() as tmp:
            async with Database.open(Path(tmp) / "bench.db") as db:
                risk = RiskManager(RiskLimits(max_order_krw=Decimal(10**12)), clock)
                svc = OrderService(
                    TimedStore(db), risk, {Venue.BINANCE_SPOT: broker}, prices, bus=bus,
                    notify=lambda _n: None, clock=clock, paper=False,
                )  # fmt: skip
                await broker.start()
                await svc.load()
                mid = float(await broker.last_price(inst.symbol))
                now = time.time()
                prices.on_event(Quote(inst, mid, 1, mid + 0.01, 1, int(now * 1000), now))
                usdt = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))
                prices.on_event(Quote(usdt, 1400, 1, 1400.5, 1, int(now * 1000), now))
                price = Decimal(str(round(mid * 0.5, 2)))
                # The start-up requests above used up ccxt's rate budget: without a pause the
                # first order waits ~15 ms in the limiter (deliberate pacing, not path latency).
                await asyncio.sleep(1.0)
                lat: list[float] = []
                parts: list[tuple[float, float, float]] = []  # before, write, after (ms)
                failures = 0
                for _ in range(n):
                    wire.clear()
                    intent.clear()
                    req = OrderRequest(
                        inst, Side.BUY, OrderType.LIMIT, qty=Decimal("0.0002"), price=price
                    )
                    t0 = time.perf_counter()
                    res = await svc.submit(req)
                    if not res.accepted or not wire:
                        failures += 1
                        continue
                    lat.append((wire[0] - t0) * 1000)
                    (w0, w1), ms = intent[0], 1000
                    parts.append(((w0 - t0) * ms, (w1 - w0) * ms, (wire[0] - w1) * ms))
                    await asyncio.sleep(0.11)  # stay under the venue's 10 orders/s
                await broker.close()
    from bench.order_fills import fill_latency

    fills = await fill_latency(env, n_fills)
    proc.stdin.close()
    await proc.wait()
    if not lat:
        print("orders: no successful samples")
        return
    p50, p99, top = _stats(lat)
    print(
        f"signal -> order on the wire (submit() to request body sent), n={len(lat)}, "
        f"failed={failures}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {top:.2f} ms "
        f"(target p99 < 5 ms) {'OK' if p99 < 5 else 'OVER TARGET'}",
        flush=True,
    )
    names = ("validation + risk", "SQLite intent write", "ccxt signing + aiohttp send")
    for i, name in enumerate(names):
        a, b, c = _stats([p[i] for p in parts])
        print(f"  {name:<28} p50 {a:.2f} ms, p99 {b:.2f} ms, max {c:.2f} ms", flush=True)
    from bench.order_fills import report

    report(fills, n_fills)


def _stats(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


if __name__ == "__main__":
    main()
