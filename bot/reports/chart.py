"""The report's PNG: the BTC premium over the period and, under it, cumulative realised PnL
with one panel per currency (KRW and USDT are never drawn on one axis). Runs in a worker thread
through the object-oriented matplotlib API (no pyplot global state)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Cumulative realised PnL per currency: (time stamp, running total) in time order.
PnlSeries = Mapping[str, Sequence[tuple[float, Decimal]]]


@dataclass(frozen=True, slots=True)
class ReportChartWords:
    """Titles and labels, worded by the caller from the catalog (bot/i18n)."""

    premium_title: str
    premium_empty: str
    premium_axis: str
    pnl_titles: Mapping[str, str]  # currency -> panel title
    pnl_axes: Mapping[str, str]  # currency -> y-axis label
    pnl_empty: str
    time_axis: str


def report_figure(
    premium: Sequence[tuple[float, float]],
    pnl: PnlSeries,
    tz: tzinfo,
    words: ReportChartWords,
    span: tuple[float, float] | None = None,
) -> Figure:
    """The premium panel on top, then a cumulative PnL panel per currency (or one "no trades"
    panel); the time axis in `tz`, over `span` (the report period) on every panel."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = max(1, len(pnl))
    fig = Figure(figsize=(8, 3.2 + 2.4 * panels), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1 + panels, 1, squeeze=False)[:, 0]
    _premium(axes[0], premium, tz, words)
    if not pnl:
        _empty(axes[1], words.pnl_empty)
    else:
        for ax, (currency, points) in zip(axes[1:], pnl.items(), strict=True):
            _pnl(ax, currency, points, tz, words)
    if span is not None:
        lo, hi = _times([(span[0], 0), (span[1], 0)], tz)
        for ax in axes:
            if ax.lines:  # the "no data" panels keep their blank frame
                ax.set_xlim(lo, hi)
    fig.tight_layout()
    return fig


def report_chart(
    premium: Sequence[tuple[float, float]],
    pnl: PnlSeries,
    tz: tzinfo,
    words: ReportChartWords,
    span: tuple[float, float] | None = None,
) -> bytes:
    return png(report_figure(premium, pnl, tz, words, span))


def premium_chart(
    series: Sequence[tuple[float, float]], tz: tzinfo, title: str, empty_label: str
) -> bytes:
    """The premium panel alone (a notification's test picture, a report without trading)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    words = ReportChartWords(title, empty_label, "%", {}, {}, "", "")
    _premium(fig.add_subplot(1, 1, 1), series, tz, words)
    fig.tight_layout()
    return png(fig)


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _premium(
    ax: Axes, series: Sequence[tuple[float, float]], tz: tzinfo, words: ReportChartWords
) -> None:
    ax.set_title(words.premium_title, fontsize=11)
    if not series:
        _empty(ax, words.premium_empty)
        return
    _time_axis(ax, tz, words.time_axis)
    ax.plot(_times(series, tz), [v for _, v in series], linewidth=1.2, color="#d62728")
    ax.axhline(0.0, color="#888888", linewidth=0.8)
    ax.set_ylabel(words.premium_axis)


def _pnl(
    ax: Axes,
    currency: str,
    points: Sequence[tuple[float, Decimal]],
    tz: tzinfo,
    words: ReportChartWords,
) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.set_title(words.pnl_titles.get(currency, currency), fontsize=11)
    _time_axis(ax, tz, words.time_axis)
    ys = [float(v) for _, v in points]
    color = "#2ca02c" if ys and ys[-1] >= 0 else "#d62728"
    # A point is the total at the end of its step: "pre" draws it over the step it was made in.
    ax.step(_times(points, tz), ys, where="pre", linewidth=1.4, color=color)
    ax.axhline(0.0, color="#888888", linewidth=0.8)
    ax.set_ylabel(words.pnl_axes.get(currency, currency))
    # Plain amounts with thousands separators: never "1e6" or an offset above the axis.
    places = 0 if currency == "KRW" else 2
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{places}f}"))


def _time_axis(ax: Axes, tz: tzinfo, label: str) -> None:
    from matplotlib.dates import DateFormatter, HourLocator

    # Whole hours in the report's zone (the automatic locator picks 23:24, 04:12, ...).
    ax.xaxis.set_major_locator(HourLocator(interval=3, tz=tz))
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=tz))
    ax.set_xlabel(label, fontsize=9)
    ax.grid(True, alpha=0.3)


def _times(series: Sequence[tuple[float, object]], tz: tzinfo) -> list[float]:
    from matplotlib.dates import date2num

    return [float(date2num(datetime.fromtimestamp(ts, tz))) for ts, _ in series]


def _empty(ax: Axes, label: str) -> None:
    ax.text(0.5, 0.5, label, ha="center", va="center", fontsize=14, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])
