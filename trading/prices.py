"""Latest prices per instrument, fed by market-data events on the bus (floats -> Decimal once)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.market import MarkPrice, Quote, Side, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue

MarketEvent = Quote | Ticker | Trade | MarkPrice


@dataclass(slots=True)
class Top:
    bid: float = 0.0
    ask: float = 0.0
    last: float = 0.0
    mark: float = 0.0
    ts: float = 0.0  # local receive time of the newest event


class PriceBook:
    def __init__(self) -> None:
        self._tops: dict[Instrument, Top] = {}

    def on_event(self, ev: MarketEvent) -> Top:
        top = self._tops.get(ev.instrument)
        if top is None:
            top = self._tops[ev.instrument] = Top()
        if isinstance(ev, Quote):
            top.bid, top.ask = ev.bid, ev.ask
        elif isinstance(ev, Ticker):
            top.last = ev.last
        elif isinstance(ev, Trade):
            top.last = ev.price
        else:
            top.mark = ev.mark
        top.ts = ev.recv_ts
        return top

    def top(self, inst: Instrument) -> Top | None:
        return self._tops.get(inst)

    def price(self, inst: Instrument, side: Side | None = None) -> Decimal | None:
        """What a market order would pay: the ask for buys, the bid for sells, else the last."""
        top = self._tops.get(inst)
        if top is None:
            return None
        value = 0.0
        if side is Side.BUY and top.ask > 0:
            value = top.ask
        elif side is Side.SELL and top.bid > 0:
            value = top.bid
        elif top.bid > 0 and top.ask > 0:
            value = (top.bid + top.ask) / 2
        value = value or top.last or top.mark
        return Decimal(repr(value)) if value > 0 else None

    def usdt_krw(self) -> Decimal | None:
        """Upbit's KRW-USDT price: what a USDT is worth in won on the Korean side."""
        return self.price(Instrument(Venue.UPBIT, Symbol("USDT", "KRW")))
