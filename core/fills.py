"""The one fill and fee model shared by paper trading and the backtest.

A market order fills at a reference price moved against the taker by `slippage_bps`:
the close of the candle that produced the signal (`close`, what live paper trading sees) or the
next candle's open (`next_open`, backtest only). Fees are taker rates per venue.

The functions are plain Python and numba-compilable; `strategies.kernel` compiles these same
functions, so paper fills and backtest fills are computed by identical arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.symbols import Venue

# Taker fees: Upbit KRW 0.05 %, Bithumb KRW 0.25 %, Binance spot 0.1 %, Binance USDT-M futures 0.05 %.
FEE_RATES: dict[Venue, float] = {
    Venue.UPBIT: 0.0005,
    Venue.BITHUMB: 0.0025,  # the headline rate; fee coupons take it down to 0.04 %
    Venue.BINANCE_SPOT: 0.001,
    Venue.BINANCE_FUTURES: 0.0005,
}


class FillMode(StrEnum):
    CLOSE = "close"
    NEXT_OPEN = "next_open"


def fill_price(ref: float, direction: int, slippage_bps: float) -> float:
    """`direction` +1 buys (pays up), -1 sells (receives less)."""
    return ref * (1.0 + direction * slippage_bps / 10000.0)


def fee(notional: float, rate: float) -> float:
    return notional * rate


def entry_notional(stake: float, stake_pct: float, equity: float, leverage: float) -> float:
    """Quote value of a new position: a fixed `stake`, or `stake_pct` % of equity, times leverage."""
    base = stake if stake > 0.0 else equity * stake_pct / 100.0
    return base * leverage


def trade_pnl(direction: int, entry: float, exit_: float, qty: float) -> float:
    """Gross PnL of a round trip, before fees."""
    return direction * (exit_ - entry) * qty


@dataclass(frozen=True, slots=True)
class FillModel:
    slippage_bps: float = 5.0
    mode: FillMode = FillMode.CLOSE
    fee_rates: dict[Venue, float] = field(default_factory=lambda: dict(FEE_RATES))

    def fee_rate(self, venue: Venue) -> float:
        return self.fee_rates[venue]

    def price(self, ref: float, direction: int) -> float:
        return fill_price(ref, direction, self.slippage_bps)
