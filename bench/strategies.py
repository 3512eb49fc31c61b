"""Strategy benchmarks: `python -m bench.strategies` (or the service's `bench` command).

Prints, for the combined strategy (EMA 7/25/99 + RSI 14 + MACD 12/26/9 + volatility):
* the incremental indicator update per closed candle per symbol (target < 20 µs), and the whole
  live evaluation (indicators + numba decision + Signal);
* backtest throughput over one year of 1-minute candles (target >= 1,000,000 candles/s) on the
  numba kernel, and the event-driven engine for comparison;
* the cost of a full pandas-ta recompute over a 500-candle window, what a naive live path pays.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np

from core.fills import FillModel
from core.market import Candle
from core.symbols import Instrument, Symbol, Venue
from strategies.backtest import run_backtest
from strategies.bars import Bars
from strategies.botconfig import BotDefinition
from strategies.builtin import Combined

YEAR_MINUTES = 365 * 1440


def _walk(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 50_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.0015, n)))


def _candles(closes: np.ndarray, inst: Instrument) -> list[Candle]:
    return [
        Candle(inst, "1m", i * 60_000, float(c), float(c), float(c), float(c), 1.0)
        for i, c in enumerate(closes)
    ]


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_incremental(symbols: int, per_symbol: int) -> tuple[float, float]:
    """µs per closed candle per symbol: (indicators only, full on_candle)."""
    strat = Combined(bot="bench")
    insts = [Instrument(Venue.UPBIT, Symbol(f"C{i}", "KRW")) for i in range(symbols)]
    series = [_candles(_walk(per_symbol, seed=i), inst) for i, inst in enumerate(insts)]
    # Interleave like live: one candle per symbol per minute.
    stream = [series[s][k] for k in range(per_symbol) for s in range(symbols)]
    states = {inst: strat.new_state() for inst in insts}

    def indicators() -> None:
        for c in stream:
            states[c.instrument].update(c)

    def full() -> None:
        s = Combined(bot="bench")
        on = s.on_candle
        for c in stream:
            on(c, 0)

    full()  # compile the decision function before timing
    t_ind = _best(indicators, 3)
    t_full = _best(full, 3)
    n = len(stream)
    return t_ind / n * 1e6, t_full / n * 1e6


def bench_backtest(n: int) -> tuple[float, float, int]:
    """(seconds, candles/s, trades) for the combined strategy on the kernel."""
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    closes = _walk(n, seed=42)
    opens = np.concatenate(([closes[0]], closes[:-1]))
    bars = Bars(inst, "1m", np.arange(n, dtype=np.int64) * 60_000, opens,
                np.maximum(opens, closes), np.minimum(opens, closes), closes, np.ones(n))  # fmt: skip
    d = BotDefinition.model_validate(
        {"name": "bench", "strategy": "combined", "exchange": "binance", "symbols": ["BTC/USDT"],
         "stake": 1000, "stop_loss_pct": 2.0, "take_profit_pct": 5.0}
    )  # fmt: skip
    fills = FillModel()
    result = run_backtest(d, Combined(bot="bench"), [bars], fills, 10_000.0)  # compile
    # Timed: features, the kernel, the trade list and the metrics (signal records are lazy).
    t = _best(lambda: run_backtest(d, Combined(bot="bench"), [bars], fills, 1e4).metrics, 3)
    return t, n / t, len(result.trades)


def bench_events(n: int) -> float:
    """candles/s of the event-driven engine (the live runner's core) on the same strategy."""
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    bars = Bars.from_candles(_candles(_walk(n, seed=42), inst))
    d = BotDefinition.model_validate(
        {"name": "bench", "strategy": "combined", "exchange": "binance", "symbols": ["BTC/USDT"],
         "stake": 1000}
    )  # fmt: skip
    t = _best(lambda: run_backtest(d, Combined(), [bars], FillModel(), 1e4, "events"), 1)
    return n / t


def bench_pandas_ta(window: int, repeat: int) -> float:
    """ms for one full pandas-ta recompute of the combined strategy's indicators."""
    import pandas as pd
    import pandas_ta as ta

    s = pd.Series(_walk(window))

    def recompute() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ta.ema(s, 7), ta.ema(s, 25), ta.ema(s, 99), ta.rsi(s, 14), ta.macd(s, 12, 26, 9)
            s.pct_change().rolling(20).std()

    recompute()
    t0 = time.perf_counter()
    for _ in range(repeat):
        recompute()
    return (time.perf_counter() - t0) / repeat * 1e3


def main(quick: bool = False) -> None:
    """Print the strategy benchmark figures."""
    symbols, per_symbol = (20, 1000) if quick else (100, 2000)
    ind, full = bench_incremental(symbols, per_symbol)
    print(
        f"combined strategy, incremental update per closed candle per symbol "
        f"({symbols} symbols x {per_symbol} candles):"
    )
    print(f"  indicators only:                 {ind:7.2f} µs   (target < 20 µs)")
    print(f"  full live evaluation (+decision): {full:6.2f} µs")
    n = YEAR_MINUTES // 12 if quick else YEAR_MINUTES
    secs, rate, trades = bench_backtest(n)
    label = "one month" if quick else "one year"
    print(
        f"backtest, combined strategy, {label} of 1-minute candles ({n:,} candles, numba kernel):"
    )
    print(
        f"  {secs * 1e3:8.1f} ms  ->  {rate:,.0f} candles/s   (target >= 1,000,000); {trades} trades"
    )
    ev = bench_events(20_000 if quick else 100_000)
    print(f"  event-driven engine (live runner core), for comparison: {ev:,.0f} candles/s")
    ms = bench_pandas_ta(500, 20 if quick else 100)
    print(f"pandas-ta full recompute of the same indicators over 500 candles: {ms:.2f} ms "
          f"({ms * 1e3 / max(full, 1e-9):,.0f}x the incremental live evaluation)")  # fmt: skip


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m bench.strategies")
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
