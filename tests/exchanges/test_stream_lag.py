"""A connection's lag behind the venue is measured by event time only (issue 12 item 11a).

Legitimately old stamps must not read as lag: Upbit replays the last trade of an illiquid coin
on subscribe (`trade_timestamp` hours old), and Binance spot bookTicker carries no time at all.
"""

from __future__ import annotations

import orjson

from core.events import EventBus
from core.symbols import Venue
from exchanges.base import BadInput
from exchanges.binance.stream import BinanceStream
from exchanges.candles import CandleBuilder
from exchanges.pipeline import Pipeline
from exchanges.upbit.stream import UpbitStream

NOW = 1_700_000_000.0
MS = 1000


def _pipeline(venue: Venue) -> Pipeline:
    builder = CandleBuilder(lambda c: None, timeframes=())
    return Pipeline(venue, EventBus().publish, builder, BadInput("t"), venue is not Venue.UPBIT)


def _upbit(kind: str, stamp_s: float, trade_s: float, stream_type: str = "REALTIME") -> bytes:
    msg = {
        "type": kind,
        "code": "KRW-XYZ",
        "timestamp": int(stamp_s * MS),
        "trade_timestamp": int(trade_s * MS),
        "trade_price": 100,
        "trade_volume": 1,
        "ask_bid": "BID",
        "sequential_id": 1,
        "acc_trade_price_24h": 1,
        "stream_type": stream_type,
    }
    return orjson.dumps(msg)


def test_upbit_lag_counts_ticker_event_time_not_an_old_replayed_trade() -> None:
    stream = UpbitStream("upbit-0", "ws://x", _pipeline(Venue.UPBIT), ["KRW-XYZ"])
    stream.on_up(NOW)
    # The subscribe snapshot replays a trade from three hours ago, and a quiet book's snapshot
    # carries its last change: no measurement at all.
    stream.on_frame(_upbit("trade", NOW - 0.05, NOW - 3 * 3600, "SNAPSHOT"), NOW)
    stream.on_frame(_upbit("ticker", NOW - 3600, NOW - 3 * 3600, "SNAPSHOT"), NOW)
    assert stream.lag_behind() is None
    stream.on_frame(_upbit("trade", NOW - 0.05, NOW - 3 * 3600), NOW)  # trade time: not counted
    assert stream.lag_behind() is None
    # The ticker's `timestamp` is when the venue sent it; its old `trade_timestamp` is not.
    stream.on_frame(_upbit("ticker", NOW - 0.2, NOW - 3 * 3600), NOW)
    lag = stream.lag_behind()
    assert lag is not None and abs(lag - 0.2) < 0.01
    # A frame sent 20 s ago (the venue's backlog) is 20 s behind.
    stream.on_frame(_upbit("ticker", NOW + 10, NOW), NOW + 30)
    lag = stream.lag_behind()
    assert lag is not None and abs(lag - 20) < 0.01


def test_binance_spot_book_ticker_without_time_never_hides_a_lag() -> None:
    stream = BinanceStream("binance-0", "ws://x", _pipeline(Venue.BINANCE_SPOT), [])
    stream.on_up(NOW)
    book = {"u": 1, "s": "BTCUSDT", "b": "1", "B": "1", "a": "2", "A": "1"}
    stream.on_frame(orjson.dumps({"stream": "btcusdt@bookTicker", "data": book}), NOW)
    assert stream.lag_behind() is None  # no venue time in it: nothing measured
    mini = {"e": "24hrMiniTicker", "E": int((NOW - 15) * MS), "s": "BTCUSDT", "c": "1", "o": "1"}
    mini |= {"h": "1", "l": "1", "v": "1", "q": "1"}
    stream.on_frame(orjson.dumps({"stream": "!miniTicker@arr", "data": [mini]}), NOW)
    stream.on_frame(orjson.dumps({"stream": "btcusdt@bookTicker", "data": book}), NOW + 0.5)
    lag = stream.lag_behind()
    assert lag is not None and abs(lag - 15) < 0.01  # still 15 s behind, not "0 s"
