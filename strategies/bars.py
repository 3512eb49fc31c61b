"""One instrument's candles as arrays: what the backtest runs over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.market import Candle
from core.symbols import Instrument


@dataclass(frozen=True, slots=True)
class Bars:
    """One instrument's candles as arrays (ts in ms, oldest first)."""

    instrument: Instrument
    timeframe: str
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    def candle(self, i: int) -> Candle:
        return Candle(
            self.instrument, self.timeframe, int(self.ts[i]), float(self.open[i]),
            float(self.high[i]), float(self.low[i]), float(self.close[i]), float(self.volume[i]),
        )  # fmt: skip

    def candles(self) -> Iterator[Candle]:
        for i in range(len(self)):
            yield self.candle(i)

    @classmethod
    def from_candles(cls, candles: list[Candle]) -> Bars:
        if not candles:
            raise ValueError("no candles")
        c0 = candles[0]
        cols = np.array(
            [(c.open, c.high, c.low, c.close, c.volume) for c in candles], dtype=np.float64
        )
        return cls(
            c0.instrument, c0.timeframe, np.array([c.open_ts for c in candles], np.int64),
            cols[:, 0].copy(), cols[:, 1].copy(), cols[:, 2].copy(), cols[:, 3].copy(),
            cols[:, 4].copy(),
        )  # fmt: skip
