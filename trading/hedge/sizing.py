"""One coin quantity both legs of a hedge can trade, after each venue's lot and minimum rules.

Pure functions over `MarketRules`; the executor supplies the rules and prices. The quantity is
on BOTH venues' lot grids (the coarser step, when one step is a multiple of the other, which
holds for the decimal steps Upbit and Binance use), and each leg's notional clears its venue's
minimum. Upbit market buys are sent as a KRW total (`ord_type=price`), so that leg can land a
hair away from the quantity: the executor trims or tops up within `tolerance`.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from core.errors import Rejected
from core.numbers import Money
from core.rounding import MarketRules
from core.text import Text


def common_step(spot: MarketRules, fut: MarketRules) -> Decimal:
    """The finest quantity step both venues accept."""
    a, b = spot.step_size, fut.step_size
    big, small = (a, b) if a >= b else (b, a)
    if small > 0 and (big / small) == (big / small).to_integral_value():
        return big
    return big * small / _gcd(big, small)  # never met with decimal steps; kept correct anyway


def _gcd(a: Decimal, b: Decimal) -> Decimal:
    while b:
        a, b = b, a % b
    return a


def on_grid(qty: Decimal, step: Decimal, rounding: str = ROUND_FLOOR) -> Decimal:
    if step <= 0:
        return qty
    return (qty / step).to_integral_value(rounding=rounding) * step


def hedge_qty(
    size_krw: Decimal,
    spot_price: Decimal,
    fut_price: Decimal,
    spot: MarketRules,
    fut: MarketRules,
) -> Decimal:
    """The coin quantity for a hedge of about `size_krw` on the spot leg (never more); raises
    `Rejected` (a catalog `Text`) when that is below either venue's minimum."""
    if size_krw <= 0 or spot_price <= 0 or fut_price <= 0:
        raise Rejected(Text.of("hedge.bad_size"))
    step = common_step(spot, fut)
    qty = on_grid(size_krw / spot_price, step)
    floor_qty = max(spot.min_qty, fut.min_qty, step)
    if qty < floor_qty:
        raise Rejected(
            Text.of("hedge.too_small", qty=Money(floor_qty, spot.base), size=Money(size_krw, "KRW"))
        )
    for rules, price in ((spot, spot_price), (fut, fut_price)):
        if rules.min_notional and qty * price < rules.min_notional:
            raise Rejected(
                Text.of(
                    "hedge.below_min", total=Money(qty * price, rules.quote),
                    min=Money(rules.min_notional, rules.quote),
                )
            )  # fmt: skip
    return qty


def tolerance(requested: Decimal, fut: MarketRules) -> Decimal:
    """The mismatch the legs are brought within: what was asked, but never finer than half the
    futures lot step (a difference the futures leg cannot trade away)."""
    return max(requested, fut.step_size / 2)


def fut_adjustment(diff: Decimal, fut: MarketRules) -> Decimal:
    """The futures quantity (on its grid, nearest) that brings the legs closest together."""
    return on_grid(abs(diff), fut.step_size, ROUND_HALF_EVEN)


def reduce_qty(
    qty: Decimal,
    held: Decimal,
    spot_price: Decimal,
    fut_price: Decimal,
    spot: MarketRules,
    fut: MarketRules,
) -> Decimal:
    """The coins a partial close takes off both legs: `qty` down to both lot grids; raises
    `Rejected` when that part, or what it leaves open, is below either venue's minimum (the
    user closes the hedge whole instead)."""
    step = common_step(spot, fut)
    part = on_grid(qty, step)
    floor_qty = max(spot.min_qty, fut.min_qty, step)
    for amount in (part, held - part):
        if amount < floor_qty:
            raise Rejected(Text.of("hedge.reduce_too_small", qty=Money(floor_qty, spot.base)))
        for rules, price in ((spot, spot_price), (fut, fut_price)):
            if rules.min_notional and amount * price < rules.min_notional:
                raise Rejected(
                    Text.of(
                        "hedge.reduce_below_min", total=Money(amount * price, rules.quote),
                        min=Money(rules.min_notional, rules.quote),
                    )
                )  # fmt: skip
    return part
