"""Rolling 24 h statistics of one market, maintained incrementally as minutes close.

The window holds the closed one-minute bars of the last 24 h, `[now_min - 24 h, now_min)`;
the caller adds the still-open current minute. Two parts:

- the synthetic past (minutes before the simulator started) only ever shrinks from the left,
  so its aggregates are numpy suffix arrays over the last 1,440 synthetic bars, built once:
  the window's synthetic part is one index lookup;
- the real bars (built from generated trades) slide: running sums for volumes and counts and
  monotonic deques for the high and low (sliding-window maximum), so each closed minute costs
  O(1) amortised and a query costs O(1).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from peers.exchange_sim.history import MINUTE_MS, Arr, Bar, CandleStore

DAY_MINUTES = 1440


class _SyntheticTail:
    """Suffix aggregates of the last `n` synthetic minute bars (index i covers bars i..n-1)."""

    def __init__(self, arrays: tuple[Arr, ...]) -> None:
        o, h, low, c, v, q = arrays
        self.n = len(o)
        self.close = float(c[-1]) if self.n else 0.0
        self.open = o
        self.high = np.maximum.accumulate(h[::-1])[::-1]
        self.low = np.minimum.accumulate(low[::-1])[::-1]
        self.volume = np.cumsum(v[::-1])[::-1]
        self.quote = np.cumsum(q[::-1])[::-1]


class RollingDay:
    """24 h open/high/low/volume/quote volume/count of one `CandleStore` (see module doc)."""

    def __init__(self, store: CandleStore, minutes: int = DAY_MINUTES) -> None:
        self._store = store
        self._span = minutes * MINUTE_MS
        self._syn: _SyntheticTail | None = None
        self._end: int | None = None  # first minute not in the window (the open minute)
        self._bars: deque[tuple[int, Bar]] = deque()  # closed real bars in the window
        self._highs: deque[tuple[int, float]] = deque()  # decreasing highs
        self._lows: deque[tuple[int, float]] = deque()  # increasing lows
        self._volume = 0.0
        self._quote = 0.0
        self._count = 0

    def _synthetic(self) -> _SyntheticTail:
        if self._syn is None:
            self._syn = _SyntheticTail(self._store.synthetic_tail(self._span // MINUTE_MS))
        return self._syn

    # ----------------------------------------------------------------- updates
    def roll(self, now_min: int) -> None:
        """Close every minute before `now_min` (minute-aligned) and evict the ones > 24 h old."""
        start_minute = self._store.start_minute
        if self._end is not None and now_min <= self._end:
            return
        first = max(start_minute, now_min - self._span)
        if self._end is None or self._end < first:  # first use, or a jump longer than a day
            self._reset()
            self._end = first
        minutes = self._store.minutes
        for m in range(self._end, now_min, MINUTE_MS):
            bar = minutes.get(m)
            if bar is not None:
                self._add(m, bar)
        self._end = now_min
        self._evict(now_min - self._span)

    def _reset(self) -> None:
        self._bars.clear()
        self._highs.clear()
        self._lows.clear()
        self._volume = self._quote = 0.0
        self._count = 0

    def _add(self, minute: int, bar: Bar) -> None:
        self._bars.append((minute, bar))
        self._volume += bar[4]
        self._quote += bar[5]
        self._count += int(bar[6])
        high, low = bar[1], bar[2]
        while self._highs and self._highs[-1][1] <= high:
            self._highs.pop()
        self._highs.append((minute, high))
        while self._lows and self._lows[-1][1] >= low:
            self._lows.pop()
        self._lows.append((minute, low))

    def _evict(self, start: int) -> None:
        bars = self._bars
        while bars and bars[0][0] < start:
            _, bar = bars.popleft()
            self._volume -= bar[4]
            self._quote -= bar[5]
            self._count -= int(bar[6])
        if not bars:  # no float drift survives an empty window
            self._volume = self._quote = 0.0
            self._count = 0
        while self._highs and self._highs[0][0] < start:
            self._highs.popleft()
        while self._lows and self._lows[0][0] < start:
            self._lows.popleft()

    # ----------------------------------------------------------------- query
    def closed(self, now_min: int) -> Bar | None:
        """Aggregate `[open, high, low, close, volume, quote_volume, count]` of the closed
        minutes in `[now_min - 24 h, now_min)`, or None if there are none. O(1) amortised."""
        self.roll(now_min)
        start = now_min - self._span
        agg: Bar | None = None
        n_syn = (self._store.start_minute - start) // MINUTE_MS
        if n_syn > 0:
            syn = self._synthetic()
            i = syn.n - min(n_syn, syn.n)
            if i < syn.n:
                o = float(syn.open[i])
                agg = [
                    o, float(syn.high[i]), float(syn.low[i]), syn.close,
                    float(syn.volume[i]), float(syn.quote[i]), syn.n - i,
                ]  # fmt: skip
        if self._bars:
            last = self._bars[-1][1]
            if agg is None:
                agg = [self._bars[0][1][0], self._highs[0][1], self._lows[0][1], last[3],
                       self._volume, self._quote, self._count]  # fmt: skip
            else:
                agg[1] = max(agg[1], self._highs[0][1])
                agg[2] = min(agg[2], self._lows[0][1])
                agg[3] = last[3]
                agg[4] += self._volume
                agg[5] += self._quote
                agg[6] += self._count
        return agg
