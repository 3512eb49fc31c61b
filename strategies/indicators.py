"""Indicators, defined by pandas-ta, in two shapes that give bit-identical values.

* Incremental classes (`EMA`, `SMA`, `RSI`, `MACD`, `Volatility`): O(1) per closed candle,
  used by the live path. No DataFrame is ever rebuilt.
* Array functions (`ema_array`, ...): numba-compiled, used by the fast backtest.

Both use the same arithmetic in the same order as pandas-ta 0.4 (no TA-Lib):

* EMA: seeded with the SMA of the first `length` values, then pandas `ewm(adjust=False)`,
  whose step is `((1 - a) * prev + a * x) / ((1 - a) + a)` and which keeps `prev` when `x == prev`.
* RSI: Wilder's RMA, i.e. `ewm(alpha=1/length, adjust=False)` of gains and losses starting
  at the first difference (no SMA seed), `100 * gain / (gain + |loss|)`.
* MACD: EMA(fast) - EMA(slow); signal = EMA(signal) of MACD from its first valid value.
* Volatility: sample standard deviation (ddof=1) of simple returns over `window` candles, i.e.
  `close.pct_change().rolling(window).std()`.

Values are NaN until the indicator is defined, exactly where pandas-ta returns NaN.
"""

from __future__ import annotations

import math

import numpy as np

from strategies._numba import njit

NAN = math.nan


def _check_length(length: int, name: str = "length") -> int:
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {length!r}")
    return length


class EMA:
    """pandas-ta `ema(close, length)` one value at a time."""

    __slots__ = ("_a", "_b", "_d", "_n", "_sum", "length", "value")

    def __init__(self, length: int) -> None:
        self.length = _check_length(length)
        self._a = 2.0 / (length + 1)
        self._b = 1.0 - self._a
        self._d = self._b + self._a  # pandas divides by (old weight + new weight)
        self._n = 0
        self._sum = 0.0
        self.value = NAN

    @property
    def ready(self) -> bool:
        return self._n >= self.length

    def update(self, x: float) -> float:
        n = self._n + 1
        self._n = n
        if n <= self.length:
            self._sum += x
            if n == self.length:
                self.value = self._sum / n
            return self.value
        v = self.value
        if v != x:
            v = (self._b * v + self._a * x) / self._d
            self.value = v
        return v


class RMA:
    """Wilder's moving average as pandas-ta `rma`: `ewm(alpha=1/length, adjust=False)`."""

    __slots__ = ("_a", "_b", "_d", "length", "value")

    def __init__(self, length: int) -> None:
        self.length = _check_length(length)
        self._a = 1.0 / length
        self._b = 1.0 - self._a
        self._d = self._b + self._a
        self.value = NAN

    def update(self, x: float) -> float:
        v = self.value
        if v != v:  # first observation
            self.value = x
            return x
        if v != x:
            v = (self._b * v + self._a * x) / self._d
            self.value = v
        return v


class SMA:
    """pandas-ta `sma(close, length)`; the running sum is re-added from the window every
    `length` updates so float drift never accumulates."""

    __slots__ = ("_buf", "_i", "_n", "_sum", "length", "value")

    def __init__(self, length: int) -> None:
        self.length = _check_length(length)
        self._buf = [0.0] * length
        self._i = 0
        self._n = 0
        self._sum = 0.0
        self.value = NAN

    def update(self, x: float) -> float:
        length = self.length
        i = self._i
        old = self._buf[i]
        self._buf[i] = x
        self._i = i + 1 if i + 1 < length else 0
        self._n += 1
        if self._i == 0:
            s = 0.0
            for v in self._buf:
                s += v
            self._sum = s
        else:
            self._sum += x - old
        if self._n >= length:
            self.value = self._sum / length
        return self.value


class RSI:
    """pandas-ta `rsi(close, length)` (mamode rma, scalar 100)."""

    __slots__ = ("_gain", "_loss", "_prev", "length", "value")

    def __init__(self, length: int = 14) -> None:
        self.length = _check_length(length)
        self._gain = RMA(length)
        self._loss = RMA(length)
        self._prev = NAN
        self.value = NAN

    def update(self, x: float) -> float:
        prev = self._prev
        self._prev = x
        if prev != prev:
            return self.value
        d = x - prev
        g = self._gain.update(d if d > 0.0 else 0.0)
        lo = self._loss.update(d if d < 0.0 else 0.0)
        self.value = 100.0 * g / (g + abs(lo)) if g + abs(lo) != 0.0 else NAN
        return self.value


