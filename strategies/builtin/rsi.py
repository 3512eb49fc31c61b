"""RSI (seed: 14, buy below 30, sell above 70)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from core.market import Candle
from core.numbers import grouped
from core.text import Text
from strategies._numba import njit
from strategies.base import Action, FeatureState, KernelStrategy, StrategyParams
from strategies.indicators import RSI, rsi_array
from strategies.problems import problem


class RsiParams(StrategyParams):
    rsi_period: int = Field(14, ge=2, le=500)
    rsi_oversold: float = Field(30.0, gt=0, lt=100)
    rsi_overbought: float = Field(70.0, gt=0, lt=100)

    @model_validator(mode="after")
    def _order(self) -> RsiParams:
        if self.rsi_oversold >= self.rsi_overbought:
            raise problem("order", order="rsi_oversold < rsi_overbought")
        return self


@njit(cache=True)
def decide(f: np.ndarray, i: int, pos: int, p: np.ndarray) -> tuple[int, float]:
    r = f[i, 0]
    if r != r:
        return 0, 0.0
    os_, ob = p[1], p[2]
    if pos > 0:
        return (3, 1.0) if r > ob else (0, 0.0)
    if pos < 0:
        return (3, 1.0) if r < os_ else (0, 0.0)
    if r < os_:
        return 1, min(1.0, 0.5 + (os_ - r) / os_)
    if p[0] > 0.0 and r > ob:
        return 2, min(1.0, 0.5 + (r - ob) / (100.0 - ob))
    return 0, 0.0


class _State(FeatureState):
    __slots__ = ("n", "period", "rsi")

    def __init__(self, period: int) -> None:
        self.rsi = RSI(period)
        self.period = period
        self.n = 0

    def update(self, candle: Candle) -> tuple[float, ...]:
        v = self.rsi.update(candle.close)
        self.n += 1
        # pandas-ta defines RSI from the 2nd candle; a decision waits for `period` differences.
        return (v if self.n > self.period else np.nan,)


def masked_rsi(close: np.ndarray, period: int) -> np.ndarray:
    out = rsi_array(close, period)
    out[:period] = np.nan
    return out


class Rsi(KernelStrategy):
    name = "rsi"
    Params = RsiParams
    description = "Buy when RSI falls below oversold (30), exit above overbought (70)."
    columns: ClassVar[tuple[str, ...]] = ("rsi",)
    decide = decide
    params: RsiParams

    def warmup(self) -> int:
        return self.params.rsi_period + 1

    def new_state(self) -> FeatureState:
        return _State(self.params.rsi_period)

    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        return masked_rsi(close, self.params.rsi_period).reshape(-1, 1)

    def params_array(self) -> np.ndarray:
        p = self.params
        return np.array([float(p.allow_short), p.rsi_oversold, p.rsi_overbought], np.float64)

    def explain(self, action: Action, row: np.ndarray) -> Text:
        p = self.params
        r = grouped(row[0], 2)
        if action is Action.ENTER_LONG:
            return Text.of("why.rsi.oversold", period=p.rsi_period, rsi=r,
                           level=grouped(p.rsi_oversold))  # fmt: skip
        if action is Action.ENTER_SHORT:
            return Text.of("why.rsi.overbought", period=p.rsi_period, rsi=r,
                           level=grouped(p.rsi_overbought))  # fmt: skip
        return Text.of("why.rsi.exit", period=p.rsi_period, rsi=r)
