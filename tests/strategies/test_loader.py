"""A user strategy file dropped in the strategies folder is loaded, validated and run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.i18n import render
from core.fills import FillModel
from core.signals import SignalAction
from strategies.backtest import run_backtest
from strategies.botconfig import BotConfigError, parse_bots
from strategies.loader import StrategyLoadError, load_user_strategies
from strategies.registry import StrategyRegistry
from tests.strategies.conftest import bars_from

BREAKOUT = '''
from collections import deque

from pydantic import Field

from strategies import Candle, Signal, SignalAction, Strategy, StrategyParams


class BreakoutParams(StrategyParams):
    lookback: int = Field(5, ge=2)


class Breakout(Strategy):
    """Long on a close above the highest close of the last `lookback` candles."""

    name = "breakout"
    Params = BreakoutParams

    def __init__(self, params=None, bot=""):
        super().__init__(params, bot)
        self.closes = {}

    def warmup(self):
        return self.params.lookback

    def on_candle(self, candle: Candle, position: int) -> Signal | None:
        window = self.closes.setdefault(candle.instrument, deque(maxlen=self.params.lookback))
        full = len(window) == window.maxlen
        hi, lo = (max(window), min(window)) if full else (None, None)
        window.append(candle.close)
        if not full:
            return None
        if position == 0 and candle.close > hi:
            return self.signal(candle, SignalAction.ENTER_LONG, f"close above {hi}", 0.9)
        if position > 0 and candle.close < lo:
            return self.signal(candle, SignalAction.EXIT, f"close below {lo}", 1.0)
        return None
'''

BOT = """
[bots.mine]
strategy = "breakout"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000
[bots.mine.params]
lookback = 3
"""


def user_registry(folder: Path) -> StrategyRegistry:
    (folder / "breakout.py").write_text(BREAKOUT)
    (folder / "_helpers.py").write_text("raise RuntimeError('never imported')\n")
    return StrategyRegistry(load_user_strategies(folder))


def test_user_strategy_is_loaded_validated_and_backtested(tmp_path: Path) -> None:
    registry = user_registry(tmp_path)
    assert "breakout" in registry.names()
    (d,) = parse_bots(BOT, registry, max_leverage=20)
    with pytest.raises(BotConfigError) as bad:
        parse_bots(BOT.replace("lookback = 3", "lookback = 1"), registry, 20)
    assert "parameter lookback: Input should be greater" in render("en", bad.value.text())
    cls = registry.get("breakout")
    assert cls is not None
    closes = np.r_[np.full(5, 100.0), 101, 102, 103, 99, 98, 97, 96]
    result = run_backtest(d, cls.from_dict(d.params, "mine"), [bars_from(closes)], FillModel(), 1e6)
    assert result.engine == "events"
    assert [(s.action, s.taken) for s in result.signals] == [
        (SignalAction.ENTER_LONG, True),
        (SignalAction.EXIT, True),
    ]
    assert len(result.trades) == 1


def test_a_broken_user_file_is_reported_with_its_name_and_line(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(BREAKOUT)
    (tmp_path / "typo.py").write_text("def x(:\n    pass\n")
    (tmp_path / "boom.py").write_text("import math\n\nraise ValueError('bad constant')\n")
    (tmp_path / "empty.py").write_text("X = 1\n")
    with pytest.raises(StrategyLoadError) as err:
        load_user_strategies(tmp_path)
    text = render("en", err.value.text())
    assert "typo.py: syntax error on line 1" in text
    assert "boom.py (line 3): ValueError: bad constant" in text
    assert "empty.py: defines no Strategy subclass" in text


def test_a_user_strategy_cannot_take_a_builtin_name(tmp_path: Path) -> None:
    (tmp_path / "rsi2.py").write_text(BREAKOUT.replace('name = "breakout"', 'name = "rsi"'))
    with pytest.raises(ValueError, match="taken by a built-in"):
        StrategyRegistry(load_user_strategies(tmp_path))


def test_no_folder_no_user_strategies(tmp_path: Path) -> None:
    assert load_user_strategies(tmp_path / "missing") == []
