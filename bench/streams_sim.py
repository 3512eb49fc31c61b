"""The benchmark's comparison rows over the exchange simulator's own Binance firehose.

The simulator runs in a child process and, on request, pushes N real `btcusdt@trade` events
(`BinanceVenue.firehose`) to whoever subscribed. The same feed goes once to our pipeline (a
combined-stream connection) and once to ccxt.pro `watch_trades("BTC/USDT")`, pointed at the
simulator as PROTOCOLS.md 8.3 describes: a spot-only instance, so the `/ws` path is
unambiguous even though it lacks the `/stream` that ccxt uses to tell spot from futures (8.5).

The firehose repeats its 1000 pre-built trade ids, so we count frames parsed on our side (our
trade gate rightly drops the repeats before the subscriber) and trades returned on ccxt's.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from typing import Any
from urllib.parse import urlsplit

STREAM = "btcusdt@trade"


def _sim_child(cmd_q: Any, out_q: Any) -> None:
    async def main() -> None:
        from peers.exchange_sim.server import SimExchange

        async with SimExchange(seed=1, tick_interval=0.5) as sim:
            venue = sim.binance
            venue.market.remove_listener(venue.publisher.on_event)  # firehose frames only
            out_q.put(dict(sim.urls))
            loop = asyncio.get_running_loop()
            while True:
                cmd = await loop.run_in_executor(None, cmd_q.get)
                if cmd is None:
                    return
                deadline = time.monotonic() + 30
                while not venue.hub.wanted(STREAM) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                last = venue.market.last_trade("binance", "BTCUSDT")
                out_q.put((last.trade_id if last else 0) + 1)  # the firehose's first id
                await venue.firehose(int(cmd), STREAM)

    asyncio.run(main())


class _Sim:
    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self.cmd: Any = ctx.Queue()
        self.out: Any = ctx.Queue()
        self.proc = ctx.Process(target=_sim_child, args=(self.cmd, self.out), daemon=True)
        self.proc.start()
        self.urls: dict[str, str] = self.out.get(timeout=120)

    async def firehose(self, n: int) -> int:
        """Ask for `n` events (pushed once the subscriber is seen); returns the first id."""
        self.cmd.put(n)
        loop = asyncio.get_running_loop()
        return int(await loop.run_in_executor(None, self.out.get, True, 60))

    def close(self) -> None:
        self.cmd.put(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


async def _ours(sim: _Sim, n: int) -> str:
    from core.events import EventBus
    from core.market import Trade
    from core.symbols import Venue
    from exchanges.base import BadInput
    from exchanges.binance.stream import BinanceStream, binance_runner_config
    from exchanges.candles import CandleBuilder
    from exchanges.pipeline import Pipeline
    from exchanges.ws_runner import WsRunner

    bus = EventBus()
    sub = bus.subscribe("kimp", Trade, conflate=True)
    pipeline = Pipeline(
        Venue.BINANCE_SPOT, bus.publish, CandleBuilder(bus.publish), BadInput("bench"), True
    )
    handler = BinanceStream("bench-sim", sim.urls["BINANCE_WS_URL"], pipeline, [STREAM])
    runner = WsRunner(handler, binance_runner_config(60.0, ping_interval=None), lambda s: None)
    task = asyncio.create_task(runner.run())
    try:
        await sim.firehose(n)
        while runner.frames == 0:
            await asyncio.sleep(0)
        t0, cpu0 = time.perf_counter(), time.process_time()
        deadline = t0 + 120
        while runner.frames < n and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        got = runner.frames
        counts = pipeline.bad.counts
        dup = counts.get("duplicate_trade", 0) + counts.get("out_of_order_trade", 0)
        sub.drain()
        return (
            f"sim feed      ours: {got / wall:>10,.0f} frames/s (wall)  {got / cpu:>10,.0f} per "
            f"CPU-second  over {got:,} frames ({dup:,} repeated trade ids dropped by our gate)"
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def _point_binance(ex: Any, rest_base: str, ws_base: str) -> None:
    """PROTOCOLS.md 8.3: keep every REST path, swap the host; spot streams on `<ws>/ws`."""
    api = ex.urls["api"]
    new: dict[str, Any] = {}
    for key, val in api.items():
        new[key] = rest_base.rstrip("/") + urlsplit(val).path if isinstance(val, str) else val
    ws = dict(api["ws"])
    ws["spot"] = ws["margin"] = ws_base + "/ws"
    new["ws"] = ws
    ex.urls["api"] = new


async def _ccxt(sim: _Sim, n: int) -> str:
    try:
        import ccxt.pro as ccxtpro
    except ImportError:
        return "ccxt.pro      not installed"
    options: dict[str, Any] = {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False}
    options |= {"fetchMargins": False, "tradesLimit": n}  # keep every trade between two calls
    ex = ccxtpro.binance({"enableRateLimit": False, "options": options})
    _point_binance(ex, sim.urls["BINANCE_REST_URL"], sim.urls["BINANCE_WS_URL"])
    try:
        await ex.load_markets()
        watcher = asyncio.create_task(ex.watch_trades("BTC/USDT"))  # subscribes
        await sim.firehose(n)
        got = await asyncio.wait_for(watcher, 30)
        t0, cpu0 = time.perf_counter(), time.process_time()
        count = len(got)
        deadline = t0 + 120
        while count < n and time.perf_counter() < deadline:
            got = await asyncio.wait_for(ex.watch_trades("BTC/USDT"), 30)
            count += len(got)  # new trades since the last call (the cache holds them all)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        return (
            f"ccxt.pro      watch_trades: {count / wall:>10,.0f} trades/s (wall)  "
            f"{count / cpu:>10,.0f} per CPU-second  over {count:,} trades"
        )
    except Exception as exc:  # report, do not fail the benchmark
        return f"ccxt.pro      did not run: {type(exc).__name__}: {str(exc)[:160]}"
    finally:
        await ex.close()


def sim_rows(n: int) -> list[str]:
    """Both rows over one simulator: ours first, then ccxt.pro, same firehose size."""
    sim = _Sim()
    try:
        rows = [asyncio.run(_ours(sim, n))]
        rows.append(asyncio.run(_ccxt(sim, n)))
        return rows
    finally:
        sim.close()
