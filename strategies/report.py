"""Backtest metrics and the printed report (the picture: strategies/backtest_chart.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import numpy as np

from core import numbers
from strategies.engine import ClosedTrade


@dataclass(frozen=True, slots=True)
class Metrics:
    trades: int
    wins: int
    win_rate: float  # %
    profit_factor: float  # gross profit / gross loss; inf without losses
    max_drawdown_pct: float
    start_equity: float
    final_equity: float
    return_pct: float
    fees: float


def compute_metrics(trades: list[ClosedTrade], equity: np.ndarray, start: float) -> Metrics:
    pnl = np.array([t.pnl for t in trades], dtype=np.float64)
    wins = int((pnl > 0).sum())
    gross_win = float(pnl[pnl > 0].sum())
    gross_loss = float(-pnl[pnl < 0].sum())
    pf = gross_win / gross_loss if gross_loss > 0 else (math.inf if gross_win > 0 else 0.0)
    curve = np.concatenate(([start], equity)) if equity.size else np.array([start])
    peak = np.maximum.accumulate(curve)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(peak > 0, (peak - curve) / peak, 0.0)
    final = float(curve[-1])
    return Metrics(
        trades=len(trades),
        wins=wins,
        win_rate=100.0 * wins / len(trades) if trades else 0.0,
        profit_factor=pf,
        max_drawdown_pct=100.0 * float(dd.max()),
        start_equity=start,
        final_equity=final,
        return_pct=100.0 * (final / start - 1.0) if start > 0 else 0.0,
        fees=float(sum(t.fees for t in trades)),
    )


def _ts(ms: int, tz: tzinfo) -> str:
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d %H:%M")


def format_trades(trades: list[ClosedTrade], limit: int = 50, tz: tzinfo = UTC) -> str:
    """The trade table, times in `tz` (TIMEZONE), the zone named in the header."""
    if not trades:
        return "No trades."
    zone = datetime.fromtimestamp(trades[0].entry_ts / 1000, tz).tzname() or "UTC"
    entry, exit_ = f"entry ({zone})", f"exit ({zone})"
    head = f"{entry:<16} {exit_:<16} {'symbol':<10} {'side':<5} "
    head += f"{'entry':>12} {'exit':>12} {'pnl':>12}  reason"
    lines = [head]
    shown = trades if len(trades) <= limit else trades[:limit]
    for t in shown:
        side = "long" if t.side > 0 else "short"
        lines.append(
            f"{_ts(t.entry_ts, tz):<16} {_ts(t.exit_ts, tz):<16} {t.instrument.symbol!s:<10} "
            f"{side:<5} "
            f"{numbers.price(t.entry_price):>12} {numbers.price(t.exit_price):>12} "
            f"{numbers.signed(t.pnl, t.instrument.symbol.quote):>12}  {t.exit_reason}"
        )
    if len(trades) > limit:
        lines.append(f"... and {len(trades) - limit} more trades")
    return "\n".join(lines)


def format_metrics(m: Metrics) -> str:
    pf = "inf" if math.isinf(m.profit_factor) else f"{m.profit_factor:.2f}"
    return "\n".join(
        [
            f"Trades:          {m.trades}",
            f"Win rate:        {m.win_rate:.1f}% ({m.wins} winners)",
            f"Profit factor:   {pf}",
            f"Max drawdown:    {m.max_drawdown_pct:.2f}%",
            f"Fees paid:       {numbers.grouped(m.fees, 2)}",
            f"Start equity:    {numbers.grouped(m.start_equity, 2)}",
            f"Final equity:    {numbers.grouped(m.final_equity, 2)} "
            f"({numbers.percent(m.return_pct)}%)",
        ]
    )
