"""Kimchi-premium maths. Pure functions, percent in and out, no I/O.

The three premium formulas (USDT kimp, FX kimp, tether premium) live in `core.premium`, shared
with the kimp-hedge bot; they are re-exported here for the monitor's callers.

The executable premium walks order-book levels for a given KRW size after both venues' taker
fees, in each direction (forward: buy abroad, sell on Upbit; reverse: buy on Upbit, sell abroad).
The fee rates are a parameter (the composition root passes the trading layer's table); there is
no copy of them here. The coin's withdrawal fee and minimum are an optional `Transfer` per
direction (`alerts/executable.py` picks the network and passes its fee), and so is the cash
leg's: the USDT bought on Upbit must reach Binance (forward), the USDT got on Binance must come
back to Upbit (reverse), over a network with its own fee and minimum in USDT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.premium import compose as compose  # re-exported: moved to the foundation
from core.premium import fx_kimp as fx_kimp
from core.premium import tether_premium as tether_premium
from core.premium import usdt_kimp as usdt_kimp
from core.symbols import Venue
from core.text import Text

Level = tuple[float, float]  # (price, qty)


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
    """Taker fee rates (0.0005 = 0.05 %); fed from the trading layer's one fee table."""

    upbit: float
    binance: float

    @classmethod
    def from_rates(cls, rates: Mapping[Venue, float], krw: Venue = Venue.UPBIT) -> Fees:
        """`Fees.from_rates(core.fills.FEE_RATES)`: the KRW venue's taker (`upbit`; Upbit
        unless `krw` names another KRW venue) and Binance spot's."""
        return cls(rates[krw], rates[Venue.BINANCE_SPOT])


