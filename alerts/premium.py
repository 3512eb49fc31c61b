"""Kimchi-premium maths. Pure functions, percent in and out, no I/O.

Three premiums, linked exactly by (1 + fx) = (1 + usdt) * (1 + tether):

* USDT kimp: Upbit KRW price against Binance USDT price * Upbit's own KRW-USDT price.
  This is the premium an arbitrage can actually capture (the cash leg goes through USDT).
* FX kimp: against Binance USDT price * USD/KRW from a foreign-exchange source (the "김프"
  people quote).
* tether premium: Upbit KRW-USDT against USD/KRW.

The executable premium walks order-book levels for a given KRW size after both venues' taker
fees, in each direction (forward: buy abroad, sell on Upbit; reverse: buy on Upbit, sell abroad).
Transfer (withdrawal) fees are not included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Published taker fees: Upbit KRW market 0.05 %, Binance spot 0.1 % (no BNB discount).
UPBIT_TAKER_FEE = 0.0005
BINANCE_TAKER_FEE = 0.001

Level = tuple[float, float]  # (price, qty)


def _ok(*values: float) -> bool:
    return all(v > 0 and math.isfinite(v) for v in values)


def usdt_kimp(upbit_krw: float, binance_usdt: float, usdt_krw: float) -> float | None:
    """Percent premium of the Upbit KRW price over the Binance price converted at KRW-USDT."""
    if not _ok(upbit_krw, binance_usdt, usdt_krw):
        return None
    return (upbit_krw / (binance_usdt * usdt_krw) - 1.0) * 100.0


def fx_kimp(upbit_krw: float, binance_usdt: float, usd_krw: float) -> float | None:
    """Percent premium against the Binance price converted at the USD/KRW FX rate."""
    if not _ok(upbit_krw, binance_usdt, usd_krw):
        return None
    return (upbit_krw / (binance_usdt * usd_krw) - 1.0) * 100.0


def tether_premium(usdt_krw: float, usd_krw: float) -> float | None:
    """Percent premium of Upbit KRW-USDT over USD/KRW."""
    if not _ok(usdt_krw, usd_krw):
        return None
    return (usdt_krw / usd_krw - 1.0) * 100.0


def compose(usdt_pct: float, tether_pct: float) -> float:
    """FX kimp from the other two: (1 + fx) = (1 + usdt) * (1 + tether)."""
    return ((1 + usdt_pct / 100) * (1 + tether_pct / 100) - 1) * 100


def vwap(levels: Sequence[Level], qty: float) -> float | None:
    """Average price to take `qty` from `levels` (best first); None when the book is too thin."""
    if qty <= 0:
        return None
    left, cost = qty, 0.0
    for price, size in levels:
        if price <= 0 or size <= 0:
            continue
        take = min(left, size)
        cost += take * price
        left -= take
        if left <= qty * 1e-12:
            return cost / qty
    return None


def vwap_for_quote(levels: Sequence[Level], quote_amount: float) -> tuple[float, float] | None:
    """(base qty, average price) bought with `quote_amount` from ask `levels`; None if too thin."""
    if quote_amount <= 0:
        return None
    left, qty = quote_amount, 0.0
    for price, size in levels:
        if price <= 0 or size <= 0:
            continue
        spend = min(left, price * size)
        qty += spend / price
        left -= spend
        if left <= quote_amount * 1e-12:
            return qty, quote_amount / qty
    return None


@dataclass(frozen=True, slots=True)
class Fees:
    upbit: float = UPBIT_TAKER_FEE
    binance: float = BINANCE_TAKER_FEE


@dataclass(frozen=True, slots=True)
class Books:
    """Top-of-book (or deeper) levels for one coin and the KRW-USDT market, best first."""

    upbit_bids: Sequence[Level]
    upbit_asks: Sequence[Level]
    binance_bids: Sequence[Level]
    binance_asks: Sequence[Level]
    usdt_bids: Sequence[Level]
    usdt_asks: Sequence[Level]


@dataclass(frozen=True, slots=True)
class Executable:
    """Net percent return of a round in each direction at `size_krw`; None = book too thin."""

    size_krw: float
    forward_pct: float | None  # KRW -> USDT (Upbit) -> coin (Binance) -> KRW (Upbit)
    reverse_pct: float | None  # KRW -> coin (Upbit) -> USDT (Binance) -> KRW (Upbit)


DEFAULT_FEES = Fees()


def executable_premium(books: Books, size_krw: float, fees: Fees = DEFAULT_FEES) -> Executable:
    """What `size_krw` of KRW would return going round each way, after taker fees.

    Forward (capture a positive premium): buy USDT on Upbit at the ask, buy the coin on Binance
    at the ask, sell it on Upbit at the bid. Reverse (capture a negative premium): buy the coin
    on Upbit at the ask, sell it on Binance at the bid, sell the USDT on Upbit at the bid.
    """
    return Executable(size_krw, _forward(books, size_krw, fees), _reverse(books, size_krw, fees))


def _forward(b: Books, size_krw: float, f: Fees) -> float | None:
    usdt = vwap_for_quote(b.usdt_asks, size_krw)
    if usdt is None:
        return None
    coin = vwap_for_quote(b.binance_asks, usdt[0] * (1 - f.upbit))
    if coin is None:
        return None
    coin_qty = coin[0] * (1 - f.binance)
    sell = vwap(b.upbit_bids, coin_qty)
    if sell is None:
        return None
    krw_out = coin_qty * sell * (1 - f.upbit)
    return (krw_out / size_krw - 1) * 100


def _reverse(b: Books, size_krw: float, f: Fees) -> float | None:
    coin = vwap_for_quote(b.upbit_asks, size_krw)
    if coin is None:
        return None
    coin_qty = coin[0] * (1 - f.upbit)
    sell = vwap(b.binance_bids, coin_qty)
    if sell is None:
        return None
    usdt_qty = coin_qty * sell * (1 - f.binance)
    usdt_sell = vwap(b.usdt_bids, usdt_qty)
    if usdt_sell is None:
        return None
    krw_out = usdt_qty * usdt_sell * (1 - f.upbit)
    return (krw_out / size_krw - 1) * 100
