"""Binance spot and USDⓈ-M stream frames from the corpus through `BinanceDecoder`."""

from __future__ import annotations

import pytest

from core.market import Candle, MarkPrice, Quote, Side, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import BadInput, MarketEvent, ReconnectRequested
from exchanges.binance.parse import BinanceDecoder
from tests.contract.corpus import RECV, raw

SPOT, FUT = Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES


def inst(venue: Venue, base: str, quote: str) -> Instrument:
    return Instrument(venue, Symbol(base, quote))


def decode(venue: Venue, folder: str, name: str) -> tuple[list[MarketEvent], BadInput, bool]:
    out: list[MarketEvent] = []
    bad = BadInput("contract")
    ok = BinanceDecoder(venue, bad, out.append).decode(raw(folder, name), RECV)
    return out, bad, ok


SPOT_FRAMES = [
    ("ws_trade.json",
     Trade(inst(SPOT, "BNB", "BTC"), 0.001, 100.0, Side.SELL, 12345, 1672515782136, RECV)),
    ("ws_agg_trade.json",
     Trade(inst(SPOT, "BNB", "BTC"), 0.001, 100.0, Side.SELL, 12345, 1672515782136, RECV)),
    ("ws_kline_1m.json",
     Candle(inst(SPOT, "BNB", "BTC"), "1m", 1672515780000, 0.001, 0.0025, 0.0015, 0.002, 1000.0,
            False)),
    ("ws_mini_ticker.json", Ticker(inst(SPOT, "BNB", "BTC"), 0.0025, 1672515782136, RECV, 18.0)),
    ("ws_ticker_24hr.json", Ticker(inst(SPOT, "BNB", "BTC"), 0.0025, 1672515782136, RECV, 18.0)),
    # spot bookTicker has no time: the receive time stands in
    ("ws_book_ticker.json",
     Quote(inst(SPOT, "BNB", "USDT"), 25.3519, 31.21, 25.3652, 40.66, int(RECV * 1000), RECV)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "event"), SPOT_FRAMES)
def test_spot_frame(name: str, event: MarketEvent) -> None:
    out, bad, ok = decode(SPOT, "binance_spot", name)
    assert ok and out == [event] and bad.total == 0


FUTURES_FRAMES = [
    ("ws_mark_price.json",
     MarkPrice(inst(FUT, "BTC", "USDT"), 11794.15, 11784.62659091, 0.00038167, 1562306400000,
               1562305380000, RECV)),
    ("ws_mini_ticker.json", Ticker(inst(FUT, "BTC", "USDT"), 0.0025, 123456789, RECV, 18.0)),
    ("ws_ticker_24hr.json", Ticker(inst(FUT, "BTC", "USDT"), 0.0025, 123456789, RECV, 18.0)),
    ("ws_agg_trade.json",
     Trade(inst(FUT, "BTC", "USDT"), 0.001, 100.0, Side.SELL, 5933014, 123456785, RECV)),
    ("ws_book_ticker.json",
     Quote(inst(FUT, "BNB", "USDT"), 25.3519, 31.21, 25.3652, 40.66, 1568014460891, RECV)),
    ("ws_kline.json",
     Candle(inst(FUT, "BTC", "USDT"), "1m", 1638747660000, 0.001, 0.0025, 0.0015, 0.002, 1000.0,
            False)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "event"), FUTURES_FRAMES)
def test_futures_frame(name: str, event: MarketEvent) -> None:
    out, bad, ok = decode(FUT, "binance_usdm", name)
    assert ok and out == [event] and bad.total == 0


def test_a_delivery_contracts_mark_price_alone_is_unknown_symbol_not_a_crash() -> None:
    """`BTCUSD_201225` (funding rate "" and time 0, as the COIN-M docs show) on its own."""
    out, bad, ok = decode(FUT, "binance_usdm", "ws_mark_price_delivery.json")
    assert not ok and out == [] and bad.counts == {"unknown_symbol": 1}


@pytest.mark.parametrize("name", ["ws_server_shutdown.json", "ws_server_shutdown_combined.json"])
def test_server_shutdown_asks_for_a_reconnect(name: str) -> None:
    dec = BinanceDecoder(SPOT, BadInput("contract"), lambda e: None)
    with pytest.raises(ReconnectRequested):
        dec.decode(raw("binance_spot", name), RECV)


def test_subscribe_answer_is_counted_as_an_ack() -> None:
    dec = BinanceDecoder(SPOT, BadInput("contract"), lambda e: None)
    assert dec.decode(raw("binance_spot", "ws_subscribe_result.json"), RECV)
    assert dec.acks == 1


def test_error_answer_is_counted_as_error_object() -> None:
    out, bad, ok = decode(SPOT, "binance_spot", "ws_error_too_many_parameters.json")
    assert not ok and out == [] and bad.counts == {"error_object": 1}
