"""Market-data benchmark: Binance trade frames over a real loopback WebSocket into the full
pipeline (parse -> normalise -> trade gate -> candles -> event bus -> a kimp-style subscriber).

The feed server runs in a child process (so the pipeline has its own core) and writes
pre-built frames in Binance's combined-stream wire format for `--symbols` markets. Two runs:

- flood: the feed writes as fast as the pipeline reads. Printed: events/s (wall and per
  CPU-second), peak RSS and RSS growth after warm-up over `--events` events.
- paced: the feed writes `--rate` frames/s for `--paced-events` frames, the sustained load the
  latency target is about. Printed: p50/p99/max from frame receipt (our reader taking the frame
  off the socket) to the subscriber, and from the feed writing the frame to the subscriber
  (the feed stamps its write time, in ms, into the trade time: 1 ms resolution, an upper bound).
- paced + prune: the paced run again while the batched retention pass prunes `--prune-days` days
  of old rows on a filled database in the same process and loop (bench/streams_prune.py).

Latencies (after the first 10% of events, the warm-up) go into a fixed-bucket histogram, so the
benchmark itself does not grow RSS. Then the
`orjson.loads` ceiling and, over the exchange simulator's own Binance firehose (one market,
`btcusdt@trade`), our pipeline next to ccxt.pro `watch_trades` pointed at the simulator.

    python -m bench.streams                  # 2,000,000 events / 300 symbols, paced 50k/s
    python -m bench.streams --events 200000  # quick check
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import resource
import struct
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import orjson

from bench.streams_prune import COINS, MARKETS, pruning
from core.events import EventBus
from core.market import Ticker, Trade
from core.symbols import Venue
from exchanges.base import BadInput
from exchanges.binance.stream import BinanceStream, binance_runner_config
from exchanges.candles import CandleBuilder
from exchanges.pipeline import Pipeline
from exchanges.ws_runner import WsRunner

BASES = [f"C{i:03d}" for i in range(1000)]
T_WIDTH = 13  # digits of a ms epoch time, patched in place by the paced feed


def _symbols(n: int) -> list[str]:
    return [f"{b}USDT" for b in BASES[:n]]


def build_frames(count: int, symbols: int, seed: int = 1) -> list[bytes]:
    """Combined-stream `@trade` payloads, ids contiguous per symbol, 50 per ms."""
    rng = random.Random(seed)
    syms = _symbols(symbols)
    price = [rng.uniform(0.1, 50_000) for _ in syms]
    ids = [1] * len(syms)
    t0 = int(time.time() * 1000)
    out = []
    for i in range(count):
        k = rng.randrange(len(syms))
        price[k] *= 1 + rng.gauss(0, 0.0005)
        s = syms[k]
        msg = {
            "stream": f"{s.lower()}@trade",
            "data": {
                "e": "trade", "E": t0 + i // 50, "s": s, "t": ids[k], "p": f"{price[k]:.4f}",
                "q": f"{rng.uniform(0.001, 5):.5f}", "T": t0 + i // 50, "m": rng.random() < 0.5,
                "M": True,
            },
        }  # fmt: skip
        ids[k] += 1
        out.append(orjson.dumps(msg))
    return out


class Histogram:
    """Fixed buckets (`step` seconds wide, the last one open-ended): constant memory."""

    __slots__ = ("_counts", "_last", "_step", "count", "max")

    def __init__(self, step: float = 10e-6, buckets: int = 10_000) -> None:
        self._step = step
        self._counts = [0] * buckets
        self._last = buckets - 1
        self.count = 0
        self.max = 0.0

    def add(self, value: float) -> None:
        i = int(value / self._step)
        self._counts[i if 0 <= i < self._last else (self._last if i > 0 else 0)] += 1
        self.count += 1
        if value > self.max:
            self.max = value

    def quantile(self, q: float) -> float:
        """Upper edge of the bucket holding the q-quantile (nan when empty)."""
        if not self.count:
            return float("nan")
        rank = q * self.count
        seen = 0
        for i, n in enumerate(self._counts):
            seen += n
            if seen >= rank and n:
                return (i + 1) * self._step if i < self._last else self.max
        return self.max


def _frame(payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


def _serve(port_q: Any, count: int, symbols: int, rate: float) -> None:
    """Child process: a WebSocket server that streams the frames to each client."""
    from aiohttp import web

    frames = [_frame(p) for p in build_frames(count, symbols)]
    t_at = [f.index(b'"T":') + 4 for f in frames]

    async def handle(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, compress=False)
        await ws.prepare(request)
        transport = request.transport
        assert transport is not None
        batch = 200 if rate <= 0 else max(1, int(rate / 1000))  # paced: ~1 ms per write
        start = time.perf_counter()
        for i in range(0, len(frames), batch):
            chunk = frames[i : i + batch]
            if rate > 0:  # stamp the write time (ms) as the trade time
                ts = b"%d" % int(time.time() * 1000)
                chunk = [
                    f[:o] + ts + f[o + T_WIDTH :]
                    for f, o in zip(chunk, t_at[i : i + batch], strict=True)
                ]
            transport.write(b"".join(chunk))
            if rate > 0:
                delay = start + (i + batch) / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            while transport.get_write_buffer_size() > 4 << 20:
                await asyncio.sleep(0.001)
        await asyncio.sleep(3600)
        return ws

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        port_q.put(port)
        await asyncio.sleep(3600)

    asyncio.run(main())


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


async def run_pipeline(
    url: str, count: int, symbols: int, wire: bool = False, prune_days: int = 0
) -> dict[str, float]:
    """Stream `count` events from the feed at `url` through the pipeline to a subscriber; with
    `prune_days`, the batched retention pass deletes that many days of rows meanwhile."""
    async with AsyncExitStack() as stack:
        background, load = None, None
        if prune_days:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            background, load = await pruning(stack, folder, prune_days)
        r = await _stream(url, count, symbols, wire, background)
        if load is not None:
            r.update(pruned=load.rows, prune_s=load.seconds, backlog=load.backlog)
        return r


async def _stream(
    url: str,
    count: int,
    symbols: int,
    wire: bool,
    background: Callable[[], Awaitable[None]] | None,
) -> dict[str, float]:
    bus = EventBus()
    sub = bus.subscribe("kimp", Trade, Ticker, conflate=True)
    candles = CandleBuilder(bus.publish, timeframes=("5m", "1h"))
    pipeline = Pipeline(Venue.BINANCE_SPOT, bus.publish, candles, BadInput("bench"), True)
    streams = [f"{s.lower()}@trade" for s in _symbols(symbols)]
    handler = BinanceStream("bench", url, pipeline, streams)
    runner = WsRunner(handler, binance_runner_config(60.0, ping_interval=None), lambda s: None)
    recv_lat = Histogram()
    wire_lat = Histogram(step=0.001, buckets=30_000)
    done = asyncio.Event()
    warm_rss = 0.0

    async def kimp() -> None:
        nonlocal warm_rss
        now = time.time
        while True:
            ev = await sub.get()
            if not warm_rss:  # the first 10% are warm-up (connection start, first allocations)
                if pipeline.events >= count // 10:
                    warm_rss = _rss_mb()
                continue
            t = now()
            recv_lat.add(t - ev.recv_ts)
            if wire:
                wire_lat.add(t - ev.exchange_ts / 1000)
            if pipeline.events >= count:
                done.set()

    consumer = asyncio.create_task(kimp())
    task = asyncio.create_task(runner.run())
    while runner.frames == 0:
        await asyncio.sleep(0.001)
    side = asyncio.ensure_future(background()) if background is not None else None
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    await done.wait()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    task.cancel()
    consumer.cancel()
    if side is not None:
        side.cancel()
    await asyncio.gather(task, consumer, *([side] if side else []), return_exceptions=True)
    return {
        "events": pipeline.events,
        "eps": pipeline.events / elapsed,
        "cpu_eps": pipeline.events / cpu,
        "cpu_share": cpu / elapsed,  # below ~1.0 while behind: other processes had the core
        "p50_ms": recv_lat.quantile(0.50) * 1000,
        "p99_ms": recv_lat.quantile(0.99) * 1000,
        "max_ms": recv_lat.max * 1000,
        "wire_p50_ms": wire_lat.quantile(0.50) * 1000,
        "wire_p99_ms": wire_lat.quantile(0.99) * 1000,
        "wire_max_ms": wire_lat.max * 1000,
        "delivered": recv_lat.count,
        "dropped": sub.stats.dropped,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mb": _rss_mb() - warm_rss,
        "bad": pipeline.bad.total,
    }


def orjson_ceiling(count: int, symbols: int) -> float:
    frames = build_frames(min(count, 500_000), symbols)
    t0 = time.perf_counter()
    loads = orjson.loads
    for f in frames:
        loads(f)
    return len(frames) / (time.perf_counter() - t0)


def _start_server(count: int, symbols: int, rate: float) -> tuple[Any, str]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(q, count, symbols, rate), daemon=True)
    proc.start()
    port = q.get(timeout=600)
    return proc, f"ws://127.0.0.1:{port}"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main(quick: bool = False) -> None:
    """The standard figures; `quick` runs a smaller feed."""
    cli(["--events", "200000", "--symbols", "100", "--prune-days", "1"] if quick else [])


def cli(argv: list[str] | None = None) -> None:
    """`python -m bench.streams [--events N ...]`: the same run with every size adjustable."""
    from bench.streams_sim import sim_rows

    ap = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=2_000_000, help="flood run (throughput, RSS)")
    ap.add_argument("--symbols", type=int, default=300)
    ap.add_argument("--rate", type=float, default=50_000.0, help="paced run: frames/s")
    ap.add_argument("--paced-events", type=int, default=500_000, help="paced run: frames")
    ap.add_argument("--sim-events", type=int, default=200_000, help="simulator firehose rows")
    ap.add_argument("--no-ccxt", action="store_true", help="skip the simulator/ccxt.pro rows")
    ap.add_argument(
        "--prune-days",
        type=int,
        default=3,
        help="paced run again with the batched prune deleting this many days of old rows "
        "meanwhile (0: skip)",
    )
    args = ap.parse_args(argv)
    paced = min(args.paced_events, args.events)
    print(f"machine: {_load()}", flush=True)
    print(f"feed: {args.events:,} trade frames, {args.symbols} symbols, building...", flush=True)
    proc, url = _start_server(args.events, args.symbols, 0.0)
    try:
        r = asyncio.run(run_pipeline(url, args.events, args.symbols))
    finally:
        proc.kill()
    print(
        f"flood         {r['eps']:>10,.0f} events/s (wall)  {r['cpu_eps']:>10,.0f} events/s per "
        f"CPU-second ({r['cpu_share']:.0%} of a CPU)  latency under a backlog: p50 "
        f"{r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms"
    )
    print(
        f"memory        peak RSS {r['peak_rss_mb']:.1f} MB, growth after warm-up "
        f"{r['rss_growth_mb']:+.1f} MB over {r['events']:,.0f} events, {args.symbols} symbols"
    )
    proc, url = _start_server(paced, args.symbols, args.rate)
    try:
        p = asyncio.run(run_pipeline(url, paced, args.symbols, wire=True))
    finally:
        proc.kill()
    print(
        f"paced {args.rate / 1000:,.0f}k/s  {p['eps']:>10,.0f} events/s  receipt->subscriber p50 "
        f"{p['p50_ms']:.3f} ms  p99 {p['p99_ms']:.3f} ms  max {p['max_ms']:.1f} ms  "
        f"(subscriber got {p['delivered']:,}, {p['dropped']:,} conflated; "
        f"{p['cpu_share']:.0%} of a CPU)"
    )
    print(
        f"              feed write->subscriber (1 ms resolution) p50 {p['wire_p50_ms']:.0f} ms  "
        f"p99 {p['wire_p99_ms']:.0f} ms  max {p['wire_max_ms']:.0f} ms"
    )
    if args.prune_days:
        proc, url = _start_server(paced, args.symbols, args.rate)
        try:
            q = asyncio.run(
                run_pipeline(url, paced, args.symbols, wire=True, prune_days=args.prune_days)
            )
        finally:
            proc.kill()
        print(
            f"paced + prune receipt->subscriber p50 {q['p50_ms']:.3f} ms  p99 {q['p99_ms']:.3f} ms  "
            f"max {q['max_ms']:.1f} ms  (without: p99 {p['p99_ms']:.3f} ms); feed "
            f"write->subscriber p99 {q['wire_p99_ms']:.0f} ms (without: {p['wire_p99_ms']:.0f} ms)"
        )
        print(
            f"              meanwhile the batched prune deleted {q['pruned']:,.0f} of "
            f"{q['backlog']:,.0f} old rows ({args.prune_days} days of {COINS} coins' premium and "
            f"{MARKETS} markets' candles) in {q['prune_s']:.1f} s, 500 rows per DELETE"
        )
    print(f"orjson.loads  {orjson_ceiling(args.events, args.symbols):>10,.0f} frames/s (ceiling)")
    if not args.no_ccxt:
        for line in sim_rows(args.sim_events):
            print(line, flush=True)
    print(f"machine: {_load()}", flush=True)


if __name__ == "__main__":
    cli()
