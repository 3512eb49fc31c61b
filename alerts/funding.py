"""Futures context per coin: the USDⓈ-M perpetual's mark price, funding rate and next funding
time, from the all-market mark-price stream (`!markPrice@arr@1s`, already carried by the
market-data manager). Shown by `/kimp <coin>` and by /positions for futures rows."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.funding_history import FundingRate
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
    """The newest mark-price event per coin (USDT-margined perpetuals only), and the funding
    times seen to settle since `take_settled` was last asked."""

    __slots__ = ("_marks", "_settled")

    def __init__(self) -> None:
        self._marks: dict[str, MarkPrice] = {}
        self._settled: list[FundingRate] = []

    def on_mark(self, event: MarkPrice) -> None:
        inst = event.instrument
        if inst.venue is Venue.BINANCE_FUTURES and inst.symbol.quote == "USDT":
            coin = inst.symbol.base
            before = self._marks.get(coin)
            # a later next-funding time: the one announced before has settled, at the rate
            # last announced for it
            if before is not None and 0 < before.next_funding_ts < event.next_funding_ts:
                ts = before.next_funding_ts // 1000
                self._settled.append(FundingRate(coin, ts, before.funding_rate))
            self._marks[coin] = event

    def take_settled(self) -> list[FundingRate]:
        """The rates settled since the last call (the kimp service stores them each minute)."""
        out, self._settled = self._settled, []
        return out

    def view(self, coin: str, now: float) -> FundingView | None:
        e = self._marks.get(coin.upper())
        if e is None:
            return None
        nxt = e.next_funding_ts / 1000 if e.next_funding_ts > 0 else 0.0
        age = max(0.0, now - e.recv_ts)
        return FundingView(e.instrument.symbol.base, e.mark, e.index, e.funding_rate, nxt, age)
