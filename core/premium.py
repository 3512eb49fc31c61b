"""The kimchi-premium formulas: percent in and out, no I/O, no state.

Three premiums, linked exactly by (1 + fx) = (1 + usdt) * (1 + tether):

* USDT kimp: Upbit KRW price against Binance USDT price * Upbit's own KRW-USDT price.
  This is the premium an arbitrage can actually capture (the cash leg goes through USDT).
* FX kimp: against Binance USDT price * USD/KRW from a foreign-exchange source (the "김프"
  people quote).
* tether premium: Upbit KRW-USDT against USD/KRW.

Here in the foundation because two features read them: the kimp monitor (alerts/) and the
kimp-hedge bot (strategies/hedge/), which may not import each other.
"""

from __future__ import annotations

import math
from typing import Any


def ratio_pct(price: Any, reference: Any) -> Any:
    """Percent of `price` over `reference`: floats, or numpy arrays element by element (the
    premium replay reads a year of minutes at once through this same arithmetic)."""
    return (price / reference - 1.0) * 100.0


def _ok(*values: float) -> bool:
    return all(v > 0 and math.isfinite(v) for v in values)


def usdt_kimp(upbit_krw: float, binance_usdt: float, usdt_krw: float) -> float | None:
    """Percent premium of the Upbit KRW price over the Binance price converted at KRW-USDT."""
    if not _ok(upbit_krw, binance_usdt, usdt_krw):
        return None
    return float(ratio_pct(upbit_krw, binance_usdt * usdt_krw))


def fx_kimp(upbit_krw: float, binance_usdt: float, usd_krw: float) -> float | None:
    """Percent premium against the Binance price converted at the USD/KRW FX rate."""
    if not _ok(upbit_krw, binance_usdt, usd_krw):
        return None
    return float(ratio_pct(upbit_krw, binance_usdt * usd_krw))


def tether_premium(usdt_krw: float, usd_krw: float) -> float | None:
    """Percent premium of Upbit KRW-USDT over USD/KRW."""
    if not _ok(usdt_krw, usd_krw):
        return None
    return float(ratio_pct(usdt_krw, usd_krw))


def compose(usdt_pct: float, tether_pct: float) -> float:
    """FX kimp from the other two: (1 + fx) = (1 + usdt) * (1 + tether)."""
    return ((1 + usdt_pct / 100) * (1 + tether_pct / 100) - 1) * 100
