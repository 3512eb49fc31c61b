"""The simulator's stream throughput: `python -m bench.sim [--count N]`.

Upbit: one plain `websockets` client subscribed to trades, the server pushing N pre-built trade
frames with `UpbitVenue.firehose`. Binance: the same through `BinanceSpot.firehose`, read by a
client in a subprocess, so the figure is what the simulator delivers over loopback rather than
what one event loop does for both ends. Each prints the messages per second one client received
(wall time from the first frame to the last) against `TARGET`, then the longest gap in a book
stream while another connection takes `!miniTicker@arr` across minute rollovers (`STALL_TARGET`).

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
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from peers.exchange_sim.server import SimExchange

TARGET = 50_000  # messages/s one client must get from the simulator (an idle 2-core machine)
STALL_TARGET = 0.1  # s: the longest gap in a book stream while `!miniTicker@arr` rolls over


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
from websockets.asyncio.client import ClientConnection, connect

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


@dataclass(frozen=True, slots=True)
class TickerStall:
    """A book stream's frame gaps (s) while another connection took `!miniTicker@arr`."""

    gaps: list[float]
    arrays: list[list[dict[str, Any]]]

    @property
    def max_gap(self) -> float:
        return max(self.gaps, default=float("inf"))

    def line(self) -> str:
        verdict = "met" if self.max_gap < STALL_TARGET else "MISSED"
        return (
            f"binance book stream during !miniTicker@arr rollovers: longest gap "
            f"{self.max_gap * 1000:.0f} ms over {len(self.gaps)} frames, {len(self.arrays)} "
            f"arrays (target < {STALL_TARGET * 1000:.0f} ms {verdict})"
        )


async def _collect(ws: ClientConnection, into: list[tuple[float, Any]]) -> None:
    async for raw in ws:
        into.append((time.monotonic(), json.loads(raw)))


async def mini_ticker_stall(seconds: float = 2.2) -> TickerStall:
    """At speed 60 a simulated minute rolls over every real second: subscribe one connection to
    the all-market ticker and time the frames of a book stream on another for `seconds`."""
    async with SimExchange(seed=3, speed=60.0, tick_interval=0.02) as sim:
        base = sim.urls["BINANCE_WS_URL"]
        async with (
            connect(f"{base}/ws/btcusdt@bookTicker") as book,
            connect(f"{base}/ws") as mini,
        ):
            books: list[tuple[float, Any]] = []
            arrays: list[tuple[float, Any]] = []
            tasks = [asyncio.create_task(_collect(book, books), name="books"),
                     asyncio.create_task(_collect(mini, arrays), name="arrays")]  # fmt: skip
            try:
                while len(books) < 5:  # the book stream is flowing
                    await asyncio.sleep(0.01)
                sub = {"method": "SUBSCRIBE", "params": ["!miniTicker@arr"], "id": 1}
                await mini.send(json.dumps(sub))
                start = time.monotonic()
                while time.monotonic() - start < seconds:
                    await asyncio.sleep(0.05)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
    after = [t for t, _ in books if t >= start]
    gaps = [b - a for a, b in zip([start, *after], after, strict=False)]
    return TickerStall(gaps, [msg for _, msg in arrays if isinstance(msg, list)])


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
    print(asyncio.run(mini_ticker_stall(10.0)).line(), flush=True)


if __name__ == "__main__":
    cli()
