"""The simulator's stream throughput: `python -m bench.sim [--count N]`.

Upbit: one plain `websockets` client subscribed to trades, the server pushing N pre-built trade
frames with `UpbitVenue.firehose`. Binance: the same through `BinanceSpot.firehose`, read by a
client in a subprocess, so the figure is what the simulator delivers over loopback rather than
what one event loop does for both ends. Each prints the messages per second one client received
(wall time from the first frame to the last) against `TARGET`.

The target lives here, not in the tests: on a loaded 2-core machine a timed assertion fails for
reasons that have nothing to do with the code (tests/peers/exchange_sim/test_*_throughput.py
check only that every frame arrives).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass

from websockets.asyncio.client import connect

from peers.exchange_sim.server import SimExchange

TARGET = 50_000  # messages/s one client must get from the simulator (an idle 2-core machine)


@dataclass(frozen=True, slots=True)
class Throughput:
    received: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.received / self.seconds if self.seconds > 0 else float("inf")

    def line(self, venue: str) -> str:
        verdict = "met" if self.rate >= TARGET else "MISSED"
        return (
            f"{venue} sim WS throughput: {self.rate:,.0f} msgs/s ({self.received} msgs in "
            f"{self.seconds:.2f}s; target {TARGET:,} msgs/s {verdict})"
        )


async def measure_upbit(count: int, fmt: str = "DEFAULT") -> Throughput:
    """What one client received from Upbit's firehose, and in how long."""
    async with SimExchange(seed=1, tick_interval=0.5) as sim:
        url = sim.urls["UPBIT_WS_URL"]
        async with connect(url, ping_interval=None, max_queue=None, compression=None) as ws:
            request = [{"ticket": "bench"}, {"type": "trade", "codes": ["KRW-BTC"]}]
            await ws.send(json.dumps([*request, {"format": fmt}]))
            await ws.recv()  # the snapshot
            pusher = asyncio.create_task(sim.upbit.firehose(count))
            received = 0
            started = time.perf_counter()
            while received < count:
                await ws.recv()
                received += 1
            elapsed = time.perf_counter() - started
            await pusher
    return Throughput(received, elapsed)


# The Binance reader, in its own process: prints "ready", then "<received> <seconds>".
_CLIENT = """
import asyncio, sys, time
from websockets.asyncio.client import connect

async def main(url: str, n: int) -> None:
    async with connect(url, max_size=None) as ws:
        print("ready", flush=True)
        got, first = 0, 0.0
        while got < n:
            await ws.recv(decode=False)
            if got == 0:
                first = time.perf_counter()
            got += 1
        print(got, time.perf_counter() - first, flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def measure_binance(count: int, sim: SimExchange | None = None) -> Throughput:
    """What a subprocess client received from Binance spot's firehose (on `sim`, or on a new
    simulator), and in how long. Generous timeouts: a loaded machine is slow, not broken."""
    if sim is None:
        async with SimExchange(seed=1, tick_interval=0.5) as own:
            return await measure_binance(count, own)
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _CLIENT, url, str(count), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        ready = await asyncio.wait_for(proc.stdout.readline(), 120)
        if ready.strip() != b"ready":
            raise RuntimeError(f"the reader did not start: {ready!r}")
        async with asyncio.timeout(60):
            while not sim.binance.hub.wanted("btcusdt@trade"):
                await asyncio.sleep(0.01)
        sim.market.remove_listener(sim.binance.publisher.on_event)  # only firehose frames
        await sim.binance.firehose(count)
        got, seconds = (await asyncio.wait_for(proc.stdout.readline(), 300)).split()
        return Throughput(int(got), float(seconds))
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


def main(quick: bool = False) -> None:
    """The standard figures; `quick` pushes fewer frames."""
    cli(["--count", "50000"] if quick else [])


def cli(argv: list[str] | None = None) -> None:
    """`python -m bench.sim [--count N --format DEFAULT|SIMPLE]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--format", default="DEFAULT", choices=["DEFAULT", "SIMPLE"])
    args = parser.parse_args(argv)
    upbit = asyncio.run(measure_upbit(args.count, args.format))
    print(upbit.line(f"upbit (format {args.format})"), flush=True)
    print(asyncio.run(measure_binance(args.count)).line("binance"), flush=True)


if __name__ == "__main__":
    cli()
