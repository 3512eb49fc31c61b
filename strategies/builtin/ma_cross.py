"""Moving-average cross (from the Bitget bot): `cooldown_candles` and `min_confidence`."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from core.market import Candle
from core.numbers import grouped
from core.text import Text
from strategies._numba import njit
from strategies.base import Action, FeatureState, KernelStrategy, StrategyParams
from strategies.indicators import EMA, SMA, ema_array, sma_array
from strategies.problems import problem


class MaCrossParams(StrategyParams):
    ma_fast: int = Field(3, ge=1, le=1000)
    ma_slow: int = Field(7, ge=2, le=1000)
    ma_type: Literal["sma", "ema"] = "sma"
    min_confidence: float = Field(0.2, ge=0, le=1)
    full_confidence_gap_pct: float = Field(
        0.5, gt=0, description="fast/slow gap (%) at which confidence reaches 1"
    )

    @model_validator(mode="after")
    def _order(self) -> MaCrossParams:
        if self.ma_fast >= self.ma_slow:
            raise problem("order", order="ma_fast < ma_slow")
        return self


@njit(cache=True)
def decide(f: np.ndarray, i: int, pos: int, p: np.ndarray) -> tuple[int, float]:
    fa, sl, fp, sp = f[i, 0], f[i, 1], f[i - 1, 0], f[i - 1, 1]
    if fa != fa or sl != sl or fp != fp or sp != sp:
        return 0, 0.0
    up = fp <= sp and fa > sl
    down = fp >= sp and fa < sl
    if pos > 0:
        return (3, 1.0) if down else (0, 0.0)
    if pos < 0:
        return (3, 1.0) if up else (0, 0.0)
    conf = min(1.0, abs(fa - sl) / sl * 100.0 / p[1])
    if up:
        return 1, conf
    if down and p[0] > 0.0:
        return 2, conf
    return 0, 0.0


class _State(FeatureState):
    __slots__ = ("fast", "slow")

    def __init__(self, p: MaCrossParams) -> None:
        kind = EMA if p.ma_type == "ema" else SMA
        self.fast: EMA | SMA = kind(p.ma_fast)
        self.slow: EMA | SMA = kind(p.ma_slow)

    def update(self, candle: Candle) -> tuple[float, ...]:
        return (self.fast.update(candle.close), self.slow.update(candle.close))


class MaCross(KernelStrategy):
    name = "ma_cross"
    Params = MaCrossParams
    description = "Enter when the fast MA crosses the slow MA; exit on the opposite cross."
    columns: ClassVar[tuple[str, ...]] = ("ma_fast", "ma_slow")
    decide = decide
    params: MaCrossParams

    def warmup(self) -> int:
        return self.params.ma_slow + 1

    def new_state(self) -> FeatureState:
        return _State(self.params)

    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        p = self.params
        fn = ema_array if p.ma_type == "ema" else sma_array
        return np.column_stack((fn(close, p.ma_fast), fn(close, p.ma_slow)))

    def params_array(self) -> np.ndarray:
        p = self.params
        return np.array([float(p.allow_short), p.full_confidence_gap_pct], np.float64)

    def explain(self, action: Action, row: np.ndarray) -> Text:
        p = self.params
        fa, sl = grouped(row[0], 6), grouped(row[1], 6)
        kind = p.ma_type.upper()
        fast, slow = f"{kind}{p.ma_fast}", f"{kind}{p.ma_slow}"
        if action is Action.EXIT:
            return Text.of("why.cross.back", fast=fast, fa=fa, slow=slow, sl=sl)
        key = "why.cross.above" if action is Action.ENTER_LONG else "why.cross.below"
        return Text.of(key, fast=fast, fa=fa, slow=slow, sl=sl)
