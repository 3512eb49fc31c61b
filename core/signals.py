"""What strategies emit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.symbols import Instrument
from core.text import Text


class SignalAction(StrEnum):
    ENTER_LONG = "enter_long"
    ENTER_SHORT = "enter_short"
    EXIT = "exit"


@dataclass(frozen=True, slots=True)
class Signal:
    bot: str
    instrument: Instrument
    action: SignalAction
    reason: str | Text  # a catalog `Text` (built-in strategies) or a user strategy's own words
    confidence: float  # 0..1
    candle_ts: int  # open time (ms) of the candle that produced it
    price: float  # close price the decision was taken on
