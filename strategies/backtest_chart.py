"""The backtest's picture: equity in its currency with entry and exit markers, and the drawdown
under it. matplotlib's object API (no pyplot state), Agg backend, no display needed.

Amounts are written out in full (`12,345,678`): the default axis would print `1e7` or an offset
like `+1.23e7` above the axis, which reads as nonsense next to a KRW balance."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from strategies.engine import ClosedTrade

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_POINTS = 5000  # a year of minutes does not need 525k points on 1000 pixels


@dataclass(frozen=True, slots=True)
class EquityChartWords:
    """Labels, worded by the app from its catalog; the defaults are the English catalog's."""

    title: str = "Backtest equity"
    equity_axis: str = "Equity"
    drawdown_axis: str = "Drawdown (%)"
    entry: str = "Entry"
    exit: str = "Exit"
    time_axis: str = "Time (UTC)"


def drawdown_pct(equity: np.ndarray, start: float) -> np.ndarray:
    """Per point, how far below its running peak (start included) the equity is, in % (<= 0)."""
    if not equity.size:
        return np.zeros(0)
    peak = np.maximum.accumulate(np.maximum(equity, start))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(peak > 0, (equity - peak) / peak * 100.0, 0.0)


def equity_figure(
    ts_ms: np.ndarray,
    equity: np.ndarray,
    trades: Sequence[ClosedTrade],
    start: float,
    currency: str,
    words: EquityChartWords | None = None,
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    w = words or EquityChartWords()
    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    dd = drawdown_pct(equity, start)
    step = ts_ms.size // MAX_POINTS + 1
    days = _days(ts_ms[::step])
    top.plot(days, equity[::step], linewidth=1.0, color="#1f77b4")
    top.axhline(start, color="#888888", linewidth=0.7, linestyle=":")
    if trades and ts_ms.size:
        for when, marker, color, label in (
            ([t.entry_ts for t in trades], "^", "#2ca02c", w.entry),
            ([t.exit_ts for t in trades], "v", "#d62728", w.exit),
        ):
            at = np.asarray(when, dtype=np.int64)
            # The marker sits on the curve: the equity of the last point at or before the trade.
            i = np.clip(np.searchsorted(ts_ms, at, side="right") - 1, 0, ts_ms.size - 1)
            top.plot(_days(at), equity[i], linestyle="none", marker=marker, markersize=6,
                     color=color, label=label)  # fmt: skip
        top.legend(loc="upper left")
    places = 0 if currency == "KRW" else 2
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.{places}f}"))
    top.set_ylabel(w.equity_axis)
    top.set_title(w.title)
    top.grid(True, alpha=0.3)
    bottom.fill_between(days, dd[::step], 0.0, color="#d62728", alpha=0.35, linewidth=0)
    bottom.plot(days, dd[::step], linewidth=0.8, color="#d62728")
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.1f}"))
    bottom.set_ylabel(w.drawdown_axis)
    bottom.set_xlabel(w.time_axis)
    bottom.grid(True, alpha=0.3)
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(DateFormatter("%m-%d %H:%M"))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def equity_png(
    ts_ms: np.ndarray,
    equity: np.ndarray,
    trades: Sequence[ClosedTrade],
    start: float,
    currency: str,
    words: EquityChartWords | None = None,
) -> bytes:
    buf = io.BytesIO()
    equity_figure(ts_ms, equity, trades, start, currency, words).savefig(buf, format="png")
    return buf.getvalue()


def write_png(
    path: Path,
    ts_ms: np.ndarray,
    equity: np.ndarray,
    trades: Sequence[ClosedTrade],
    start: float,
    currency: str,
    words: EquityChartWords | None = None,
) -> None:
    path.write_bytes(equity_png(ts_ms, equity, trades, start, currency, words))


def _days(ts_ms: np.ndarray) -> np.ndarray:
    """Epoch milliseconds (UTC) as matplotlib date numbers."""
    from matplotlib.dates import date2num

    return np.asarray(date2num(np.asarray(ts_ms, dtype=np.int64).astype("datetime64[ms]")))
