"""The replay's picture: equity in KRW over the premium with the bot's bands and its entries and
exits. matplotlib's object API, Agg backend; the labels come worded from the app (which also
registers the Hangul font, `bot.chart_fonts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from strategies.hedge.config import HedgeConfig
from strategies.hedge.replay import ReplayResult
from strategies.hedge.series import PremiumSeries

MAX_POINTS = 5000


@dataclass(frozen=True, slots=True)
class HedgeChartWords:
    title: str = "Kimp hedge replay"
    equity_axis: str = "Equity (KRW)"
    premium_axis: str = "Premium (%)"
    bands: str = "entry / exit"
    entry: str = "Entry"
    exit: str = "Exit"
    time_axis: str = "Time (UTC)"


def write_png(
    path: Path,
    s: PremiumSeries,
    premium: np.ndarray,
    equity: np.ndarray,
    r: ReplayResult,
    cfg: HedgeConfig,
    words: HedgeChartWords,
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 2])
    step = len(s) // MAX_POINTS + 1
    days = np.asarray(date2num((s.ts * 1000).astype(np.int64).astype("datetime64[ms]")))
    top.plot(days[::step], equity[::step], linewidth=1.0, color="#1f77b4")
    top.axhline(0.0, color="#888888", linewidth=0.7, linestyle=":")
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    top.set_ylabel(words.equity_axis)
    top.set_title(words.title)
    top.grid(True, alpha=0.3)
    bottom.plot(days[::step], premium[::step], linewidth=0.8, color="#555555")
    for band, color in ((cfg.entry_pct, "#2ca02c"), (cfg.exit_pct, "#d62728")):
        bottom.axhline(band, color=color, linewidth=0.8, linestyle="--")
    bottom.plot([], [], linestyle="--", color="#888888", label=words.bands)
    events = r.events()
    for kind, marker, color, label in (
        ("enter", "^", "#2ca02c", words.entry),
        ("exit", "v", "#d62728", words.exit),
    ):
        at = np.array([ts for ts, k, _d in events if k == kind], dtype=np.float64)
        i = np.clip(np.searchsorted(s.ts, at), 0, max(len(s) - 1, 0))
        if at.size:
            bottom.plot(days[i], premium[i], linestyle="none", marker=marker, markersize=6,
                        color=color, label=label)  # fmt: skip
    bottom.legend(loc="upper left")
    bottom.set_ylabel(words.premium_axis)
    bottom.set_xlabel(words.time_axis)
    bottom.grid(True, alpha=0.3)
    bottom.xaxis.set_major_formatter(DateFormatter("%m-%d %H:%M"))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, format="png")
