"""Venue price/size grids: Upbit's KRW price-unit table and Binance's PRICE_FILTER / LOT_SIZE /
NOTIONAL rules. Pure functions over Decimal; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from enum import StrEnum

# (lower bound inclusive, tick), highest band first. docs.upbit.com krw-market-info, table
# effective 2025-07-31; the rows below 100 KRW are from the previous table (the current page
# truncates them) and agree with our simulator.
_KRW_TICKS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(lo), Decimal(t))
    for lo, t in (
        ("1000000", "1000"),
        ("500000", "500"),
        ("100000", "100"),
        ("50000", "50"),
        ("10000", "10"),
        ("5000", "5"),
        ("100", "1"),
        ("10", "0.01"),
        ("1", "0.001"),
        ("0.1", "0.0001"),
        ("0.01", "0.00001"),
        ("0.001", "0.000001"),
        ("0.0001", "0.0000001"),
        ("0", "0.00000001"),
    )
)
_STABLE_TICK = Decimal("0.5")  # KRW-USDT / KRW-USDC in the 1,000-10,000 band (since 2025-03-21)
_STABLES = frozenset({"USDT", "USDC"})

UPBIT_MIN_TOTAL_KRW = Decimal(5000)


def upbit_krw_tick(price: Decimal, base: str = "") -> Decimal:
    """The KRW price unit for `price` on Upbit (the band the price falls in)."""
    if base in _STABLES and Decimal(1000) <= price < Decimal(10000):
        return _STABLE_TICK
    for lower, tick in _KRW_TICKS:
        if price >= lower:
            return tick
    return _KRW_TICKS[-1][1]


def upbit_krw_band(price: Decimal) -> tuple[Decimal, Decimal | None]:
    """The table band `price` falls in: [low, high) (high None: no upper bound)."""
    high: Decimal | None = None
    for lower, _ in _KRW_TICKS:
        if price >= lower:
            return lower, high
        high = lower
    return _KRW_TICKS[-1][0], high


@dataclass(frozen=True, slots=True)
class VenueTick:
    """A tick the venue published (Upbit `GET /v1/orderbook/instruments`), valid for prices in
    [low, high): the band its price was in when we asked. Outside it the venue's answer says
    nothing, so the table decides there."""

    tick: Decimal
    low: Decimal
    high: Decimal | None

    def covers(self, price: Decimal) -> bool:
        return price >= self.low and (self.high is None or price < self.high)


class Rounding(StrEnum):
    DOWN = "down"  # never pay more than asked (buy limit), never sell more than held
    UP = "up"  # never sell below the asked price (sell limit)
    NEAREST = "nearest"


_MODES = {Rounding.DOWN: ROUND_FLOOR, Rounding.UP: ROUND_CEILING, Rounding.NEAREST: ROUND_HALF_EVEN}


def to_step(value: Decimal, step: Decimal, mode: Rounding = Rounding.DOWN) -> Decimal:
    """`value` on the grid of `step` (a step of 0 leaves it unchanged)."""
    if step <= 0:
        return value
    units = (value / step).to_integral_value(rounding=_MODES[mode])
    return units * step


@dataclass(frozen=True, slots=True)
class MarketRules:
    """What a venue accepts for one market. `tick_size=None` means the Upbit KRW table, or the
    tick Upbit published for the market (`venue_tick`) where it applies.

    Binance: PRICE_FILTER (min_price/max_price/tick_size), LOT_SIZE (min_qty/max_qty/step_size),
    NOTIONAL or MIN_NOTIONAL (min_notional/max_notional). Upbit KRW: the table and 5,000 KRW.
    """

    base: str
    quote: str
    tick_size: Decimal | None
    step_size: Decimal
    min_qty: Decimal = Decimal(0)
    max_qty: Decimal = Decimal(0)  # 0: no limit
    min_notional: Decimal = Decimal(0)
    max_notional: Decimal = Decimal(0)  # 0: no limit
    min_price: Decimal = Decimal(0)
    max_price: Decimal = Decimal(0)  # 0: no limit
    market_max_qty: Decimal = Decimal(0)  # MARKET_LOT_SIZE maxQty, 0: none
    taker_fee: Decimal = Decimal("0.001")
    maker_fee: Decimal = Decimal("0.001")
    venue_tick: VenueTick | None = None  # Upbit: the venue's own tick, over the table

    def tick_for(self, price: Decimal) -> Decimal:
        if self.tick_size is not None:
            return self.tick_size
        if self.venue_tick is not None and self.venue_tick.covers(price):
            return self.venue_tick.tick
        return upbit_krw_tick(price, self.base)

    def round_price(self, price: Decimal, mode: Rounding = Rounding.NEAREST) -> Decimal:
        tick = self.tick_for(price)
        # Rounding down can cross into a finer band (Upbit); the result is still on that grid.
        return to_step(price, tick, mode)

    def round_qty(self, qty: Decimal) -> Decimal:
        """Sizes always round down: never trade more than asked."""
        return to_step(qty, self.step_size, Rounding.DOWN)

    def price_ok(self, price: Decimal) -> bool:
        tick = self.tick_for(price)
        return price > 0 and (tick <= 0 or price % tick == 0)


def upbit_rules(base: str, quote: str = "KRW", fee: Decimal = Decimal("0.0005")) -> MarketRules:
    """Upbit KRW market: tick table, volume in 1e-8 steps, 5,000 KRW minimum total."""
    return MarketRules(
        base=base,
        quote=quote,
        tick_size=None,
        step_size=Decimal("0.00000001"),
        min_notional=UPBIT_MIN_TOTAL_KRW if quote == "KRW" else Decimal(0),
        taker_fee=fee,
        maker_fee=fee,
    )
