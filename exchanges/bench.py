"""Market-data benchmark: Binance trade frames over a real loopback WebSocket into the full
pipeline (parse -> normalise -> trade gate -> candles -> event bus -> a kimp-style subscriber).

The feed server runs in a child process (so the pipeline has its own core) and writes
pre-built frames in the simulator's Binance combined-stream wire format for `--symbols`
markets. Printed: events/s, p50/p99 latency from frame receipt to the subscriber, peak RSS and
RSS growth after warm-up, the `orjson.loads` ceiling and, if it runs, ccxt.pro `watch_trades`.

    python -m exchanges.bench            # 2,000,000 events, 300 symbols
    python -m exchanges.bench --events 200000   # quick check
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import resource
import struct
import time
from array import array
from typing import Any

import orjson

from bot.domain.market import Ticker, Trade
from bot.domain.symbols import Venue
from bot.events import EventBus
from exchanges.base import BadInput
from exchanges.binance.stream import BinanceStream, binance_runner_config
from exchanges.candles import CandleBuilder
from exchanges.pipeline import Pipeline
from exchanges.ws_runner import WsRunner

BASES = [f"C{i:03d}" for i in range(1000)]


def _symbols(n: int) -> list[str]:
    return [f"{b}USDT" for b in BASES[:n]]


def build_frames(count: int, symbols: int, seed: int = 1) -> list[bytes]:
    """Combined-stream `@trade` payloads, ids contiguous per symbol, 1 ms apart."""
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

    async def handle(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, compress=False)
        await ws.prepare(request)
        transport = request.transport
        assert transport is not None
        batch = 200
        start = time.perf_counter()
        for i in range(0, len(frames), batch):
            transport.write(b"".join(frames[i : i + batch]))
            if rate > 0:
                due = start + (i + batch) / rate
                delay = due - time.perf_counter()
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


def _pct(values: array[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run_pipeline(url: str, count: int, symbols: int) -> dict[str, float]:
    bus = EventBus()
    sub = bus.subscribe("kimp", Trade, Ticker, conflate=True)
    candles = CandleBuilder(bus.publish, timeframes=("5m", "1h"))
    pipeline = Pipeline(Venue.BINANCE_SPOT, bus.publish, candles, BadInput("bench"), True)
    streams = [f"{s.lower()}@trade" for s in _symbols(symbols)]
    handler = BinanceStream("bench", url, pipeline, streams)
    runner = WsRunner(handler, binance_runner_config(60.0, ping_interval=None), lambda s: None)
    lat = array("d")
    done = asyncio.Event()
    warm_rss = 0.0

    async def kimp() -> None:
        nonlocal warm_rss
        now = time.time
        while True:
            ev = await sub.get()
            lat.append(now() - ev.recv_ts)
            if not warm_rss and pipeline.events >= count // 10:
                warm_rss = _rss_mb()
            if pipeline.events >= count:
                done.set()

    consumer = asyncio.create_task(kimp())
    task = asyncio.create_task(runner.run())
    while runner.frames == 0:
        await asyncio.sleep(0.001)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    await done.wait()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    task.cancel()
    consumer.cancel()
    await asyncio.gather(task, consumer, return_exceptions=True)
    return {
        "events": pipeline.events,
        "eps": pipeline.events / elapsed,
        "cpu_eps": pipeline.events / cpu,
        "p50_ms": _pct(lat, 0.50) * 1000,
        "p99_ms": _pct(lat, 0.99) * 1000,
        "delivered": len(lat),
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


async def ccxt_row(url: str, count: int, symbols: int) -> str:
    """ccxt.pro watch_trades over the same feed (best effort; the markets are injected)."""
    try:
        import ccxt.pro as ccxtpro
    except ImportError:
        return "ccxt.pro not installed"
    ex = ccxtpro.binance({"options": {"fetchMarkets": {"types": ["spot"]}}})
    try:
        ex.urls["api"]["ws"]["spot"] = url + "/stream"
        syms = _symbols(min(symbols, 200))  # ccxt caps watchTradesForSymbols at 200
        ex.set_markets([
            {"id": s, "lowercaseId": s.lower(), "symbol": f"{s[:-4]}/USDT", "base": s[:-4], "quote": "USDT",
             "baseId": s[:-4], "quoteId": "USDT", "type": "spot", "spot": True, "active": True,
             "precision": {"amount": 1e-5, "price": 1e-4}, "limits": {}, "info": {}}
            for s in syms
        ])  # fmt: skip
        n = 0
        t0 = time.perf_counter()
        target = min(count, 200_000)
        while n < target:
            trades = await asyncio.wait_for(
                ex.watch_trades_for_symbols([f"{s[:-4]}/USDT" for s in syms]), 30
            )
            n += len(trades)
        rate = n / (time.perf_counter() - t0)
        return f"{rate:,.0f} events/s over {n:,} trades (watch_trades_for_symbols, {len(syms)})"
    except Exception as exc:  # report, do not fail the benchmark
        return f"did not run: {type(exc).__name__}: {str(exc)[:120]}"
    finally:
        await ex.close()


def _start_server(count: int, symbols: int, rate: float) -> tuple[Any, str]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(q, count, symbols, rate), daemon=True)
    proc.start()
    port = q.get(timeout=600)
    return proc, f"ws://127.0.0.1:{port}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--symbols", type=int, default=300)
    ap.add_argument("--rate", type=float, default=0.0, help="frames/s the feed sends (0: flood)")
    ap.add_argument("--no-ccxt", action="store_true", help="skip the ccxt.pro comparison row")
    args = ap.parse_args(argv)
    print(f"feed: {args.events:,} trade frames, {args.symbols} symbols, building...", flush=True)
    proc, url = _start_server(args.events, args.symbols, args.rate)
    try:
        r = asyncio.run(run_pipeline(url, args.events, args.symbols))
    finally:
        proc.kill()
    print(
        f"pipeline      {r['eps']:>10,.0f} events/s (wall)  {r['cpu_eps']:>10,.0f} events/s per "
        f"CPU-second  p50 {r['p50_ms']:.3f} ms  p99 {r['p99_ms']:.3f} ms  "
        f"(subscriber got {r['delivered']:,}, {r['dropped']:,} conflated)"
    )
    print(
        f"memory        peak RSS {r['peak_rss_mb']:.1f} MB, growth after warm-up "
        f"{r['rss_growth_mb']:+.1f} MB over {r['events']:,.0f} events"
    )
    print(f"orjson.loads  {orjson_ceiling(args.events, args.symbols):>10,.0f} frames/s (ceiling)")
    if not args.no_ccxt:
        proc, url = _start_server(min(args.events, 200_000), args.symbols, 0.0)
        try:
            print(f"ccxt.pro      {asyncio.run(ccxt_row(url, args.events, args.symbols))}")
        finally:
            proc.kill()


if __name__ == "__main__":
    main()
