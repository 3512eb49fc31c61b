"""MACD (seed: 12/26/9): enter when the histogram crosses zero, exit when it turns."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from core.market import Candle
from core.numbers import grouped
from core.text import Text
from strategies._numba import njit
from strategies.base import Action, FeatureState, KernelStrategy, StrategyParams
from strategies.indicators import MACD, macd_arrays
from strategies.problems import problem


class MacdParams(StrategyParams):
    macd_fast: int = Field(12, ge=1, le=500)
    macd_slow: int = Field(26, ge=2, le=1000)
    macd_signal: int = Field(9, ge=1, le=500)

    @model_validator(mode="after")
    def _order(self) -> MacdParams:
        if self.macd_fast >= self.macd_slow:
            raise problem("order", order="macd_fast < macd_slow")
        return self


@njit(cache=True)
def decide(f: np.ndarray, i: int, pos: int, p: np.ndarray) -> tuple[int, float]:
    m, h, hp = f[i, 0], f[i, 2], f[i - 1, 2]
    if h != h:
        return 0, 0.0
    if pos > 0:
        return (3, 1.0) if h < 0.0 else (0, 0.0)
    if pos < 0:
        return (3, 1.0) if h > 0.0 else (0, 0.0)
    if hp != hp:
        return 0, 0.0
    conf = 0.5 + 0.5 * min(1.0, abs(h) / (abs(m) + 1e-12))
    if hp <= 0.0 < h:
        return 1, conf
    if p[0] > 0.0 and hp >= 0.0 > h:
        return 2, conf
    return 0, 0.0


class _State(FeatureState):
    __slots__ = ("macd",)

    def __init__(self, p: MacdParams) -> None:
        self.macd = MACD(p.macd_fast, p.macd_slow, p.macd_signal)

    def update(self, candle: Candle) -> tuple[float, ...]:
        m = self.macd
        m.update(candle.close)
        return (m.macd, m.signal, m.hist)


class Macd(KernelStrategy):
    name = "macd"
    Params = MacdParams
    description = "Enter when the MACD histogram crosses above zero; exit when it turns negative."
    columns: ClassVar[tuple[str, ...]] = ("macd", "signal", "hist")
    decide = decide
    params: MacdParams

    def warmup(self) -> int:
        return self.params.macd_slow + self.params.macd_signal

    def new_state(self) -> FeatureState:
        return _State(self.params)

    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        p = self.params
        m, s, h = macd_arrays(close, p.macd_fast, p.macd_slow, p.macd_signal)
        return np.column_stack((m, s, h))

    def params_array(self) -> np.ndarray:
        return np.array([float(self.params.allow_short)], np.float64)

    def explain(self, action: Action, row: np.ndarray) -> Text:
        m, s, h = (grouped(v, 6) for v in row[:3])
        if action is Action.EXIT:
            return Text.of("why.macd.exit", hist=h)
        key = "why.macd.above" if action is Action.ENTER_LONG else "why.macd.below"
        return Text.of(key, macd=m, signal=s, hist=h)
