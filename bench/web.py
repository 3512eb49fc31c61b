"""Benchmark: the web push stream with 200 coins updating — the server's CPU for it.

Run: `python -m bench.web [--coins 200] [--seconds 10] [--clients 1]`. In this process: a real
`PremiumMonitor` fed 200 coins (both legs, each coin every 0.2 s: 2,000 updates/s), the real
dashboard app and push hub (bot/web) on uvicorn on 127.0.0.1. The SSE clients run in child
processes, so their CPU is not counted. The server's CPU time is measured first with no client
connected (the feed and an idle hub), then with the clients reading the stream; the difference
is what pushing costs. Prints both as a percentage of one core, and the rows delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

from alerts.monitor import PremiumMonitor
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.reports.sources import table_sources
from bot.web.app import create_app
from bot.web.auth import Gate, RateLimit, digest
from bot.web.context import WebContext
from bot.web.push import PushHub
from bot.web.server import WebServer
from core.clock import SystemClock
from core.events import EventBus
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue

TOKEN = "bench-token"


async def _feed(monitor: PremiumMonitor, coins: list[str], period: float) -> None:
    """Every coin's two legs once per `period`, in slices every 50 ms, as a random walk."""
    clock, rng = SystemClock(), random.Random(7)
    px = dict.fromkeys(coins, 10.0)
    slices = max(1, round(period / 0.05))
    i = 0
    while True:
        now = clock.now()
        for c in coins[i % slices :: slices]:
            px[c] *= 1 + rng.uniform(-0.002, 0.002)
            monitor.update_price(Venue.BINANCE_SPOT, c, px[c], now)
            monitor.update_price(Venue.UPBIT, c, px[c] * 1414 * (1 + rng.uniform(-0.01, 0.01)), now)
        monitor.update_price(Venue.UPBIT, "USDT", 1400.0, now)
        i += 1
        await asyncio.sleep(0.05)


def _client(url: str, seconds: float) -> None:
    """Child process: read the stream for `seconds`, print the kimp rows received."""
    rows = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    end = time.monotonic() + seconds
    with httpx.stream("GET", url, headers=headers, timeout=30) as r:
        for line in r.iter_lines():
            if line.startswith("data: ["):
                rows += line.count('"coin"')
            if time.monotonic() > end:
                break
    print(rows, flush=True)


async def _cpu(seconds: float) -> float:
    """This process's CPU time over `seconds` of wall time, as a fraction of one core."""
    c0, t0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    return (time.process_time() - c0) / (time.monotonic() - t0)


async def run(n_coins: int, seconds: float, clients: int) -> None:
    coins = [f"C{i:03d}" for i in range(n_coins)]
    monitor = PremiumMonitor(SystemClock())
    monitor.set_coins(coins)
    monitor.set_fx(1385.0, time.time())
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env_file=None, db_path=Path(tmp) / "bench.sqlite3")
        db = await Database.connect(settings.storage.db_path)
        bus = EventBus()
        facade = ServiceFacade(
            settings, db, bus, Supervisor(), Notifier(Outbox(db), settings.notify, "en"), "bench"
        )
        hub = PushHub(bus, lambda: monitor, "en")
        ctx = WebContext(facade, Gate(digest(TOKEN)), RateLimit(10), table_sources(db))
        server = WebServer(create_app(ctx, hub), "127.0.0.1", 0)
        tasks = [
            asyncio.create_task(_feed(monitor, coins, 0.2), name="bench-feed"),
            asyncio.create_task(hub.run(), name="bench-hub"),
            asyncio.create_task(server.run(), name="bench-web"),
        ]
        try:
            await asyncio.sleep(2)  # warm up: every coin priced, server serving
            idle = await _cpu(seconds)
            url = f"http://127.0.0.1:{server.port}/api/stream"
            procs = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.web",
                    "--client",
                    url,
                    str(seconds + 2),
                    stdout=asyncio.subprocess.PIPE,
                )
                for _ in range(clients)
            ]
            await asyncio.sleep(1.5)  # connected
            busy = await _cpu(seconds)
            rows = [int((await p.communicate())[0] or 0) for p in procs]
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            server.close()
            await db.close()
    print(f"coins: {n_coins}, updates/s: {n_coins * 2 / 0.2:,.0f}, clients: {clients}")
    print(f"server CPU, feed + idle hub:      {idle * 100:5.1f} % of one core")
    print(f"server CPU, feed + push to {clients}:     {busy * 100:5.1f} % of one core")
    print(f"push stream's share:              {(busy - idle) * 100:5.1f} % of one core")
    print(f"rows delivered per client:        {min(rows):,} ({min(rows) / seconds:,.0f}/s)")


def main(quick: bool = False) -> None:
    asyncio.run(run(200, 3.0 if quick else 10.0, 1))


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.web")
    p.add_argument("--coins", type=int, default=200)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--client", nargs=2, metavar=("URL", "SECONDS"), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.client:
        _client(a.client[0], float(a.client[1]))
    else:
        asyncio.run(run(a.coins, a.seconds, a.clients))
