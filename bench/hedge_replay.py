"""Kimp-hedge replay and threshold search (issue 16): a year of synthetic premium minutes
(a mean-reverting premium with daily swings, Binance and KRW-USDT random walks).

Printed: replay speed in premium minutes per second (the premium array computed once, as the
search does; and with it), its trade count, and a 1,000-combination search (entry x exit bands)
with a 70/30 train/test split on 2 processes.

    python -m bench.hedge_replay [--quick]
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal

import numpy as np

from core.fills import FillModel
from strategies.hedge.config import Basis, HedgeConfig
from strategies.hedge.replay import replay
from strategies.hedge.search import Grid, search
from strategies.hedge.series import PremiumSeries

YEAR = 365 * 24 * 60


def year_series(n: int = YEAR, seed: int = 11) -> PremiumSeries:
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    # Ornstein-Uhlenbeck premium around 2 % with a daily swing: crosses bands a few times a week.
    noise = rng.normal(0.0, 0.03, n)
    prem = np.empty(n)
    p = 2.0
    for i in range(n):  # set-up only, not timed
        p += 0.002 * (2.0 - p) + noise[i]
        prem[i] = p
    prem += 0.8 * np.sin(2 * np.pi * t / 1440.0)
    binance = 2.0 * np.exp(np.cumsum(rng.normal(0, 0.0008, n)))
    usdt = 1400.0 * np.exp(np.cumsum(rng.normal(0, 0.00005, n)))
    upbit = binance * usdt * (1 + prem / 100)
    ts = 1_735_689_600 + 60 * t
    return PremiumSeries(coin="XRP", ts=ts, upbit_krw=upbit, binance_usdt=binance,
                         usdt_krw=usdt, usd_krw=np.full(n, np.nan), futures_usdt=binance)  # fmt: skip


def main(quick: bool = False) -> None:
    n = YEAR // 12 if quick else YEAR
    s = year_series(n)
    cfg = HedgeConfig("bench", ("XRP",), Decimal(1_000_000), Basis.USDT, 1.0, 3.0,
                      max_hold_s=3 * 86_400)  # fmt: skip
    model = FillModel(slippage_bps=5)
    prem = s.premium(cfg.basis)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        r = replay(s, cfg, model, premium=prem)
        best = min(best, time.perf_counter() - t0)
    t0 = time.perf_counter()
    replay(s, cfg, model)
    with_premium = time.perf_counter() - t0
    print(f"replay: {n:,} minutes, {len(r.closed)} hedges; best of 5 "
          f"{best * 1000:.1f} ms = {n / best / 1e6:.1f}M minutes/s "
          f"(premium array included: {n / with_premium / 1e6:.1f}M/s)")  # fmt: skip
    entries = np.round(np.linspace(-0.5, 2.0, 25 if not quick else 10), 4).tolist()
    exits = np.round(np.linspace(2.1, 4.5, 40 if not quick else 10), 4).tolist()
    grid = Grid(entries, exits, [1_000_000.0])
    t0 = time.perf_counter()
    found = search(s, cfg, grid, model, workers=2, top=3)
    took = time.perf_counter() - t0
    print(f"search: {found.combos:,} combinations x {n:,} minutes, 2 processes: {took:.1f} s")
    for c in found.best:
        print(f"  entry {c.entry_pct:+.2f} exit {c.exit_pct:+.2f}: train {c.train.pnl_krw:,.0f} KRW "
              f"({c.train.trades}), test {c.test.pnl_krw:,.0f} KRW ({c.test.trades})")  # fmt: skip


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
