"""The spread between two KRW venues (Upbit and Bithumb) for one coin. Pure functions, no I/O.

The raw spread is venue A's KRW price over venue B's, in percent: positive when A is dearer.
Both legs are KRW, so no FX or USDT enters it.

The executable spread is what a round returns at a KRW size after both venues' taker fees:
buy the coin on the cheaper venue at its asks, sell the same coins on the dearer one at its bids,
walking deeper levels where the books have them (as the executable premium does,
alerts/premium.py). Moving the coin between the venues is not counted: a spread trader keeps
coins and KRW on both venues and rebalances now and then; the withdrawal fee is that
rebalancing's cost, not each round's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from alerts.premium import Level, vwap, vwap_for_quote
from core.text import Text


def raw_spread(a_krw: float, b_krw: float) -> float | None:
    """Percent of venue A's KRW price over venue B's (positive: A dearer)."""
    if not all(v > 0 and math.isfinite(v) for v in (a_krw, b_krw)):
        return None
    return (a_krw / b_krw - 1.0) * 100.0


def touch_net_spread(
    a_bid: float, a_ask: float, b_bid: float, b_ask: float, fee_a: float, fee_b: float
) -> float | None:
    """The net spread at the best prices after both taker fees, signed like the raw spread:
    positive = buying on B at its ask and selling on A at its bid returns that percent, negative
    = the other way round returns its absolute value, 0 = neither direction pays after fees (at
    most one can, unless a book is crossed). What the spread alert watches on the net basis
    (KIMP_SPREAD_ALERT_BASIS=net): the streams carry top of book only."""
    if not all(v > 0 and math.isfinite(v) for v in (a_bid, a_ask, b_bid, b_ask)):
        return None
    kept = (1 - fee_a) * (1 - fee_b)  # both legs' taker fees, in the coin and in KRW
    sell_a = (a_bid * kept / b_ask - 1.0) * 100.0
    sell_b = (b_bid * kept / a_ask - 1.0) * 100.0
    return max(sell_a, 0.0) - max(sell_b, 0.0)


@dataclass(frozen=True, slots=True)
class SpreadRound:
    """One direction: buy on `buy_on` ("a" or "b"), sell on the other. `pct` is the net return
    after both taker fees, None with `why` (the thin side) when the books cannot take the size."""

    buy_on: str
    pct: float | None
    why: Text | None = None


@dataclass(frozen=True, slots=True)
class SpreadExec:
    size_krw: float
    sell_a: SpreadRound  # buy on B, sell on A: captures A dearer
    sell_b: SpreadRound  # buy on A, sell on B: captures B dearer
    top_only: bool  # only top of book was walked (what the streams give)

    @property
    def best(self) -> SpreadRound:
        """The better direction (a None percent counts as the worse)."""
        a, b = self.sell_a.pct, self.sell_b.pct
        if b is None or (a is not None and a >= b):
            return self.sell_a
        return self.sell_b


def _round(
    buy_on: str,
    asks: Sequence[Level],
    bids: Sequence[Level],
    size_krw: float,
    buy_fee: float,
    sell_fee: float,
) -> SpreadRound:
    bought = vwap_for_quote(asks, size_krw)
    if bought is None:
        return SpreadRound(buy_on, None, Text.of("spread.thin_asks"))
    qty = bought[0] * (1 - buy_fee)  # the taker fee is taken in the coin bought
    sell = vwap(bids, qty)
    if sell is None:
        return SpreadRound(buy_on, None, Text.of("spread.thin_bids"))
    krw_out = qty * sell * (1 - sell_fee)
    return SpreadRound(buy_on, (krw_out / size_krw - 1) * 100, None)


def executable_spread(
    a_bids: Sequence[Level],
    a_asks: Sequence[Level],
    b_bids: Sequence[Level],
    b_asks: Sequence[Level],
    size_krw: float,
    fee_a: float,
    fee_b: float,
) -> SpreadExec:
    """Both directions at `size_krw` KRW after venue A's (`fee_a`) and B's (`fee_b`) taker fees."""
    top_only = all(len(side) <= 1 for side in (a_bids, a_asks, b_bids, b_asks))
    return SpreadExec(
        size_krw,
        _round("b", b_asks, a_bids, size_krw, fee_b, fee_a),
        _round("a", a_asks, b_bids, size_krw, fee_a, fee_b),
        top_only,
    )
