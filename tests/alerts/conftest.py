"""Helpers for the kimp tests: domain events at a manual clock's time."""

from __future__ import annotations

from core.clock import ManualClock
from core.market import Quote, Ticker
from core.symbols import Instrument, Symbol, Venue


def up(coin: str, price: float, clock: ManualClock) -> Ticker:
    return Ticker(
        Instrument(Venue.UPBIT, Symbol(coin, "KRW")), price, int(clock.now() * 1000), clock.now()
    )


def bn(coin: str, price: float, clock: ManualClock) -> Ticker:
    return Ticker(
        Instrument(Venue.BINANCE_SPOT, Symbol(coin, "USDT")),
        price,
        int(clock.now() * 1000),
        clock.now(),
    )


def quote(
    venue: Venue, coin: str, quote_ccy: str, bid: float, ask: float, qty: float, clock: ManualClock
) -> Quote:
    return Quote(
        Instrument(venue, Symbol(coin, quote_ccy)),
        bid,
        qty,
        ask,
        qty,
        int(clock.now() * 1000),
        clock.now(),
    )


class SleepLog(ManualClock):
    """A manual clock that remembers what each loop asked to sleep for: a loop that has slept
    n times is parked, so a test can advance the clock knowing who will wake."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        super().__init__(start)
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await super().sleep(seconds)
