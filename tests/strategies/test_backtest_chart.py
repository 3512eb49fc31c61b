"""The backtest chart: equity in its currency written out in full (no offset or 1e7 above the
axis), entry and exit markers on the curve, and the drawdown panel under it."""

from __future__ import annotations

import re

import numpy as np
import pytest

from strategies.backtest_chart import EquityChartWords, drawdown_pct, equity_figure
from strategies.engine import ClosedTrade
from strategies.report import compute_metrics
from tests.strategies.conftest import BTC_USDT_F, T0


def _trade(entry_min: int, exit_min: int, pnl: float) -> ClosedTrade:
    return ClosedTrade(BTC_USDT_F, 1, T0 + entry_min * 60_000, T0 + exit_min * 60_000,
                       100.0, 101.0, 1.0, 0.1, pnl, "signal")  # fmt: skip


def test_backtest_chart_axes_currency_trades_and_drawdown() -> None:
    ts = T0 + np.arange(600, dtype=np.int64) * 60_000
    # 10,000,000 KRW moving by a few thousand: the default axis would put an offset above it.
    equity = 10_000_000 + 3_000 * np.sin(np.arange(600) / 40.0)
    trades = [_trade(10, 50, 1_200.0), _trade(100, 130, -800.0), _trade(300, 420, 2_000.0)]
    words = EquityChartWords(title="b equity (KRW)", equity_axis="Equity (KRW)")
    fig = equity_figure(ts, equity, trades, 10_000_000.0, "KRW", words)
    fig.canvas.draw()
    top, bottom = fig.axes
    for ax in fig.axes:
        assert ax.yaxis.get_offset_text().get_text() == ""
    labels = [t.get_text() for t in top.get_yticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"10,0\d\d,\d{3}|9,99\d,\d{3}", s) for s in labels), labels
    assert top.get_ylabel() == "Equity (KRW)"
    markers = {ln.get_label(): ln for ln in top.lines if ln.get_marker() in ("^", "v")}
    assert set(markers) == {"Entry", "Exit"}
    entry_x = markers["Entry"].get_xdata()
    assert len(entry_x) == 3  # type: ignore[arg-type]
    # Each marker sits on the curve at its trade's time.
    assert list(markers["Exit"].get_ydata()) == pytest.approx(
        [equity[50], equity[130], equity[420]]
    )  # type: ignore[arg-type]
    assert bottom.get_ylabel() == "Drawdown (%)"
    dd = np.asarray(bottom.lines[0].get_ydata())
    m = compute_metrics([], equity, 10_000_000.0)
    assert dd.min() == pytest.approx(-m.max_drawdown_pct)
    assert (dd <= 0).all()


def test_drawdown_is_measured_from_the_start_equity() -> None:
    dd = drawdown_pct(np.array([90.0, 120.0, 60.0]), 100.0)
    assert dd == pytest.approx([-10.0, 0.0, -50.0])
