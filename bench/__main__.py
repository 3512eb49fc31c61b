"""`python -m bench [--quick] [--only NAME ...]` — print the performance figures.

Every benchmark module exposes `main(quick: bool = False) -> None` and prints its own lines; one
that fails is reported and the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# The service's figures, in the order they are printed. `sim` (the exchange simulator's own
# frame rate) is a test peer's figure, run only when asked for.
BENCHMARKS = {
    "streams": "bench.streams",
    "strategies": "bench.strategies",
    "hedge_replay": "bench.hedge_replay",
    "kimp": "bench.kimp",
    "kimp_venues": "bench.kimp_venues",
    "orders": "bench.orders",
    "trades": "bench.trades",
    "telegram": "bench.telegram",
    "retention": "bench.retention",
    "web": "bench.web",
}
# `month` (30 virtual days, ~30 min) only when asked for, like the simulator figures.
OPTIONAL = {
    "sim": "bench.sim",
    "brackets": "bench.brackets",
    "hedge": "bench.hedge",
    "bithumb_orders": "bench.bithumb_orders",
    "bithumb_fills": "bench.bithumb_fills",
    "month": "bench.month",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="smaller runs, for a quick look")
    p.add_argument(
        "--only", choices=sorted(BENCHMARKS | OPTIONAL), action="append", help="run only these"
    )
    args = p.parse_args(argv)
    modules = BENCHMARKS | OPTIONAL
    failed = 0
    for name in args.only or list(BENCHMARKS):
        print(f"\n=== {name} ===", flush=True)
        try:
            importlib.import_module(modules[name]).main(quick=args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(f"{name} benchmark failed: {type(exc).__name__}: {exc}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
