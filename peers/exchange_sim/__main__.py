"""Standalone simulator: `python -m peers.exchange_sim [--seed N] [--speed X] [--scenario FILE]
[--port-base P]`. Prints the `.env` lines that point the service at it, then runs until
Ctrl-C. Faults and market moves can be driven over HTTP on any venue port:
`POST /__sim/faults`, `POST /__sim/market`, `POST /__sim/wallet`, `GET /__sim/state`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from peers.exchange_sim.scenario import Scenario
from peers.exchange_sim.server import SimExchange


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m peers.exchange_sim", description=__doc__)
    parser.add_argument("--seed", type=int, default=1, help="market seed (default 1)")
    parser.add_argument("--speed", type=float, default=1.0, help="virtual seconds per second")
    parser.add_argument("--scenario", help="TOML or JSON scenario file")
    parser.add_argument(
        "--port-base", type=int, default=None,
        help="fixed ports P (Upbit), P+1 (Binance), P+2 (futures), P+3 (FX), P+4 (Bithumb); "
        "default: free ports",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.speed < 0:
        parser.error("--speed must be >= 0")
    if args.port_base is not None and not 1024 <= args.port_base <= 65_531:
        parser.error("--port-base must be between 1024 and 65531")
    return args


async def run(args: argparse.Namespace) -> None:
    scenario = Scenario.load(args.scenario) if args.scenario else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with SimExchange(
            seed=args.seed, speed=args.speed, scenario=scenario, port_base=args.port_base
        ) as sim:
            print("# exchange simulator running; put these lines in .env:")
            for key, value in sim.env().items():
                print(f"{key}={value}")
            print("# Ctrl-C to stop", flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        asyncio.run(run(args))
    except (OSError, ValueError) as exc:  # port in use, bad scenario file, ...
        print(f"simulator: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
