"""Where the report chart's PnL comes from: the one data access of the PnL panel.

It asks the trading report queries (`bot_days`, realised PnL per bot and currency in a window)
for consecutive slices of the period and adds them up, so the chart and the report's text read
the same numbers. When the ledger offers a time series of its own, re-point this function.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from bot.reports.chart import PnlSeries
from bot.reports.sources import TradingReports

STEPS = 48  # half-hour steps over a day: enough to see when the money was made


async def realised_pnl_series(
    trading: TradingReports, since: float, until: float, paper: bool, steps: int = STEPS
) -> PnlSeries:
    """Cumulative realised PnL per quote currency over [since, until), a point at the start
    and at the end of every step; only currencies that had fills in the period."""
    edges = [since + (until - since) * i / steps for i in range(steps + 1)]
    totals: dict[str, Decimal] = {}
    series: dict[str, list[tuple[float, Decimal]]] = {}
    for i, (start, end) in enumerate(itertools.pairwise(edges)):
        step: dict[str, Decimal] = {}
        for day in await trading.bot_days(start, end, paper):
            for currency, value in day.pnl.items():
                step[currency] = step.get(currency, Decimal(0)) + value
        for currency in step:
            if currency not in series:
                series[currency] = [(e, Decimal(0)) for e in edges[: i + 1]]
        for currency, points in series.items():
            totals[currency] = totals.get(currency, Decimal(0)) + step.get(currency, Decimal(0))
            points.append((end, totals[currency]))
    # KRW first, then the others by name: the panels keep one order from day to day.
    return {c: series[c] for c in sorted(series, key=lambda c: (c != "KRW", c))}