class MACD:
    """pandas-ta `macd(close, fast, slow, signal)`: `macd`, `signal` and `hist` attributes."""

    __slots__ = ("_fast", "_sig", "_slow", "hist", "macd", "signal")

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9) -> None:
        if slow < fast:  # pandas-ta swaps them too
            fast, slow = slow, fast
        self._fast = EMA(fast)
        self._slow = EMA(slow)
        self._sig = EMA(_check_length(signal, "signal"))
        self.macd = self.signal = self.hist = NAN

    def update(self, x: float) -> float:
        """Returns the histogram (MACD - signal)."""
        f = self._fast.update(x)
        s = self._slow.update(x)
        if s != s:
            return NAN
        m = f - s
        self.macd = m
        sig = self._sig.update(m)
        self.signal = sig
        self.hist = m - sig
        return self.hist


class Volatility:
    """Rolling sample stdev (ddof=1) of simple returns over `window` candles."""

    __slots__ = ("_buf", "_i", "_n", "_prev", "value", "window")

    def __init__(self, window: int = 20) -> None:
        if _check_length(window, "window") < 2:
            raise ValueError("window must be at least 2")
        self.window = window
        self._buf = [0.0] * window
        self._i = 0
        self._n = 0
        self._prev = NAN
        self.value = NAN

    def update(self, x: float) -> float:
        prev = self._prev
        self._prev = x
        if prev != prev:
            return NAN
        w = self.window
        i = self._i
        self._buf[i] = x / prev - 1.0
        i += 1
        self._i = i if i < w else 0
        self._n += 1
        if self._n < w:
            return NAN
        # Two passes over the window, oldest first: the same sums `volatility_array` does.
        buf = self._buf
        start = self._i
        s = 0.0
        for k in range(w):
            s += buf[(start + k) % w]
        mean = s / w
        q = 0.0
        for k in range(w):
            d = buf[(start + k) % w] - mean
            q += d * d
        self.value = math.sqrt(q / (w - 1))
        return self.value


# --- array versions (numba) for the backtest ----------------------------------------------------


@njit(cache=True)
def ema_array(x: np.ndarray, length: int) -> np.ndarray:  # pragma: no cover - compiled
    n = x.shape[0]
    out = np.full(n, np.nan)
    if n < length:
        return out
    a = 2.0 / (length + 1)
    b = 1.0 - a
    d = b + a
    s = 0.0
    for i in range(length):
        s += x[i]
    v = s / length
    out[length - 1] = v
    for i in range(length, n):
        xi = x[i]
        if v != xi:
            v = (b * v + a * xi) / d
        out[i] = v
    return out


@njit(cache=True)
def sma_array(x: np.ndarray, length: int) -> np.ndarray:  # pragma: no cover - compiled
    n = x.shape[0]
    out = np.full(n, np.nan)
    buf = np.zeros(length)
    j = 0
    s = 0.0
    for i in range(n):
        old = buf[j]
        buf[j] = x[i]
        j += 1
        if j == length:
            j = 0
        if j == 0:
            s = 0.0
            for k in range(length):
                s += buf[k]
        else:
            s += x[i] - old
        if i + 1 >= length:
            out[i] = s / length
    return out


@njit(cache=True)
def rsi_array(x: np.ndarray, length: int) -> np.ndarray:  # pragma: no cover - compiled
    n = x.shape[0]
    out = np.full(n, np.nan)
    if n < 2:
        return out
    a = 1.0 / length
    b = 1.0 - a
    dd = b + a
    g = np.nan
    lo = np.nan
    for i in range(1, n):
        d = x[i] - x[i - 1]
        gi = d if d > 0.0 else 0.0
        li = d if d < 0.0 else 0.0
        if g != g:
            g = gi
            lo = li
        else:
            if g != gi:
                g = (b * g + a * gi) / dd
            if lo != li:
                lo = (b * lo + a * li) / dd
        den = g + abs(lo)
        out[i] = 100.0 * g / den if den != 0.0 else np.nan
    return out


@njit(cache=True)
def macd_arrays(
    x: np.ndarray, fast: int, slow: int, signal: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    if slow < fast:
        fast, slow = slow, fast
    n = x.shape[0]
    f = ema_array(x, fast)
    s = ema_array(x, slow)
    m = f - s
    sig = np.full(n, np.nan)
    if n >= slow:
        sig[slow - 1 :] = ema_array(m[slow - 1 :], signal)
    return m, sig, m - sig


@njit(cache=True)
def volatility_array(x: np.ndarray, window: int) -> np.ndarray:  # pragma: no cover - compiled
    n = x.shape[0]
    out = np.full(n, np.nan)
    r = np.full(n, np.nan)
    for i in range(1, n):
        r[i] = x[i] / x[i - 1] - 1.0
    for i in range(window, n):
        s = 0.0
        for k in range(i - window + 1, i + 1):
            s += r[k]
        mean = s / window
        q = 0.0
        for k in range(i - window + 1, i + 1):
            d = r[k] - mean
            q += d * d
        out[i] = math.sqrt(q / (window - 1))
    return out
