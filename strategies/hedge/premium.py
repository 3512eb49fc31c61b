"""The premium from the bus: the latest Upbit KRW price of each coin and of USDT, the latest
Binance spot USDT price, and the FX rate the app hands in, combined into a `PremiumReading`
(the formulas are `core.premium`'s, the same the kimp monitor uses; strategies cannot read the
monitor itself). Binance spot, as the monitor and its stored samples read the premium.
"""

from __future__ import annotations

from collections.abc import Callable

from core.market import Quote, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue
from strategies.hedge.policy import PremiumReading

USDT_KRW = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))


def instruments(coin: str) -> tuple[Instrument, Instrument]:
    """The coin's Upbit KRW market and its Binance spot USDT market (the premium's legs)."""
    return Instrument(Venue.UPBIT, Symbol(coin, "KRW")), Instrument(
        Venue.BINANCE_SPOT, Symbol(coin, "USDT")
    )


class PremiumTracker:
    def __init__(self, fx: Callable[[], float | None] = lambda: None) -> None:
        self._fx = fx  # USD/KRW while fresh, else None (the app's FX source)
        self._last: dict[Instrument, tuple[float, float]] = {}  # price, recv_ts

    def update(self, event: Quote | Ticker | Trade) -> str | None:
        """Take one market event; returns the coin whose reading may have changed (None when
        the event is no leg of a premium; "USDT" moves every coin)."""
        inst = event.instrument
        venue, sym = inst.venue, inst.symbol
        if not (
            (venue is Venue.UPBIT and sym.quote == "KRW")
            or (venue is Venue.BINANCE_SPOT and sym.quote == "USDT")
        ):
            return None
        if isinstance(event, Quote):
            price = event.mid
        elif isinstance(event, Ticker):
            price = event.last
        else:
            price = event.price
        if price <= 0:
            return None
        self._last[inst] = (price, event.recv_ts)
        return sym.base

    def reading(self, coin: str) -> PremiumReading | None:
        up, bn = instruments(coin)
        legs = [self._last.get(up), self._last.get(bn), self._last.get(USDT_KRW)]
        if any(leg is None for leg in legs):
            return None
        (u, ut), (b, bt), (t, tt) = legs  # type: ignore[misc]
        return PremiumReading(coin, max(ut, bt, tt), u, b, t, self._fx())
