"""Each built-in on crafted series where the right answer is known (found with pandas-ta as
the independent reference), through both backtest engines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas_ta as ta

from bot.i18n import render
from core.fills import FillModel
from core.signals import SignalAction
from strategies.backtest import BacktestResult, run_backtest
from strategies.builtin import BUILTINS
from tests.strategies.conftest import T0, bars_from, bot

ENTER, EXIT = SignalAction.ENTER_LONG, SignalAction.EXIT


def run(strategy: str, closes: np.ndarray, **kw: object) -> BacktestResult:
    d = bot(strategy, **kw)
    cls = BUILTINS[strategy]
    results = [
        run_backtest(
            d, cls.from_dict(d.params, "t"), [bars_from(closes)], FillModel(), 1e6, engine=e
        )
        for e in ("kernel", "events")
    ]
    k, e = results
    assert [(s.ts, s.action, s.taken) for s in k.signals] == [
        (s.ts, s.action, s.taken) for s in e.signals
    ]
    assert [(t.entry_ts, t.exit_ts, t.entry_price, t.exit_price, t.pnl) for t in k.trades] == [
        (t.entry_ts, t.exit_ts, t.entry_price, t.exit_price, t.pnl) for t in e.trades
    ]
    assert np.array_equal(k.equity, e.equity)
    return e


def idx(ts: int) -> int:
    return (ts - T0) // 60_000


def taken(r: BacktestResult) -> list[tuple[int, SignalAction]]:
    return [(idx(s.ts), s.action) for s in r.signals if s.taken]


def first(mask: np.ndarray, start: int = 0) -> int:
    hits = np.flatnonzero(mask[start:])
    assert hits.size, "the crafted series never meets the condition"
    return int(hits[0]) + start


def test_rsi_buys_below_30_and_sells_above_70() -> None:
    closes = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)]
    closes = np.r_[closes, closes[-1] * 1.012 ** np.arange(1, 26)]
    rsi = ta.rsi(pd.Series(closes), 14).to_numpy()
    entry = first(rsi < 30, 14)
    exit_ = first(rsi > 70, entry + 1)
    assert 30 <= entry < 45 <= exit_  # in the fall, then in the rise
    r = run("rsi", closes)
    assert taken(r) == [(entry, ENTER), (exit_, EXIT)]
    assert len(r.trades) == 1 and r.trades[0].pnl > 0
    why = r.signals[0].reason
    assert "RSI14" in render("en", why) and "< 30 (oversold)" in render("en", why)
    # A catalog text, worded for the reader: Korean in Korean mode (issue 14)
    assert render("ko", why).endswith("< 30 (과매도)"), render("ko", why)


def test_ema_trend_enters_when_7_25_99_stack_up_and_exits_when_7_drops_below_25() -> None:
    closes = np.r_[np.full(150, 100.0), 100 * 1.01 ** np.arange(1, 101)]
    closes = np.r_[closes, closes[-1] * 0.99 ** np.arange(1, 101)]
    s = pd.Series(closes)
    e7, e25, e99 = (ta.ema(s, n).to_numpy() for n in (7, 25, 99))
    entry = first((e7 > e25) & (e25 > e99))
    exit_ = first(e7 < e25, entry)
    assert 150 <= entry < 250 <= exit_
    assert taken(run("ema_trend", closes)) == [(entry, ENTER), (exit_, EXIT)]


def test_macd_trades_histogram_zero_crosses() -> None:
    closes = 100 + 5 * np.sin(np.arange(400) * 2 * np.pi / 60)
    h = ta.macd(pd.Series(closes))["MACDh_12_26_9"].to_numpy()
    expected = []
    pos = False
    for i in range(1, len(h)):
        if np.isnan(h[i]) or np.isnan(h[i - 1]):
            continue
        if not pos and h[i - 1] <= 0 < h[i]:
            expected.append((i, ENTER))
            pos = True
        elif pos and h[i] < 0:
            expected.append((i, EXIT))
            pos = False
    assert len(expected) >= 8
    assert taken(run("macd", closes)) == expected


def _choppy_uptrend(swing: float, drift: float = 0.001) -> np.ndarray:
    n = 400
    trend = 100 * (1 + drift) ** np.arange(n)
    return trend * (1 + swing * (-1.0) ** np.arange(n))


def test_combined_enters_on_a_calm_uptrend_and_the_volatility_filter_blocks_a_wild_one() -> None:
    calm = run("combined", _choppy_uptrend(0.003))
    assert calm.signals and calm.signals[0].action is ENTER and calm.signals[0].taken

    wild = _choppy_uptrend(0.08)
    vol = pd.Series(wild).pct_change().rolling(20).std().to_numpy()
    assert np.nanmin(vol) > 0.05  # every defined value is above the 5 % cap
    unfiltered = run("combined", wild, params={"max_volatility": 1.0})
    assert any(s.action is ENTER for s in unfiltered.signals)
    assert run("combined", wild).signals == []


def test_combined_exits_when_rsi_gets_overbought() -> None:
    base = _choppy_uptrend(0.003)[:200]
    closes = np.r_[base, base[-1] * 1.02 ** np.arange(1, 15)]
    r = run("combined", closes)
    exits = [s for s in r.signals if s.action is EXIT and s.taken]
    assert exits and "RSI" in render("en", exits[0].reason)


def _cross_series() -> np.ndarray:
    # Up (cross up), down (cross down), up again soon after.
    return np.r_[np.full(10, 100.0), np.linspace(100, 110, 6)[1:], np.linspace(110, 90, 6)[1:],
                 np.linspace(90, 115, 6)[1:], np.full(10, 115.0)]  # fmt: skip


def test_ma_cross_cooldown_refuses_a_quick_reentry() -> None:
    closes = _cross_series()
    free = run("ma_cross", closes, params={"cooldown_candles": 0})
    assert [a for _, a in taken(free)] == [ENTER, EXIT, ENTER]
    reentry, exit_at = taken(free)[2][0], taken(free)[1][0]
    gap = reentry - exit_at
    cooled = run("ma_cross", closes, params={"cooldown_candles": gap})
    assert [a for _, a in taken(cooled)] == [ENTER, EXIT]
    refused = [s for s in cooled.signals if not s.taken]
    assert (
        refused and idx(refused[0].ts) == reentry and "cooldown" in render("en", refused[0].reason)
    )
    # One candle less of cooldown lets it through.
    assert len(taken(run("ma_cross", closes, params={"cooldown_candles": gap - 1}))) == 3


def test_ma_cross_min_confidence_refuses_a_hairline_cross() -> None:
    closes = np.r_[np.full(10, 100.0), np.full(10, 100.001)]  # SMA gap of 0.001 %
    r = run("ma_cross", closes)
    assert [(s.action, s.taken) for s in r.signals] == [(ENTER, False)]
    assert "confidence" in render("en", r.signals[0].reason)
    assert "신뢰도" in render("ko", r.signals[0].reason)
    assert taken(run("ma_cross", closes, params={"min_confidence": 0.0})) == [(10, ENTER)]


def test_stop_loss_and_take_profit_exit_before_the_strategy_does() -> None:
    rise = [101.0, 102.0, 103.0]
    base = run("ma_cross", np.r_[np.full(10, 100.0), rise, np.full(10, 103.0)])
    assert taken(base) == [(10, ENTER)]  # no exit signal from the strategy itself
    sl = run("ma_cross", np.r_[np.full(10, 100.0), rise, 97.0, np.full(5, 97.0)], stop_loss_pct=2.0)
    assert [render("en", t.exit_reason).split(":")[0] for t in sl.trades] == ["stop-loss"]
    assert idx(sl.trades[0].exit_ts) == 13
    tp = run("ma_cross", np.r_[np.full(10, 100.0), rise, np.full(10, 103.0)], take_profit_pct=1.5)
    assert [render("en", t.exit_reason).split(":")[0] for t in tp.trades] == ["take-profit"]
    assert idx(tp.trades[0].exit_ts) == 12 and tp.trades[0].pnl > 0
    kinds = [render("ko", t.exit_reason).split(":")[0] for t in sl.trades + tp.trades]
    assert kinds == ["손절", "익절"]
