"""Candle history per market: synthetic bars before the simulator started, real bars after.

Before `start_ms` the history is a seeded backward random walk ending at the start price, so
the same seed always gives the same history. After it, one-minute bars are built from the
trades the market model generated, so candles agree with the simulator's own trade record.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

MINUTE_MS = 60_000
DAY_MS = 86_400_000


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
    """Seeded pre-start bars of one coin in its reference unit (USDT), generated lazily."""

    def __init__(self, seed: str, price: float, vol_per_min: float, volume_per_min: float) -> None:
        self._seed = seed
        self._price = price
        self._vol = vol_per_min
        self._volume = volume_per_min
        self._minutes: list[tuple[float, float, float, float, float]] | None = None
        self._days: list[tuple[float, float, float, float, float]] | None = None

    def _walk(self, tag: str, n: int, sigma: float, volume: float) -> list[tuple[float, ...]]:
        rng = random.Random(f"{self._seed}:{tag}")
        closes = [self._price]
        for _ in range(n):
            closes.append(closes[-1] * math.exp(-sigma * rng.gauss(0.0, 1.0)))
        closes.reverse()  # closes[0] is the oldest open, closes[-1] the start price
        bars: list[tuple[float, ...]] = []
        for i in range(n):
            o, c = closes[i], closes[i + 1]
            wick = abs(rng.gauss(0.0, sigma * 0.6))
            v = volume * rng.lognormvariate(0.0, 0.5)
            bars.append((o, max(o, c) * (1 + wick), min(o, c) * (1 - wick), c, v))
        return bars

    def minutes(self, n: int) -> list[tuple[float, ...]]:
        if self._minutes is None or len(self._minutes) < n:
            self._minutes = self._walk("m", n, self._vol, self._volume)  # type: ignore[assignment]
        return self._minutes  # type: ignore[return-value]

    def days(self, n: int) -> list[tuple[float, ...]]:
        if self._days is None or len(self._days) < n:
            self._days = self._walk(  # type: ignore[assignment]
                "d", n, self._vol * math.sqrt(1440), self._volume * 1440
            )
        return self._days  # type: ignore[return-value]


class CandleStore:
    """One market's bars: real one-minute bars from trades plus a converted synthetic past."""

    def __init__(
        self,
        start_ms: int,
        synthetic: SyntheticHistory,
        convert: Callable[[float], float],
        volume_scale: float,
        history_minutes: int,
        history_days: int = 400,
    ) -> None:
        self.start_ms = start_ms
        self.start_minute = start_ms // MINUTE_MS * MINUTE_MS
        self._synthetic = synthetic
        self._convert = convert
        self._vscale = volume_scale
        self._history_minutes = history_minutes
        self._history_days = history_days
        self.minutes: dict[int, Bar] = {}

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

    def _synthetic_bar(
        self, rows: list[tuple[float, ...]], idx: int, scale: float = 1.0
    ) -> Bar | None:
        if idx < 0 or idx >= len(rows):
            return None
        o, h, low, c, v = rows[idx]

        def cv(rel: float) -> float:
            return self._convert(rel * scale)

        close = cv(c)
        vol = v * self._vscale
        return [cv(o), cv(h), cv(low), close, vol, vol * close, max(1, int(vol > 0))]

    def minute_bar(self, minute_ms: int) -> Bar | None:
        if minute_ms >= self.start_minute:
            return self.minutes.get(minute_ms)
        rows = self._synthetic.minutes(self._history_minutes)
        back = (self.start_minute - minute_ms) // MINUTE_MS  # 1 = the minute before start
        return self._synthetic_bar(rows, len(rows) - back)

    def _day_bar(self, day_ms: int) -> Bar | None:
        start_day = self.start_ms // DAY_MS * DAY_MS
        rows = self._synthetic.days(self._history_days)
        back = (start_day - day_ms) // DAY_MS
        # Scale the daily walk so it ends where the minute walk is at the start of today.
        minutes = self._synthetic.minutes(self._history_minutes)
        idx = len(minutes) - (self.start_minute - start_day) // MINUTE_MS
        scale = minutes[idx][0] if 0 <= idx < len(minutes) else 1.0
        return self._synthetic_bar(rows, len(rows) - back, scale)

    def bucket(self, open_ms: int, interval_s: int) -> Bar | None:
        """Aggregate bar for [open_ms, open_ms + interval) (interval a multiple of 60 s)."""
        end = open_ms + interval_s * 1000
        if interval_s >= 86_400 and end <= self.start_ms // DAY_MS * DAY_MS:
            agg: Bar | None = None
            for day in range(open_ms, end, DAY_MS):
                bar = self._day_bar(day)
                if bar is not None:
                    agg = _merge(agg, bar)
            return agg
        agg = None
        for minute in range(open_ms, end, MINUTE_MS):
            bar = self.minute_bar(minute)
            if bar is not None:
                agg = _merge(agg, bar)
        return agg

    def candles(
        self, interval_s: int, end_ms: int, count: int, fill_gaps: bool = False
    ) -> list[SimCandle]:
        """Up to `count` bars ending with the one containing `end_ms`, oldest first."""
        step = interval_s * 1000
        last_open = end_ms // step * step
        out: list[SimCandle] = []
        open_ms = last_open
        if interval_s >= 86_400:
            earliest = self.start_ms // DAY_MS * DAY_MS - self._history_days * DAY_MS
        else:
            earliest = self.start_minute - self._history_minutes * MINUTE_MS
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