@dataclass(frozen=True, slots=True)
class Books:
    """Order-book levels for one coin and the KRW-USDT market, best first.

    One level per side is top of book (what the streams give); more levels are walked.
    """

    upbit_bids: Sequence[Level]
    upbit_asks: Sequence[Level]
    binance_bids: Sequence[Level]
    binance_asks: Sequence[Level]
    usdt_bids: Sequence[Level]
    usdt_asks: Sequence[Level]

    @property
    def top_only(self) -> bool:
        return all(
            len(side) <= 1
            for side in (
                self.upbit_bids, self.upbit_asks, self.binance_bids,
                self.binance_asks, self.usdt_bids, self.usdt_asks,
            )
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Executable:
    """Net percent return of a round in each direction at `size_krw`.

    A None percent comes with a reason (`forward_why` / `reverse_why`), e.g. the size exceeds
    the top of book; `forward_fits_krw` / `reverse_fits_krw` say roughly how much KRW the books
    given can take in that direction (before fees).
    """

    size_krw: float
    forward_pct: float | None  # KRW -> USDT (Upbit) -> coin (Binance) -> KRW (Upbit)
    reverse_pct: float | None  # KRW -> coin (Upbit) -> USDT (Binance) -> KRW (Upbit)
    forward_why: Text | None = None
    reverse_why: Text | None = None
    forward_fits_krw: float = 0.0
    reverse_fits_krw: float = 0.0
    top_only: bool = True


@dataclass(frozen=True, slots=True)
class Transfer:
    """Moving the bought coin to the selling venue: its withdrawal fee and minimum, in coins."""

    fee: float = 0.0
    minimum: float = 0.0


# Why a round cannot move the coin: the amount bought is below the network's minimum, or the
# fee eats all of it. Prefixed so a caller can tell them from a thin book.
BELOW_MINIMUM = "transfer: below the withdrawal minimum"
CASH_BELOW_MINIMUM = "transfer: USDT below the withdrawal minimum"


def executable_premium(books: Books, size_krw: float, fees: Fees) -> Executable:
    """What `size_krw` of KRW would return going round each way, after taker fees.

    Forward (capture a positive premium): buy USDT on Upbit at the ask, buy the coin on Binance
    at the ask, sell it on Upbit at the bid. Reverse (capture a negative premium): buy the coin
    on Upbit at the ask, sell it on Binance at the bid, sell the USDT on Upbit at the bid.
    Deeper levels, when `books` has them, are walked; a size beyond what the books hold gives
    None and says so.
    """
    fwd, fwd_leg = _forward(books, size_krw, fees)
    rev, rev_leg = _reverse(books, size_krw, fees)
    fwd_fits, rev_fits = _fits(books)
    where = Text.of("kimp.exe.top" if books.top_only else "kimp.exe.depth")

    def too_big(leg: str | None) -> Text | None:  # worded by the app (`kimp.exe.*`)
        return None if leg is None else Text.of("kimp.exe.too_big", where=where,
                                                leg=Text.of(f"kimp.exe.{leg}"))  # fmt: skip

    return Executable(
        size_krw,
        fwd,
        rev,
        too_big(fwd_leg),
        too_big(rev_leg),
        fwd_fits,
        rev_fits,
        books.top_only,
    )


def _total(levels: Sequence[Level]) -> tuple[float, float]:
    """(quote value, base qty) of all usable levels."""
    value = qty = 0.0
    for price, size in levels:
        if price > 0 and size > 0:
            value += price * size
            qty += size
    return value, qty


def _fits(b: Books) -> tuple[float, float]:
    """Approximate KRW each direction's books can absorb (the thinnest leg), before fees."""
    t_ask = b.usdt_asks[0][0] if b.usdt_asks else 0.0
    t_bid = b.usdt_bids[0][0] if b.usdt_bids else 0.0
    fwd = min(_total(b.usdt_asks)[0], _total(b.binance_asks)[0] * t_ask, _total(b.upbit_bids)[0])
    rev = min(
        _total(b.upbit_asks)[0], _total(b.binance_bids)[0] * t_bid, _total(b.usdt_bids)[1] * t_bid
    )
    return fwd, rev


def _moved(qty: float, t: Transfer | None) -> float | None:
    """What arrives of `qty` after the withdrawal fee; None below the minimum or fee."""
    if t is None:
        return qty
    if qty < t.minimum or qty <= t.fee:
        return None
    return qty - t.fee


def _forward(
    b: Books, size_krw: float, f: Fees, t: Transfer | None = None, cash: Transfer | None = None
) -> tuple[float | None, str | None]:
    """(percent, None) or (None, the leg that is too thin: its `kimp.exe.*` key, or
    `BELOW_MINIMUM` / `CASH_BELOW_MINIMUM`)."""
    usdt = vwap_for_quote(b.usdt_asks, size_krw)
    if usdt is None:
        return None, "usdt_asks"
    usdt_qty = _moved(usdt[0] * (1 - f.upbit), cash)  # sent from Upbit to Binance
    if usdt_qty is None:
        return None, CASH_BELOW_MINIMUM
    coin = vwap_for_quote(b.binance_asks, usdt_qty)
    if coin is None:
        return None, "binance_asks"
    coin_qty = _moved(coin[0] * (1 - f.binance), t)
    if coin_qty is None:
        return None, BELOW_MINIMUM
    sell = vwap(b.upbit_bids, coin_qty)
    if sell is None:
        return None, "upbit_bids"
    krw_out = coin_qty * sell * (1 - f.upbit)
    return (krw_out / size_krw - 1) * 100, None


def _reverse(
    b: Books, size_krw: float, f: Fees, t: Transfer | None = None, cash: Transfer | None = None
) -> tuple[float | None, str | None]:
    coin = vwap_for_quote(b.upbit_asks, size_krw)
    if coin is None:
        return None, "upbit_asks"
    coin_qty = _moved(coin[0] * (1 - f.upbit), t)
    if coin_qty is None:
        return None, BELOW_MINIMUM
    sell = vwap(b.binance_bids, coin_qty)
    if sell is None:
        return None, "binance_bids"
    usdt_qty = _moved(coin_qty * sell * (1 - f.binance), cash)  # sent back to Upbit
    if usdt_qty is None:
        return None, CASH_BELOW_MINIMUM
    usdt_sell = vwap(b.usdt_bids, usdt_qty)
    if usdt_sell is None:
        return None, "usdt_bids"
    krw_out = usdt_qty * usdt_sell * (1 - f.upbit)
    return (krw_out / size_krw - 1) * 100, None


def one_way(
    books: Books,
    size_krw: float,
    fees: Fees,
    forward: bool,
    transfer: Transfer | None = None,
    cash: Transfer | None = None,
) -> tuple[float | None, str | None]:
    """One direction's net percent at `size_krw` with the coin's and the USDT leg's transfer
    costs, or (None, why): the thin leg, `BELOW_MINIMUM` or `CASH_BELOW_MINIMUM`."""
    return (_forward if forward else _reverse)(books, size_krw, fees, transfer, cash)
