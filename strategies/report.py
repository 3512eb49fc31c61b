"""Backtest metrics and the printed report (the picture: strategies/backtest_chart.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

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


def _ts(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")


def format_trades(trades: list[ClosedTrade], limit: int = 50) -> str:
    if not trades:
        return "No trades."
    head = f"{'entry (UTC)':<16} {'exit (UTC)':<16} {'symbol':<10} {'side':<5} "
    head += f"{'entry':>12} {'exit':>12} {'pnl':>12}  reason"
    lines = [head]
    shown = trades if len(trades) <= limit else trades[:limit]
    for t in shown:
        side = "long" if t.side > 0 else "short"
        lines.append(
            f"{_ts(t.entry_ts):<16} {_ts(t.exit_ts):<16} {t.instrument.symbol!s:<10} {side:<5} "
            f"{t.entry_price:>12.6g} {t.exit_price:>12.6g} {t.pnl:>12.2f}  {t.exit_reason}"
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
            f"Fees paid:       {m.fees:,.2f}",
            f"Start equity:    {m.start_equity:,.2f}",
            f"Final equity:    {m.final_equity:,.2f} ({m.return_pct:+.2f}%)",
        ]
    )
