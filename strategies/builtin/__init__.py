"""Built-in strategies, by the name bot definitions use."""

from __future__ import annotations

from strategies.base import Strategy
from strategies.builtin.combined import Combined
from strategies.builtin.ema_trend import EmaTrend
from strategies.builtin.ma_cross import MaCross
from strategies.builtin.macd import Macd
from strategies.builtin.rsi import Rsi
from strategies.hedge.config import KimpHedge

BUILTINS: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (EmaTrend, Rsi, Macd, Combined, MaCross, KimpHedge)
}

__all__ = ["BUILTINS", "Combined", "EmaTrend", "MaCross", "Macd", "Rsi"]
