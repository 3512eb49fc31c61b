"""Candle history per market: synthetic bars before the simulator started, real bars after.

Before `start_ms` the history is a seeded backward random walk (numpy, one per coin, shared by
its venues) ending at the start price, so the same seed always gives the same history. After
it, one-minute bars are built from the trades the market model generated, so candles agree
with the simulator's own trade record.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MINUTE_MS = 60_000
DAY_MS = 86_400_000
Arr = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SimCandle:
    open_ms: int
    interval_s: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: float
    trade_count: int

    @property
    def close_ms(self) -> int:
        return self.open_ms + self.interval_s * 1000 - 1


# A bar is [open, high, low, close, volume, quote_volume, trade_count].
Bar = list[float]


def _merge(into: Bar | None, bar: Bar) -> Bar:
    if into is None:
        return list(bar)
    into[1] = max(into[1], bar[1])
    into[2] = min(into[2], bar[2])
    into[3] = bar[3]
    into[4] += bar[4]
    into[5] += bar[5]
    into[6] += bar[6]
    return into


class SyntheticHistory:
    """Seeded pre-start bars of one coin relative to its start price (1.0), built lazily."""

    def __init__(self, seed: int, n_minutes: int, vol_per_min: float, n_days: int = 400) -> None:
        self._seed = seed
        self.n_minutes = n_minutes
        self.n_days = n_days
        self._vol = vol_per_min
        self._minutes: tuple[Arr, ...] | None = None
        self._days: tuple[Arr, ...] | None = None

    def _walk(self, salt: int, n: int, sigma: float) -> tuple[Arr, ...]:
        rng = np.random.default_rng([self._seed, salt])
        steps = rng.standard_normal(n) * sigma
        # closes[-1] is the start price (1.0); walk backwards from it.
        log_c = -np.concatenate(([0.0], np.cumsum(steps[::-1])))[::-1]
        closes = np.exp(log_c)
        o, c = closes[:-1], closes[1:]
        wick = np.abs(rng.standard_normal(n)) * sigma * 0.6
        h = np.maximum(o, c) * (1 + wick)
        low = np.minimum(o, c) * (1 - wick)
        volume = rng.lognormal(0.0, 0.5, n)
        return o, h, low, c, volume

    def minutes(self) -> tuple[Arr, ...]:
        if self._minutes is None:
            self._minutes = self._walk(1, self.n_minutes, self._vol)
        return self._minutes

    def days(self) -> tuple[Arr, ...]:
        if self._days is None:
            o, h, low, c, v = self._walk(2, self.n_days, self._vol * math.sqrt(1440))
            # Scale so the daily walk ends where the minute walk starts today.
            self._days = (o, h, low, c, v * 1440)
        return self._days


class CandleStore:
    """One market's bars: real one-minute bars from trades plus a converted synthetic past."""

    def __init__(
        self,
        start_ms: int,
        synthetic: SyntheticHistory,
        start_price: float,
        round_price: Callable[[Arr], Arr],
        volume_per_min: float,
    ) -> None:
        self.start_ms = start_ms
        self.start_minute = start_ms // MINUTE_MS * MINUTE_MS
        self.start_day = start_ms // DAY_MS * DAY_MS
        self._syn = synthetic
        self._price = start_price
        self._round = round_price
        self._vpm = volume_per_min
        self._m: tuple[Arr, ...] | None = None
        self._d: tuple[Arr, ...] | None = None
        self.minutes: dict[int, Bar] = {}

    def _convert(self, o: Arr, h: Arr, low: Arr, c: Arr, v: Arr) -> tuple[Arr, ...]:
        p, r = self._price, self._round
        vol = v * self._vpm
        close = r(c * p)
        return (r(o * p), r(h * p), r(low * p), close, vol, vol * close)

    def _minute_arrays(self) -> tuple[Arr, ...]:
        if self._m is None:
            self._m = self._convert(*self._syn.minutes())
        return self._m

    def synthetic_tail(self, n: int) -> tuple[Arr, ...]:
        """The last `n` synthetic minute bars (o, h, l, c, volume, quote volume), converted to
        this market's prices; only the tail is converted unless the whole history already is."""
        if n <= 0:
            return tuple(np.empty(0) for _ in range(6))
        if self._m is not None:
            return tuple(a[-n:] for a in self._m)
        return self._convert(*(a[-n:] for a in self._syn.minutes()))

    def _day_arrays(self) -> tuple[Arr, ...]:
        if self._d is None:
            o, h, low, c, v = self._syn.days()
            mo = self._syn.minutes()[0]
            idx = len(mo) - (self.start_minute - self.start_day) // MINUTE_MS
            scale = float(mo[idx]) if 0 <= idx < len(mo) else 1.0
            p, r = self._price * scale, self._round
            vol = v * self._vpm
            close = r(c * p)
            self._d = (r(o * p), r(h * p), r(low * p), close, vol, vol * close)
        return self._d

    def add_trade(self, ts_ms: int, price: float, qty: float) -> None:
        minute = ts_ms // MINUTE_MS * MINUTE_MS
        bar = self.minutes.get(minute)
        if bar is None:
            self.minutes[minute] = [price, price, price, price, qty, price * qty, 1]
        else:
            if price > bar[1]:
                bar[1] = price
            if price < bar[2]:
                bar[2] = price
            bar[3] = price
            bar[4] += qty
            bar[5] += price * qty
            bar[6] += 1

    def prune(self, keep_ms: int, now_ms: int) -> None:
        cutoff = now_ms - keep_ms
        for minute in [m for m in self.minutes if m < cutoff]:
            del self.minutes[minute]

    @staticmethod
    def _slice(arrays: tuple[Arr, ...], i0: int, i1: int) -> Bar | None:
        i0 = max(i0, 0)
        if i1 <= i0:
            return None
        o, h, low, c, v, q = arrays
        count = i1 - i0
        if count == 1:  # one bar (every daily candle): no numpy reductions
            return [float(o[i0]), float(h[i0]), float(low[i0]), float(c[i0]), float(v[i0]),
                    float(q[i0]), 1]  # fmt: skip
        return [
            float(o[i0]), float(h[i0:i1].max()), float(low[i0:i1].min()), float(c[i1 - 1]),
            float(v[i0:i1].sum()), float(q[i0:i1].sum()), count,
        ]  # fmt: skip

    def range_bar(self, t0: int, t1: int) -> Bar | None:
        """Aggregate of whole minutes in [t0, t1) (both minute-aligned)."""
        agg: Bar | None = None
        if t0 < self.start_minute:
            arrays = self._minute_arrays()
            n = len(arrays[0])
            i0 = n - (self.start_minute - t0) // MINUTE_MS
            i1 = n - (self.start_minute - min(t1, self.start_minute)) // MINUTE_MS
            agg = self._slice(arrays, i0, i1)
        if t1 > self.start_minute:
            lo = max(t0, self.start_minute)
            if (t1 - lo) // MINUTE_MS <= len(self.minutes):
                keys = range(lo, t1, MINUTE_MS)
                bars = [b for m in keys if (b := self.minutes.get(m)) is not None]
            else:
                bars = [b for m, b in sorted(self.minutes.items()) if lo <= m < t1]
            for bar in bars:
                agg = _merge(agg, bar)
        return agg

    def minute_bar(self, minute_ms: int) -> Bar | None:
        return self.range_bar(minute_ms, minute_ms + MINUTE_MS)

    def bucket(self, open_ms: int, interval_s: int) -> Bar | None:
        """Aggregate bar for [open_ms, open_ms + interval) (interval a multiple of 60 s)."""
        end = open_ms + interval_s * 1000
        if interval_s >= 86_400 and end <= self.start_day:
            arrays = self._day_arrays()
            n = len(arrays[0])
            i0 = n - (self.start_day - open_ms) // DAY_MS
            return self._slice(arrays, i0, i0 + interval_s * 1000 // DAY_MS)
        return self.range_bar(open_ms, end)

    def candles(
        self, interval_s: int, end_ms: int, count: int, fill_gaps: bool = False
    ) -> list[SimCandle]:
        """Up to `count` bars ending with the one containing `end_ms`, oldest first."""
        step = interval_s * 1000
        last_open = end_ms // step * step
        out: list[SimCandle] = []
        open_ms = last_open
        if interval_s >= 86_400:
            earliest = self.start_day - self._syn.n_days * DAY_MS
        else:
            earliest = self.start_minute - self._syn.n_minutes * MINUTE_MS
        while len(out) < count and open_ms + step > earliest:
            bar = self.bucket(open_ms, interval_s)
            if bar is not None:
                out.append(_candle(open_ms, interval_s, bar))
            open_ms -= step
        out.reverse()
        if fill_gaps and out:
            out = _fill_gaps(out, step, last_open)
        return out[-count:]


def _candle(open_ms: int, interval_s: int, bar: Bar) -> SimCandle:
    o, h, low, c, v, qv, n = bar
    return SimCandle(open_ms, interval_s, o, h, low, c, v, qv, int(n))


def _fill_gaps(bars: list[SimCandle], step: int, last_open: int) -> list[SimCandle]:
    filled: list[SimCandle] = []
    for bar in bars:
        while filled and filled[-1].open_ms + step < bar.open_ms:
            prev = filled[-1]
            c = prev.close
            filled.append(SimCandle(prev.open_ms + step, prev.interval_s, c, c, c, c, 0, 0, 0))
        filled.append(bar)
    while filled and filled[-1].open_ms < last_open:
        prev = filled[-1]
        c = prev.close
        filled.append(SimCandle(prev.open_ms + step, prev.interval_s, c, c, c, c, 0, 0, 0))
    return filled
