"""A recorded premium series of one coin, minute by minute: what the replay reads.

Built by the app from the kimp samples (`alerts/history.py` owns them) and, when stored, the
Binance USDⓈ-M candles the short leg would have filled at. Rows where a leg has no usable price
are left out, as the live bot has no reading then either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from core.premium import ratio_pct
from strategies.hedge.config import Basis
from strategies.hedge.policy import PremiumReading


@dataclass(frozen=True, slots=True)
class PremiumSeries:
    coin: str
    ts: np.ndarray  # epoch seconds, ascending
    upbit_krw: np.ndarray
    binance_usdt: np.ndarray  # Binance spot: the premium's reference, as the samples store it
    usdt_krw: np.ndarray  # Upbit KRW-USDT
    usd_krw: np.ndarray  # NaN where the FX rate was unknown
    futures_usdt: np.ndarray  # the short leg's price (USDⓈ-M close; spot when none is stored)
    # the perpetual's stored funding: each funding time (epoch s) and its rate (a fraction;
    # a short receives it when > 0); empty when none is stored (the replay's fixed rate then)
    funding_ts: np.ndarray = field(default_factory=lambda: np.empty(0))
    funding_rate: np.ndarray = field(default_factory=lambda: np.empty(0))

    @classmethod
    def of(
        cls,
        coin: str,
        ts: Sequence[float],
        upbit_krw: Sequence[float],
        binance_usdt: Sequence[float],
        usdt_krw: Sequence[float],
        usd_krw: Sequence[float | None] | None = None,
        futures_usdt: Sequence[float | None] | None = None,
    ) -> PremiumSeries:
        def arr(values: Sequence[float | None] | None, n: int) -> np.ndarray:
            if values is None:
                return np.full(n, np.nan)
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        n = len(ts)
        t, u, b, k = (arr(v, n) for v in (ts, upbit_krw, binance_usdt, usdt_krw))
        fx, fut = arr(usd_krw, n), arr(futures_usdt, n)
        fut = np.where(np.isfinite(fut) & (fut > 0), fut, b)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(t) & (u > 0) & (b > 0) & (k > 0) & np.isfinite(u * b * k)
        order = np.argsort(t[ok], kind="stable")
        return cls(coin, *(a[ok][order] for a in (t, u, b, k, fx, fut)))

    def with_funding(self, times: Sequence[float], rates: Sequence[float]) -> PremiumSeries:
        """This series with the stored funding rates of its coin."""
        t, r = np.asarray(times, dtype=np.float64), np.asarray(rates, dtype=np.float64)
        order = np.argsort(t, kind="stable")
        return replace(self, funding_ts=t[order], funding_rate=r[order])

    def __len__(self) -> int:
        return int(self.ts.size)

    def premium(self, basis: Basis) -> np.ndarray:
        """Per row, the premium the bands read (NaN where FX was unknown): `core.premium`'s
        arithmetic, element by element, so it equals what the live bot computes."""
        ref = self.usdt_krw if basis is Basis.USDT else self.usd_krw
        with np.errstate(invalid="ignore", divide="ignore"):
            out = ratio_pct(self.upbit_krw, self.binance_usdt * ref)
        return np.where(np.isfinite(out), out, np.nan)

    def reading(self, i: int) -> PremiumReading:
        fx = float(self.usd_krw[i])
        return PremiumReading(
            self.coin, float(self.ts[i]), float(self.upbit_krw[i]), float(self.binance_usdt[i]),
            float(self.usdt_krw[i]), fx if np.isfinite(fx) and fx > 0 else None,
        )  # fmt: skip

    def window(self, start: int, stop: int) -> PremiumSeries:
        s = slice(start, stop)
        return PremiumSeries(
            self.coin, self.ts[s], self.upbit_krw[s], self.binance_usdt[s], self.usdt_krw[s],
            self.usd_krw[s], self.futures_usdt[s], self.funding_ts, self.funding_rate,
        )  # fmt: skip
