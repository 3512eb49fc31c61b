"""The seed's combined strategy: EMA 7/25/99 trend + RSI 14 + MACD 12/26/9, with a volatility
filter (no new entries while the per-candle volatility is above `max_volatility`, 5 %)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from core.market import Candle
from core.numbers import grouped
from core.text import Text
from strategies._numba import njit
from strategies.base import Action, FeatureState, KernelStrategy, StrategyParams
from strategies.builtin.rsi import masked_rsi
from strategies.indicators import (
    EMA,
    MACD,
    RSI,
    Volatility,
    ema_array,
    macd_arrays,
    volatility_array,
)
from strategies.problems import Problem


class CombinedParams(StrategyParams):
    ema_short: int = Field(7, ge=1, le=1000)
    ema_mid: int = Field(25, ge=1, le=1000)
    ema_long: int = Field(99, ge=1, le=1000)
    rsi_period: int = Field(14, ge=2, le=500)
    rsi_oversold: float = Field(30.0, gt=0, lt=100)
    rsi_overbought: float = Field(70.0, gt=0, lt=100)
    macd_fast: int = Field(12, ge=1, le=500)
    macd_slow: int = Field(26, ge=2, le=1000)
    macd_signal: int = Field(9, ge=1, le=500)
    max_volatility: float = Field(0.05, gt=0, le=1, description="stdev of returns, 0.05 = 5 %")
    volatility_window: int = Field(20, ge=2, le=1000)

    @model_validator(mode="after")
    def _order(self) -> CombinedParams:
        problems = []
        if not self.ema_short < self.ema_mid < self.ema_long:
            problems.append(Text.of("bots.problem.order", order="ema_short < ema_mid < ema_long"))
        if self.rsi_oversold >= self.rsi_overbought:
            problems.append(Text.of("bots.problem.order", order="rsi_oversold < rsi_overbought"))
        if self.macd_fast >= self.macd_slow:
            problems.append(Text.of("bots.problem.order", order="macd_fast < macd_slow"))
        if problems:
            raise Problem(Text.of("bots.problem.several", problems=tuple(problems)))
        return self


# Feature columns: 0 ema_short, 1 ema_mid, 2 ema_long, 3 rsi, 4 macd, 5 hist, 6 volatility.
# Params: 0 allow_short, 1 rsi_oversold, 2 rsi_overbought, 3 max_volatility.
@njit(cache=True)
def decide(f: np.ndarray, i: int, pos: int, p: np.ndarray) -> tuple[int, float]:
    s, m, lo, r, mac, h, vol = f[i, 0], f[i, 1], f[i, 2], f[i, 3], f[i, 4], f[i, 5], f[i, 6]
    if s != s or m != m or lo != lo or r != r or h != h or vol != vol:
        return 0, 0.0
    os_, ob = p[1], p[2]
    if pos > 0:
        return (3, 1.0) if (r > ob or (s < m and h < 0.0)) else (0, 0.0)
    if pos < 0:
        return (3, 1.0) if (r < os_ or (s > m and h > 0.0)) else (0, 0.0)
    if vol > p[3]:
        return 0, 0.0
    if s > m and h > 0.0 and r < ob:
        votes = 2.0 + (1.0 if m > lo else 0.0) + (1.0 if mac > 0.0 else 0.0)
        votes += 1.0 if r > 50.0 else 0.0
        return 1, votes / 5.0
    if p[0] > 0.0 and s < m and h < 0.0 and r > os_:
        votes = 2.0 + (1.0 if m < lo else 0.0) + (1.0 if mac < 0.0 else 0.0)
        votes += 1.0 if r < 50.0 else 0.0
        return 2, votes / 5.0
    return 0, 0.0


class _State(FeatureState):
    __slots__ = ("l", "m", "macd", "n", "period", "rsi", "s", "vol")

    def __init__(self, p: CombinedParams) -> None:
        self.s, self.m, self.l = EMA(p.ema_short), EMA(p.ema_mid), EMA(p.ema_long)
        self.rsi = RSI(p.rsi_period)
        self.period = p.rsi_period
        self.macd = MACD(p.macd_fast, p.macd_slow, p.macd_signal)
        self.vol = Volatility(p.volatility_window)
        self.n = 0

    def update(self, candle: Candle) -> tuple[float, ...]:
        c = candle.close
        self.n += 1
        r = self.rsi.update(c)
        macd = self.macd
        h = macd.update(c)
        return (
            self.s.update(c),
            self.m.update(c),
            self.l.update(c),
            r if self.n > self.period else np.nan,
            macd.macd,
            h,
            self.vol.update(c),
        )


class Combined(KernelStrategy):
    name = "combined"
    Params = CombinedParams
    description = (
        "EMA trend + MACD histogram + RSI not overbought, no entries while volatility "
        "is above max_volatility; exit on RSI overbought or trend and MACD turning."
    )
    columns: ClassVar[tuple[str, ...]] = (
        "ema_short",
        "ema_mid",
        "ema_long",
        "rsi",
        "macd",
        "hist",
        "volatility",
    )
    decide = decide
    params: CombinedParams

    def warmup(self) -> int:
        p = self.params
        return max(
            p.ema_long, p.rsi_period + 1, p.macd_slow + p.macd_signal, p.volatility_window + 1
        )

    def new_state(self) -> FeatureState:
        return _State(self.params)

    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        p = self.params
        m, _, h = macd_arrays(close, p.macd_fast, p.macd_slow, p.macd_signal)
        return np.column_stack(
            (
                ema_array(close, p.ema_short),
                ema_array(close, p.ema_mid),
                ema_array(close, p.ema_long),
                masked_rsi(close, p.rsi_period),
                m,
                h,
                volatility_array(close, p.volatility_window),
            )
        )

    def params_array(self) -> np.ndarray:
        p = self.params
        return np.array(
            [float(p.allow_short), p.rsi_oversold, p.rsi_overbought, p.max_volatility], np.float64
        )

    def explain(self, action: Action, row: np.ndarray) -> Text:
        s, m, lo = (grouped(v, 6) for v in row[:3])
        r, h, vol = grouped(row[3], 2), grouped(row[5], 6), grouped(row[6] * 100, 3)
        if action is Action.EXIT:
            return Text.of("why.combined.exit", rsi=r, short=s, mid=m, hist=h)
        word = Text.of("forced.long" if action is Action.ENTER_LONG else "forced.short")
        return Text.of(
            "why.combined.enter", side=word, short=s, mid=m, long=lo, rsi=r, hist=h, vol=vol
        )
