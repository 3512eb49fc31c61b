"""Parsers against the sample payloads in their docstrings (tests/data/), and bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from core.market import Candle, MarkPrice, Quote, Side, Ticker, Trade, TradingState
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import BadInput, MarketEvent, ReconnectRequested
from exchanges.binance import parse as bp
from exchanges.upbit import parse as up

DATA = Path(__file__).parent.parent / "data"
RECV = 1_700_000_000.5


def load(name: str) -> Any:
    return orjson.loads((DATA / name).read_bytes())


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


KRW_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


def upbit_decoder() -> tuple[up.UpbitDecoder, list[MarketEvent], BadInput]:
    out: list[MarketEvent] = []
    bad = BadInput("upbit-test")
    return up.UpbitDecoder(bad, out.append), out, bad


def binance_decoder(
    venue: Venue = Venue.BINANCE_SPOT,
) -> tuple[bp.BinanceDecoder, list[MarketEvent], BadInput]:
    out: list[MarketEvent] = []
    bad = BadInput("binance-test")
    return bp.BinanceDecoder(venue, bad, out.append), out, bad


def test_upbit_trade() -> None:
    dec, out, _ = upbit_decoder()
    assert dec.decode(raw("upbit/ws_trade.json"), RECV)
    assert out == [
        Trade(KRW_BTC, 6747000.0, 0.06499468, Side.SELL, 1584508285000002, 1584508285000, RECV)
    ]


def test_upbit_trade_in_binary_and_text_frames() -> None:
    dec, out, _ = upbit_decoder()
    data = raw("upbit/ws_trade.json")
    assert dec.decode(data, RECV) and dec.decode(data.decode(), RECV)
    assert out[0] == out[1]


def test_upbit_ticker() -> None:
    dec, out, _ = upbit_decoder()
    dec.decode(raw("upbit/ws_ticker.json"), RECV)
    active = TradingState.ACTIVE
    assert out == [
        Ticker(KRW_BTC, 32287000.0, 1676965262177, RECV, 228827082483.70729, state=active)
    ]


def test_upbit_orderbook_top_of_book() -> None:
    dec, out, _ = upbit_decoder()
    dec.decode(raw("upbit/ws_orderbook.json"), RECV)
    assert out == [
        Quote(KRW_BTC, 6753000.0, 22.5303265, 6756000.0, 3.57100696, 1584486737444, RECV)
    ]


def test_upbit_rest_ticker_and_candles_and_markets() -> None:
    ticker = up.parse_rest_ticker(load("upbit/rest_ticker.json")[0], RECV)
    assert ticker == Ticker(KRW_BTC, 100500000.0, 1710328237828, RECV, 506342983984.88)
    candles = [up.parse_rest_candle(c) for c in load("upbit/rest_candles_1m.json")]
    assert candles[1] == Candle(
        KRW_BTC, "1m", 1710327600000, 72738585.0, 73578657.0, 72738585.0, 73578655.0, 0.02284923
    )
    assert candles[0].open_ts - candles[1].open_ts == 60_000
    assert up.parse_markets(load("upbit/rest_market_all.json")) == [
        Symbol("BTC", "KRW"),
        Symbol("USDT", "KRW"),
    ]


def test_upbit_status_up_is_control_not_bad_input() -> None:
    dec, out, bad = upbit_decoder()
    assert dec.decode(b'{"status":"UP"}', RECV)
    assert out == [] and bad.total == 0 and dec.controls == 1


def test_binance_trade_and_agg_trade() -> None:
    dec, out, _ = binance_decoder()
    dec.decode(raw("binance/trade.json"), RECV)
    assert out == [
        Trade(
            Instrument(Venue.BINANCE_SPOT, Symbol("BNB", "BTC")),
            0.001,
            100.0,
            Side.SELL,
            12345,
            1672515782136,
            RECV,
        )
    ]
    fut, fout, _ = binance_decoder(Venue.BINANCE_FUTURES)
    fut.decode(raw("binance/agg_trade_futures.json"), RECV)
    assert fout[0] == Trade(
        Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT")),
        0.001,
        100.0,
        Side.SELL,
        5933014,
        123456785,
        RECV,
    )


def test_binance_kline_book_tickers_mini_ticker_arr_mark_price() -> None:
    dec, out, bad = binance_decoder()
    for name in ("kline_1m", "book_ticker_spot", "mini_ticker_arr"):
        assert dec.decode(raw(f"binance/{name}.json"), RECV), name
    candle, quote, t1, t2 = out
    assert isinstance(candle, Candle) and not candle.closed
    assert (candle.open_ts, candle.open, candle.high, candle.low, candle.close, candle.volume) == (
        1672515780000,
        0.001,
        0.0025,
        0.0015,
        0.002,
        1000.0,
    )
    assert isinstance(quote, Quote) and (quote.bid, quote.ask) == (25.3519, 25.3652)
    assert quote.exchange_ts == int(RECV * 1000)  # spot bookTicker has no time
    assert isinstance(t2, Ticker) and t2.last == 3500.5 and t2.volume_quote_24h == 35e6
    assert t1.instrument.symbol == Symbol("BNB", "BTC")
    fut, fout, _ = binance_decoder(Venue.BINANCE_FUTURES)
    fut.decode(raw("binance/book_ticker_futures.json"), RECV)
    fut.decode(raw("binance/mark_price.json"), RECV)
    fq, mark = fout
    assert isinstance(fq, Quote) and fq.exchange_ts == 1568014460891
    assert mark == MarkPrice(
        Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT")),
        11794.15,
        11784.62659091,
        0.00038167,
        1562306400000,
        1562305380000,
        RECV,
    )
    assert bad.total == 0


def test_binance_rest_parsers() -> None:
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    (row,) = load("binance/klines_rest.json")
    assert bp.parse_kline_row(row, inst, "1m") == Candle(
        inst, "1m", 1499040000000, 0.0163479, 0.8, 0.015758, 0.015771, 148976.11427815
    )
    (item,) = load("binance/premium_index.json")
    assert bp.parse_premium_index(item, RECV).mark == 11793.63104562
    info = load("binance/exchange_info.json")
    assert bp.parse_exchange_info(info, perpetual_only=True) == [Symbol("BTC", "USDT")]
    assert len(bp.parse_exchange_info(info)) == 2  # the quarterly is TRADING too


def test_binance_subscribe_ack_is_control_and_shutdown_requests_reconnect() -> None:
    dec, out, bad = binance_decoder()
    assert dec.decode(b'{"result":null,"id":1}', RECV)
    assert dec.acks == 1 and bad.total == 0 and out == []
    with pytest.raises(ReconnectRequested):
        dec.decode(raw("binance/server_shutdown.json"), RECV)


BAD_FRAMES = [
    (b"\x00{garbage", "malformed"),
    (b'{"type":"trade","code":"KRW-BTC","trade_pr', "malformed"),  # truncated
    (b"", "malformed"),
    (b"[1,2,3]", None),
    (b'{"type":"trade","code":"KRW-BTC"}', "malformed"),
    (b'{"e":"trade","s":"BTCUSDT","p":"x"}', "malformed"),
    (b'{"type":"mystery","code":"KRW-BTC"}', "unknown"),
    (b'{"e":"mystery"}', "unknown"),
    (b"null", None),
    (b'"text"', None),
]


@pytest.mark.parametrize("venue", ["upbit", "binance"])
@pytest.mark.parametrize(("frame", "kind"), BAD_FRAMES)
def test_bad_frames_are_counted_never_raised(venue: str, frame: bytes, kind: str | None) -> None:
    """One contract both decoders keep: bad input is counted, nothing reaches the sink."""
    make: Callable[[], tuple[Any, list[MarketEvent], BadInput]] = (
        upbit_decoder if venue == "upbit" else binance_decoder
    )
    dec, out, bad = make()
    assert dec.decode(frame, RECV) is False
    assert out == []
    assert bad.total == 1
    if kind is not None:
        assert kind in bad.counts or "unknown" in bad.counts


@pytest.mark.parametrize(
    ("venue", "name"), [("upbit", "upbit/ws_error.json"), ("binance", "binance/error.json")]
)
def test_error_objects_are_counted(venue: str, name: str) -> None:
    dec, out, bad = upbit_decoder() if venue == "upbit" else binance_decoder()
    assert dec.decode(raw(name), RECV) is False
    assert out == [] and bad.counts == {"error_object": 1}


def test_unknown_binance_quote_is_bad_input() -> None:
    dec, out, bad = binance_decoder()
    dec.decode(b'{"e":"trade","E":1,"s":"FOOBAR","t":1,"p":"1","q":"1","T":1,"m":false}', RECV)
    assert out == [] and bad.counts == {"unknown_symbol": 1}


def test_bad_input_logging_is_rate_limited() -> None:
    now = [0.0]
    bad = BadInput("x", log_interval=10.0, now=lambda: now[0])
    for _ in range(100):
        bad.record("malformed", "junk")
    assert bad.counts == {"malformed": 100}
    assert bad._unlogged == {"malformed": 99}
    now[0] = 11.0
    bad.record("malformed", "junk")
    assert bad._unlogged == {}
