"""Upbit WebSocket throughput: `python -m bench.sim [--count N]`.

Starts a simulator, subscribes one plain `websockets` client to trades, has the server push
N pre-built trade frames with `UpbitVenue.firehose`, and prints the messages per second the
client received (wall time from the first firehose frame to the last).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from websockets.asyncio.client import connect

from peers.exchange_sim.server import SimExchange


async def measure(count: int, fmt: str = "DEFAULT") -> float:
    """Messages per second one client received from the firehose."""
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
    return received / elapsed


def main(quick: bool = False) -> None:
    """The standard figures; `quick` pushes fewer frames."""
    cli(["--count", "50000"] if quick else [])


def cli(argv: list[str] | None = None) -> None:
    """`python -m bench.sim [--count N --format DEFAULT|SIMPLE]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--format", default="DEFAULT", choices=["DEFAULT", "SIMPLE"])
    args = parser.parse_args(argv)
    rate = asyncio.run(measure(args.count, args.format))
    print(f"{args.count} frames, format {args.format}: {rate:,.0f} messages/s to one client")


if __name__ == "__main__":
    cli()
