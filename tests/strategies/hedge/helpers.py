"""A scripted premium series: a dip below the entry band and a recovery above the exit band."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from strategies.hedge.config import Basis, HedgeConfig
from strategies.hedge.series import PremiumSeries

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC, seconds


def config(**kw: object) -> HedgeConfig:
    base: dict[str, object] = {
        "bot": "kh",
        "coins": ("XRP",),
        "size_krw": Decimal("1000000"),
        "basis": Basis.USDT,
        "entry_pct": 0.5,
        "exit_pct": 2.5,
    }
    base.update(kw)
    return HedgeConfig(**base)  # type: ignore[arg-type]


def premium_path(n: int = 600, seed: int = 3) -> np.ndarray:
    """A premium (%) that wanders around 1.5, dips under 0.5 and climbs over 2.5 a few times."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 1.5 + 1.6 * np.sin(t / 40.0) + rng.normal(0, 0.1, n)


def series_for(prem: np.ndarray, coin: str = "XRP", t0: int = T0) -> PremiumSeries:
    """Prices that give exactly `prem` (USDT basis): Binance and KRW-USDT move, Upbit follows."""
    n = prem.size
    rng = np.random.default_rng(7)
    binance = 2.0 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
    usdt = 1400.0 + np.cumsum(rng.normal(0, 0.2, n))
    upbit = np.round(binance * usdt * (1 + prem / 100), 2)
    return PremiumSeries.of(
        coin, (t0 + 60 * np.arange(n)).tolist(), upbit.tolist(), binance.tolist(), usdt.tolist()
    )
