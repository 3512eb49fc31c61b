"""The report's PNG: BTC premium over the day (or a clear "no data" card). Runs in a worker
thread through the object-oriented matplotlib API (no pyplot global state)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, tzinfo

from core.fonts import hangul_properties


def premium_chart(
    series: Sequence[tuple[float, float]], tz: tzinfo, title: str, empty_label: str
) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.figure import Figure

    font = hangul_properties()  # the title may be Korean
    fig = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title, fontsize=11, fontproperties=font)
    if series:
        xs = [date2num(datetime.fromtimestamp(ts, tz)) for ts, _ in series]
        ys = [v for _, v in series]
        ax.plot(xs, ys, linewidth=1.2, color="#d62728")
        ax.axhline(0.0, color="#888888", linewidth=0.8)
        ax.set_ylabel("%")
        ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=tz))
        ax.grid(True, alpha=0.3)
    else:
        ax.text(
            0.5, 0.5, empty_label, ha="center", va="center", color="#666666", fontproperties=font
        )
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
