"""Helpers for the kimp tests: domain events at a manual clock's time."""

from __future__ import annotations

from bot.domain.clock import ManualClock
from bot.domain.market import Quote, Ticker
from bot.domain.symbols import Instrument, Symbol, Venue


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
