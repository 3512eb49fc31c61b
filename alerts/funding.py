"""Futures context per coin: the USDⓈ-M perpetual's mark price, funding rate and next funding
time, from the all-market mark-price stream (`!markPrice@arr@1s`, already carried by the
market-data manager). Shown by `/kimp <coin>` and by /positions for futures rows."""

from __future__ import annotations

from dataclasses import dataclass

from core.market import MarkPrice
from core.symbols import Venue


@dataclass(frozen=True, slots=True)
class FundingView:
    coin: str
    mark: float
    index: float
    funding_rate: float  # a fraction per funding interval: 0.0001 = 0.01 %
    next_funding_ts: float  # epoch seconds; 0 when the venue gave none
    age: float  # seconds since it was received


class FundingBook:
    """The newest mark-price event per coin (USDT-margined perpetuals only)."""

    __slots__ = ("_marks",)

    def __init__(self) -> None:
        self._marks: dict[str, MarkPrice] = {}

    def on_mark(self, event: MarkPrice) -> None:
        inst = event.instrument
        if inst.venue is Venue.BINANCE_FUTURES and inst.symbol.quote == "USDT":
            self._marks[inst.symbol.base] = event

    def view(self, coin: str, now: float) -> FundingView | None:
        e = self._marks.get(coin.upper())
        if e is None:
            return None
        nxt = e.next_funding_ts / 1000 if e.next_funding_ts > 0 else 0.0
        age = max(0.0, now - e.recv_ts)
        return FundingView(e.instrument.symbol.base, e.mark, e.index, e.funding_rate, nxt, age)
