"""A 24 h premium chart as PNG bytes. Figure objects, not pyplot: safe off the main thread."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, tzinfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from alerts.history import Sample
from core.fonts import hangul_properties


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The words on the chart, in the reader's language (the app words them)."""

    title: str = "premium, last 24 h"
    usdt: str = "USDT kimp"
    fx: str = "FX kimp"
    tether: str = "tether premium"


def render_chart(
    coin: str,
    samples: list[Sample],
    tz: tzinfo,
    high_pct: float | None = None,
    low_pct: float | None = None,
    labels: ChartLabels | None = None,
) -> bytes:
    """USDT kimp and FX kimp (tether premium for USDT) over time, thresholds as dashed lines."""
    words = labels or ChartLabels(title=f"{coin.upper()} premium, last 24 h ({tz})")
    font = hangul_properties()  # Korean titles and legends need Hangul glyphs
    fig = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    times = [datetime.fromtimestamp(s.minute_ts, tz) for s in samples]
    series = (
        [(words.tether, [s.tether for s in samples])]
        if coin.upper() == "USDT"
        else [
            (words.usdt, [s.usdt_kimp for s in samples]),
            (words.fx, [s.fx_kimp for s in samples]),
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
    ax.set_title(words.title, fontproperties=font)
    ax.set_ylabel("%")
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=tz))
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", prop=font)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
