"""EMA trend (seed: EMA 7/25/99): long while the three EMAs are stacked up."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from core.market import Candle
from core.numbers import grouped
from core.text import Text
from strategies._numba import njit
from strategies.base import Action, FeatureState, KernelStrategy, StrategyParams
from strategies.indicators import EMA, ema_array
from strategies.problems import problem


class EmaTrendParams(StrategyParams):
    ema_short: int = Field(7, ge=1, le=1000)
    ema_mid: int = Field(25, ge=1, le=1000)
    ema_long: int = Field(99, ge=1, le=1000)
    full_confidence_spread_pct: float = Field(
        2.0, gt=0, description="short/long EMA spread at which confidence reaches 1"
    )

    @model_validator(mode="after")
    def _order(self) -> EmaTrendParams:
        if not self.ema_short < self.ema_mid < self.ema_long:
            raise problem("order", order="ema_short < ema_mid < ema_long")
        return self


@njit(cache=True)
def decide(f: np.ndarray, i: int, pos: int, p: np.ndarray) -> tuple[int, float]:
    s, m, lo = f[i, 0], f[i, 1], f[i, 2]
    if lo != lo or m != m or s != s:
        return 0, 0.0
    if pos > 0:
        return (3, 1.0) if s < m else (0, 0.0)
    if pos < 0:
        return (3, 1.0) if s > m else (0, 0.0)
    conf = 0.5 + min(0.5, abs(s - lo) / lo * 100.0 / p[1] * 0.5)
    if s > m and m > lo:
        return 1, conf
    if p[0] > 0.0 and s < m and m < lo:
        return 2, conf
    return 0, 0.0


class _State(FeatureState):
    __slots__ = ("l", "m", "s")

    def __init__(self, p: EmaTrendParams) -> None:
        self.s, self.m, self.l = EMA(p.ema_short), EMA(p.ema_mid), EMA(p.ema_long)

    def update(self, candle: Candle) -> tuple[float, ...]:
        c = candle.close
        return (self.s.update(c), self.m.update(c), self.l.update(c))


class EmaTrend(KernelStrategy):
    name = "ema_trend"
    Params = EmaTrendParams
    description = "Long while EMA short > mid > long (7/25/99); exit when short crosses below mid."
    columns: ClassVar[tuple[str, ...]] = ("ema_short", "ema_mid", "ema_long")
    decide = decide
    params: EmaTrendParams

    def warmup(self) -> int:
        return self.params.ema_long

    def new_state(self) -> FeatureState:
        return _State(self.params)

    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        p = self.params
        return np.column_stack(
            (
                ema_array(close, p.ema_short),
                ema_array(close, p.ema_mid),
                ema_array(close, p.ema_long),
            )
        )

    def params_array(self) -> np.ndarray:
        return np.array(
            [float(self.params.allow_short), self.params.full_confidence_spread_pct], np.float64
        )

    def explain(self, action: Action, row: np.ndarray) -> Text:
        s, m, lo = (grouped(v, 6) for v in row[:3])
        p = self.params
        names = f"EMA{p.ema_short}/{p.ema_mid}/{p.ema_long}"
        if action is Action.EXIT:
            return Text.of("why.ema_trend.exit", fast=p.ema_short, short=s, slow=p.ema_mid, mid=m)
        key = "why.ema_trend.up" if action is Action.ENTER_LONG else "why.ema_trend.down"
        return Text.of(key, names=names, short=s, mid=m, long=lo)
