"""Freqtrade-class statistics over the trade book (`trading.trades`): pure functions.

Every figure is in KRW (each trade's quote converted at the rate the caller supplies) so
Upbit and Binance trades add up. Exit reasons are classified by the caller (`ExitReason`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.symbols import Instrument
from trading.trades import Trade

ZERO = Decimal(0)


class ExitReason(StrEnum):
    """Why a trade closed (/stats groups by it)."""

    SIGNAL = "signal"  # the bot's strategy decided
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"
    FORCED_EXIT = "forced_exit"  # /sell <bot>
    MANUAL = "manual"  # the user's own order
    LIQUIDATION = "liquidation"  # the venue's order (liquidation, ADL)
    OTHER = "other"  # closed without a fill of ours on record (adopted from the venue)


@dataclass(frozen=True, slots=True)
class TradeRow:
    """A trade with what the views add: its KRW rate (None: unknown) and its exit reason."""

    trade: Trade
    rate: Decimal | None
    reason: ExitReason | None  # None while open

    @property
    def realized_krw(self) -> Decimal:
        return self.trade.realized * (self.rate or ZERO)

    @property
    def cost_krw(self) -> Decimal:
        return self.trade.cost * (self.rate or ZERO)


@dataclass(frozen=True, slots=True)
class PositionRow:
    """One owner's part of an open position, valued at the mark (None: no fresh price)."""

    instrument: Instrument
    owner: str | None
    qty: Decimal  # signed
    entry_price: Decimal  # the position's average cost (what its realised PnL is measured from)
    mark: Decimal | None
    leverage: int
    realized: Decimal  # of the open trade so far: entry fees, partial exits
    trade_id: int | None
    liquidation_price: Decimal | None = None  # the venue's (futures), None when unknown

    @property
    def cost(self) -> Decimal:
        return abs(self.qty) * self.entry_price

    @property
    def value(self) -> Decimal | None:
        return abs(self.qty) * self.mark if self.mark is not None else None

    @property
    def unrealized(self) -> Decimal | None:
        return (self.mark - self.entry_price) * self.qty if self.mark is not None else None

    @property
    def unrealized_pct(self) -> Decimal | None:
        """Of what the position's margin is (its cost over the leverage): what it returns on the
        money put in."""
        u = self.unrealized
        return _pct(u * self.leverage, self.cost) if u is not None else None

    @property
    def margin(self) -> Decimal:
        return self.cost / self.leverage


@dataclass(frozen=True, slots=True)
class ProfitSummary:
    closed: int
    open: int
    wins: int
    losses: int
    realized_krw: Decimal  # closed and open trades (partial exits, entry fees)
    closed_krw: Decimal
    roi_pct: Decimal | None  # closed trades' PnL over what their entries cost
    win_rate_pct: Decimal | None
    profit_factor: Decimal | None  # gross profit / gross loss; None without a loss
    best: tuple[str, Decimal] | None  # (coin, KRW) over closed trades
    worst: tuple[str, Decimal] | None
    avg_hold_s: float | None
    max_drawdown_krw: Decimal  # largest fall of cumulative closed PnL from its peak
    unpriced: int  # trades left out of the KRW sums (no rate)


@dataclass(frozen=True, slots=True)
class Group:
    """Closed trades grouped by a key (coin, exit reason)."""

    key: str
    trades: int
    wins: int
    realized_krw: Decimal
    roi_pct: Decimal | None


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    return num / den * 100 if den else None


def summarize(rows: Iterable[TradeRow]) -> ProfitSummary:
    rows = list(rows)
    closed = sorted(
        (r for r in rows if r.trade.closed is not None and r.rate is not None),
        key=lambda r: r.trade.closed or 0.0,
    )
    realized = sum((r.realized_krw for r in rows if r.rate is not None), ZERO)
    pnl = [r.realized_krw for r in closed]
    wins = sum(1 for p in pnl if p > 0)
    gain = sum((p for p in pnl if p > 0), ZERO)
    loss = -sum((p for p in pnl if p < 0), ZERO)
    peak = run = drawdown = ZERO
    for p in pnl:
        run += p
        peak = max(peak, run)
        drawdown = max(drawdown, peak - run)
    coins = by_coin(closed)
    holds = [(r.trade.closed or 0.0) - r.trade.opened for r in closed]
    return ProfitSummary(
        closed=len(closed),
        open=sum(1 for r in rows if r.trade.closed is None),
        wins=wins,
        losses=sum(1 for p in pnl if p < 0),
        realized_krw=realized,
        closed_krw=sum(pnl, ZERO),
        roi_pct=_pct(sum(pnl, ZERO), sum((r.cost_krw for r in closed), ZERO)),
        win_rate_pct=_pct(Decimal(wins), Decimal(len(closed))),
        profit_factor=gain / loss if loss else None,
        best=(coins[0].key, coins[0].realized_krw) if coins else None,
        worst=(coins[-1].key, coins[-1].realized_krw) if coins else None,
        avg_hold_s=sum(holds) / len(holds) if holds else None,
        max_drawdown_krw=drawdown,
        unpriced=sum(1 for r in rows if r.rate is None),
    )


def grouped(pairs: Iterable[tuple[str, TradeRow]]) -> list[Group]:
    """Closed, priced trades per key, best first."""
    by: dict[str, list[TradeRow]] = {}
    for key, r in pairs:
        if r.trade.closed is not None and r.rate is not None:
            by.setdefault(key, []).append(r)
    out = [
        Group(
            key,
            len(rs),
            sum(1 for r in rs if r.realized_krw > 0),
            sum((r.realized_krw for r in rs), ZERO),
            _pct(sum((r.realized_krw for r in rs), ZERO), sum((r.cost_krw for r in rs), ZERO)),
        )
        for key, rs in by.items()
    ]
    return sorted(out, key=lambda g: g.realized_krw, reverse=True)


def by_coin(rows: Iterable[TradeRow]) -> list[Group]:
    return grouped((r.trade.instrument.symbol.base, r) for r in rows)


def by_reason(rows: Iterable[TradeRow]) -> list[Group]:
    return grouped((str(r.reason or ExitReason.OTHER), r) for r in rows)
