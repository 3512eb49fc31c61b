"""All-market array decode cost (issue 13, problem 1): one `!markPrice@arr@1s` frame of 600
items through `BinanceDecoder`, all ours, and with a quarter dated / COIN-M contracts shuffled
in (what the real array carries). Printed: best-of-7 ms per frame and mark prices delivered.

    python -m bench.arrays
"""

from __future__ import annotations

import random
import time
from typing import Any

import orjson

from core.symbols import Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.binance.parse import BinanceDecoder


def _item(symbol: str, dated: bool = False) -> dict[str, Any]:
    return {"e": "markPriceUpdate", "E": 1562305380000, "s": symbol, "p": "1.2345",
            "i": "1.2345", "P": "1.2345", "r": "" if dated else "0.00010000",
            "T": 0 if dated else 1562306400000}  # fmt: skip


def frames() -> dict[str, bytes]:
    ours = [_item(f"C{i:03d}USDT") for i in range(600)]
    mixed = [_item(f"C{i:03d}USDT") for i in range(450)]
    mixed += [_item(f"C{i:03d}USDT_261225", dated=True) for i in range(75)]
    mixed += [_item(f"C{i:03d}USD_PERP") for i in range(75)]
    random.Random(1).shuffle(mixed)
    return {
        "600 ours": orjson.dumps({"stream": "!markPrice@arr@1s", "data": ours}),
        "450 ours + 150 dated/COIN-M, shuffled": orjson.dumps(
            {"stream": "!markPrice@arr@1s", "data": mixed}
        ),
    }


def main(quick: bool = False) -> None:
    rounds = 50 if quick else 200
    for name, frame in frames().items():
        out: list[MarketEvent] = []
        dec = BinanceDecoder(Venue.BINANCE_FUTURES, BadInput("bench"), out.append)
        dec.decode(frame, 1.0)
        best = float("inf")
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(rounds):
                out.clear()
                dec.decode(frame, 1.0)
            best = min(best, (time.perf_counter() - start) / rounds)
        print(f"{name}: {best * 1e3:.2f} ms/frame, {len(out)} mark prices delivered")


if __name__ == "__main__":
    main()
