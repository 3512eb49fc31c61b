"""Chart cost and size (issue 14, pictures): the daily report's chart (a day of per-minute
premium samples, KRW and USDT PnL panels) and a backtest chart over a year of minute candles.
Printed: best-of-3 ms to render each and its PNG size (what one file in data/charts/ costs).

    python -m bench.charts
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from bot.chart_words import backtest_words, report_words
from bot.reports.chart import report_chart
from core.symbols import Instrument, Symbol, Venue
from strategies.backtest_chart import equity_png
from strategies.engine import ClosedTrade

KST = ZoneInfo("Asia/Seoul")
UNTIL = 1_764_900_000.0
YEAR = 525_600  # minutes


def _best(render: Callable[[], bytes], rounds: int = 3) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        size = len(render())
        best = min(best, time.perf_counter() - t0)
    return best * 1000, size


def report() -> bytes:
    since = UNTIL - 86_400
    premium = [(since + i * 60, 2.0 + (i % 300) / 100) for i in range(1440)]
    steps = [since + i * 1800 for i in range(49)]
    pnl = {
        "KRW": [(t, Decimal(i * 1_000)) for i, t in enumerate(steps)],
        "USDT": [(t, Decimal(i) / 4) for i, t in enumerate(steps)],
    }
    words = report_words("en", KST, UNTIL, pnl)
    return report_chart(premium, pnl, KST, words, (since, UNTIL))


def backtest() -> bytes:
    t0 = 1_767_225_600_000
    ts = t0 + np.arange(YEAR, dtype=np.int64) * 60_000
    equity = 10_000_000 + np.cumsum(np.random.default_rng(1).normal(0, 300, YEAR))
    inst = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
    trades = [
        ClosedTrade(inst, 1, int(ts[i]), int(ts[i + 30]), 1.0, 1.0, 1.0, 0.0, 0.0, "signal")
        for i in range(0, YEAR - 31, 2_000)
    ]
    words = backtest_words("en", "bench", "KRW")
    return equity_png(ts, equity, trades, 10_000_000.0, "KRW", words)


def main(quick: bool = False) -> None:
    report()  # the first figure pays matplotlib's imports and font cache
    for name, render in (("report chart, 3 panels", report), ("backtest, 1 year", backtest)):
        ms, size = _best(render, 1 if quick else 3)
        print(f"{name:<24} {ms:7.0f} ms  {size / 1024:6.1f} KiB PNG")


if __name__ == "__main__":
    main()
