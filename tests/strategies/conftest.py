"""Shared builders for the strategy tests."""

from __future__ import annotations

import numpy as np
import pytest

from core.market import Candle
from core.symbols import Instrument, Symbol, Venue
from strategies.bars import Bars
from strategies.botconfig import BotDefinition

BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
ETH_KRW = Instrument(Venue.UPBIT, Symbol("ETH", "KRW"))
BTC_USDT_F = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
T0 = 1_767_225_600_000  # 2026-01-01 00:00 UTC


def candles_from(
    closes: np.ndarray | list[float], inst: Instrument = BTC_KRW, start: int = T0, tf: str = "1m"
) -> list[Candle]:
    closes = np.asarray(closes, dtype=np.float64)
    opens = np.concatenate(([closes[0]], closes[:-1]))
    step = 60_000
    return [
        Candle(inst, tf, start + i * step, float(o), float(max(o, c)), float(min(o, c)), float(c),
               1.0)
        for i, (o, c) in enumerate(zip(opens, closes, strict=True))
    ]  # fmt: skip


def bars_from(closes: np.ndarray | list[float], inst: Instrument = BTC_KRW) -> Bars:
    return Bars.from_candles(candles_from(closes, inst))


def random_walk(n: int, seed: int = 1, vol: float = 0.004, start: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start * np.exp(np.cumsum(rng.normal(0.0, vol, n)))


def bot(strategy: str = "combined", **kw: object) -> BotDefinition:
    raw: dict[str, object] = {
        "name": "t",
        "strategy": strategy,
        "exchange": "upbit",
        "symbols": ["BTC/KRW"],
        "stake": 100_000.0,
    }
    raw.update(kw)
    return BotDefinition.model_validate(raw)


@pytest.fixture
def walk() -> np.ndarray:
    return random_walk(3000)
