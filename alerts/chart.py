"""A 24 h premium chart as PNG bytes. Figure objects, not pyplot: safe off the main thread.

The words on it come from the app's catalog (`PremiumChartWords`); the defaults here are the
English catalog's, for callers that have no language (tests, tools)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, tzinfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure

from alerts.history import Sample


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The words on the chart, in the reader's language (the app words them)."""

    title: str = "premium, last 24 h"
    usdt: str = "USDT kimp"
    fx: str = "FX kimp"
    tether: str = "tether premium"


@dataclass(frozen=True, slots=True)
class PremiumChartWords:
    title: str = ""  # empty: "<COIN> premium, last 24 h (<zone>)"
    axis: str = "Premium (%)"
    time_axis: str = ""
    usdt_kimp: str = "USDT kimp"
    fx_kimp: str = "FX kimp"
    tether: str = "Tether premium"


def premium_figure(
    coin: str,
    samples: list[Sample],
    tz: tzinfo,
    high_pct: float | None = None,
    low_pct: float | None = None,
    words: PremiumChartWords | None = None,
) -> Figure:
    """USDT kimp and FX kimp (tether premium for USDT) over time, thresholds as dashed lines."""
    w = words or PremiumChartWords()
    fig = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    times = [datetime.fromtimestamp(s.minute_ts, tz) for s in samples]
    series = (
        [(w.tether, [s.tether for s in samples])]
        if coin.upper() == "USDT"
        else [
            (w.usdt_kimp, [s.usdt_kimp for s in samples]),
            (w.fx_kimp, [s.fx_kimp for s in samples]),
        ]
    )
    for label, values in series:
        pts = [(t, v) for t, v in zip(times, values, strict=True) if v is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], label=label, linewidth=1.2)  # type: ignore[arg-type]
    for level, color in ((high_pct, "tab:red"), (low_pct, "tab:blue")):
        if level is not None:
            ax.axhline(level, color=color, linestyle="--", linewidth=0.8)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_title(w.title or f"{coin.upper()} premium, last 24 h ({tz})")
    ax.set_ylabel(w.axis)
    if w.time_axis:
        ax.set_xlabel(w.time_axis, fontsize=9)
    # Ticks on whole hours of the chart's zone, not the locator's UTC-based 4h48m steps.
    ax.xaxis.set_major_locator(AutoDateLocator(tz=tz))
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=tz))
    ax.yaxis.get_major_formatter().set_useOffset(False)  # type: ignore[attr-defined]
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def render_chart(
    coin: str,
    samples: list[Sample],
    tz: tzinfo,
    high_pct: float | None = None,
    low_pct: float | None = None,
    words: PremiumChartWords | None = None,
) -> bytes:
    fig = premium_figure(coin, samples, tz, high_pct, low_pct, words)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
