"""The strategy interface.

A strategy receives closed candles (and ticks, if it asks) for its bot's symbols and returns
`Signal`s. It never touches the exchange, the database or Telegram: the runner does that.

Built-ins are `KernelStrategy`s: their indicators update incrementally (live) and also exist as
numba array functions (backtest); their decision is one numba-compiled function
`decide(features, i, position, params) -> (action, confidence)` shared by both paths, so the
backtest runs the very code that runs live.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import IntEnum
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from core.market import Candle, Trade
from core.signals import Signal, SignalAction
from core.symbols import Instrument
from core.text import Text


class Action(IntEnum):
    """Integer actions, as the numba kernels return them."""

    NONE = 0
    ENTER_LONG = 1
    ENTER_SHORT = 2
    EXIT = 3


TO_SIGNAL = {
    Action.ENTER_LONG: SignalAction.ENTER_LONG,
    Action.ENTER_SHORT: SignalAction.ENTER_SHORT,
    Action.EXIT: SignalAction.EXIT,
}
FROM_SIGNAL = {v: k for k, v in TO_SIGNAL.items()}


class StrategyParams(BaseModel):
    """Parameters every strategy accepts. Subclass to add your own (typed, validated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allow_short: bool = Field(False, description="enter shorts too (Binance futures only)")
    cooldown_candles: int = Field(0, ge=0, description="candles to wait after an exit")
    min_confidence: float = Field(0.0, ge=0, le=1, description="weaker signals are refused")


class Strategy(ABC):
    """Base class of every strategy, built-in or user-supplied.

    Subclasses set `name` (what bot definitions refer to) and `Params`, and implement
    `warmup` and `on_candle`. `position` is what the bot holds in that instrument:
    1 long, -1 short, 0 flat.
    """

    name: ClassVar[str] = ""
    Params: ClassVar[type[StrategyParams]] = StrategyParams
    description: ClassVar[str] = ""
    wants_ticks: ClassVar[bool] = False

    def __init__(self, params: StrategyParams | None = None, bot: str = "") -> None:
        self.params = params if params is not None else self.Params.model_validate({})
        self.bot = bot

    @classmethod
    def from_dict(cls, raw: dict[str, Any], bot: str = "") -> Strategy:
        """Validate `raw` into `Params` (pydantic ValidationError on bad input)."""
        return cls(cls.Params.model_validate(raw), bot=bot)

    def warmup(self) -> int:
        """Closed candles needed before the first signal can be right."""
        return 0

    @abstractmethod
    def on_candle(self, candle: Candle, position: int) -> Signal | None:
        """One closed candle of one of the bot's instruments."""

    def on_tick(self, trade: Trade, position: int) -> Signal | None:
        """Only called when `wants_ticks` is True."""
        return None

    def signal(
        self, candle: Candle, action: SignalAction, reason: str | Text, confidence: float
    ) -> Signal:
        return Signal(
            bot=self.bot,
            instrument=candle.instrument,
            action=action,
            reason=reason,
            confidence=max(0.0, min(1.0, confidence)),
            candle_ts=candle.open_ts,
            price=candle.close,
        )


DecideFn = Callable[[np.ndarray, int, int, np.ndarray], tuple[int, float]]


class FeatureState(ABC):
    """Per-instrument incremental indicators of a `KernelStrategy`."""

    @abstractmethod
    def update(self, candle: Candle) -> tuple[float, ...]:
        """Feed one closed candle; return this candle's feature row."""


class KernelStrategy(Strategy):
    """A strategy whose decision is a numba function over feature rows.

    Subclasses provide: `columns` (feature names), `new_state()` (incremental features),
    `features(open, high, low, close)` (the same features as arrays), `decide` (an `@njit`
    function `(f, i, position, p) -> (action, confidence)` reading rows `i` and `i - 1` of `f`),
    `params_array()` (the float parameters `decide` reads) and `explain(action, row)`.
    """

    columns: ClassVar[tuple[str, ...]] = ()
    decide: ClassVar[Any]  # numba dispatcher

    def __init__(self, params: StrategyParams | None = None, bot: str = "") -> None:
        super().__init__(params, bot)
        self._p = self.params_array()
        self._states: dict[Instrument, tuple[FeatureState, np.ndarray]] = {}

    @abstractmethod
    def new_state(self) -> FeatureState: ...

    @abstractmethod
    def features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        """Shape (n, len(columns)); row j is what `new_state().update` returns for candle j."""

    @abstractmethod
    def params_array(self) -> np.ndarray: ...

    @abstractmethod
    def explain(self, action: Action, row: np.ndarray) -> str | Text: ...

    def padded_features(
        self, open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
    ) -> np.ndarray:
        """Features with a leading NaN row, so candle j sits at row j + 1 and always has a
        previous row (the live buffer starts the same way)."""
        f = self.features(open_, high, low, close)
        out = np.full((f.shape[0] + 1, len(self.columns)), np.nan)
        out[1:] = f
        return out

    def update_features(self, candle: Candle) -> np.ndarray:
        """Advance the instrument's features; returns the 2-row buffer (previous, current)."""
        entry = self._states.get(candle.instrument)
        if entry is None:
            entry = (self.new_state(), np.full((2, len(self.columns)), np.nan))
            self._states[candle.instrument] = entry
        state, buf = entry
        buf[0] = buf[1]
        buf[1] = state.update(candle)
        return buf

    def on_candle(self, candle: Candle, position: int) -> Signal | None:
        buf = self.update_features(candle)
        action, confidence = type(self).decide(buf, 1, position, self._p)
        if action == Action.NONE:
            return None
        act = Action(action)
        return self.signal(candle, TO_SIGNAL[act], self.explain(act, buf[1]), confidence)
