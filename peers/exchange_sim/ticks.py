"""Price grids: the Upbit KRW tick table and decimal rounding helpers."""

from __future__ import annotations

import functools
import math
from decimal import Decimal

# (lower bound inclusive, tick) from the highest band down; docs.upbit.com krw-market-info,
# table effective 2025-07-31; rows below 100 KRW are from the pre-2025-07-31 table.
_KRW_TICKS: tuple[tuple[float, str], ...] = (
    (1_000_000, "1000"),
    (500_000, "500"),
    (100_000, "100"),
    (50_000, "50"),
    (10_000, "10"),
    (5_000, "5"),
    (100, "1"),
    (10, "0.01"),
    (1, "0.001"),
    (0.1, "0.0001"),
    (0.01, "0.00001"),
    (0.001, "0.000001"),
    (0.0001, "0.0000001"),
    (0, "0.00000001"),
)
# KRW-USDT / KRW-USDC trade on a finer grid in the 1,000-10,000 band (since 2025-03-21).
_STABLE_KRW_TICK = Decimal("0.5")
STABLECOINS = frozenset({"USDT", "USDC"})


def krw_tick(price: float | Decimal, base: str = "") -> Decimal:
    """The Upbit KRW-market tick for `price` (the band the price falls in)."""
    p = float(price)
    if base in STABLECOINS and 1_000 <= p < 10_000:
        return _STABLE_KRW_TICK
    for lower, tick in _KRW_TICKS:
        if p >= lower:
            return Decimal(tick)
    return Decimal(_KRW_TICKS[-1][1])


def on_grid(value: Decimal, step: Decimal) -> bool:
    return step > 0 and value % step == 0


@functools.lru_cache(maxsize=4096)
def decimals_of(step: float | Decimal) -> int:
    """Number of decimals a step like 0.001 needs (0 for 1000)."""
    exp = Decimal(str(step)).normalize().as_tuple().exponent
    return max(0, -int(exp))


def floor_to(value: float, step: float, ndigits: int) -> float:
    return round(math.floor(value / step + 1e-9) * step, ndigits)


def ceil_to(value: float, step: float, ndigits: int) -> float:
    return round(math.ceil(value / step - 1e-9) * step, ndigits)


def fmt_decimal(value: Decimal | float | int) -> str:
    """A plain decimal string without exponent (`1E+2` -> `100`), as exchanges print numbers."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
