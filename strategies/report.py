"""Backtest metrics and the printed report (the picture: strategies/backtest_chart.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import numpy as np

from core import numbers
from core.numbers import Money, Price
from core.text import Text
from strategies.engine import ClosedTrade

Words = Callable[[Text], str]  # the app's wording (bot/i18n render in LANGUAGE)
# The trade table's columns; the last (the exit reason) is not padded.
_COLUMNS = (
    "bt.col.entry", "bt.col.exit", "bt.col.symbol", "bt.col.side", "bt.col.entry_price",
    "bt.col.exit_price", "bt.col.pnl", "bt.col.reason",
)  # fmt: skip
_NUMERIC = {4, 5, 6}  # right-aligned


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


def _value(value: Price | Money) -> Text:
    return Text.of("bt.value", value=value)


def format_trades(
    trades: list[ClosedTrade], limit: int = 50, tz: tzinfo = UTC, words: Words = str
) -> str:
    """The trade table, times in `tz` (TIMEZONE), the zone named in the header; `words`: the
    app's wording of a catalog `Text` in the configured language (prices and PnL with their
    unit, through the one money formatter)."""
    if not trades:
        return words(Text.of("bt.no_trades"))
    zone = datetime.fromtimestamp(trades[0].entry_ts / 1000, tz).tzname() or "UTC"
    head = [
        words(Text.of(k, zone=zone) if k in ("bt.col.entry", "bt.col.exit") else Text.of(k))
        for k in _COLUMNS
    ]
    rows = [head]
    for t in trades[:limit]:
        quote = t.instrument.symbol.quote
        reason = t.exit_reason if isinstance(t.exit_reason, str) else words(t.exit_reason)
        rows.append(
            [
                _ts(t.entry_ts, tz),
                _ts(t.exit_ts, tz),
                str(t.instrument.symbol),
                words(Text.of("forced.long" if t.side > 0 else "forced.short")),
                words(_value(Price(numbers.to_decimal(t.entry_price), quote))),
                words(_value(Price(numbers.to_decimal(t.exit_price), quote))),
                words(_value(Money(numbers.to_decimal(t.pnl), quote, signed=True))),
                reason,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS) - 1)]
    lines = []
    for r in rows:
        cells = [
            c.rjust(w) if i in _NUMERIC else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=False))
        ]
        lines.append(" ".join(cells) + "  " + r[-1])
    if len(trades) > limit:
        lines.append(words(Text.of("bt.more_trades", n=len(trades) - limit)))
    return "\n".join(lines)


def format_metrics(m: Metrics, currency: str, words: Words = str) -> str:
    """The summary, in the configured language; equity and fees in `currency`."""
    pf = "∞" if math.isinf(m.profit_factor) else numbers.grouped(m.profit_factor, 2)

    def cash(value: float) -> Money:
        return Money(numbers.to_decimal(value), currency)

    texts = [
        Text.of("bt.m.trades", n=m.trades),
        Text.of("bt.m.win_rate", rate=numbers.grouped(m.win_rate, 1), wins=m.wins),
        Text.of("bt.m.profit_factor", pf=pf),
        Text.of("bt.m.drawdown", pct=numbers.grouped(m.max_drawdown_pct, 2)),
        Text.of("bt.m.fees", fees=cash(m.fees)),
        Text.of("bt.m.start", equity=cash(m.start_equity)),
        Text.of("bt.m.final", equity=cash(m.final_equity), pct=numbers.percent(m.return_pct)),
    ]
    return "\n".join(words(t) for t in texts)
