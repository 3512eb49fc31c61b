"""Event bus: market data conflated per instrument with drops counted; candles never dropped."""

from __future__ import annotations

from core.events import EventBus
from core.market import Candle, Quote, StreamState, StreamStatus
from core.symbols import Instrument, Symbol, Venue

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
ETH = Instrument(Venue.UPBIT, Symbol("ETH", "KRW"))


def q(inst: Instrument, px: float) -> Quote:
    return Quote(inst, px, 1, px + 1, 1, 0, 0.0)


def test_slow_subscriber_gets_latest_and_all_candles() -> None:
    bus = EventBus()
    slow = bus.subscribe("slow", Quote, Candle, StreamStatus)
    every = bus.subscribe("every", Quote, conflate=False)
    for i in range(100):
        bus.publish(q(BTC, i))
        bus.publish(q(ETH, 1000 + i))
        bus.publish(Candle(BTC, "1m", i * 60_000, 1, 1, 1, 1, 1))
    bus.publish(StreamStatus(Venue.UPBIT, "u0", StreamState.DOWN, "x", 0))
    got = slow.drain()
    candles = [e for e in got if isinstance(e, Candle)]
    quotes = [e for e in got if isinstance(e, Quote)]
    assert [c.open_ts for c in candles] == [i * 60_000 for i in range(100)]
    assert sorted(x.bid for x in quotes) == [99, 1099]
    assert slow.stats.dropped == 198
    assert isinstance(got[-1], Quote) or any(isinstance(e, StreamStatus) for e in got)
    assert len(every.drain()) == 200 and every.stats.dropped == 0
