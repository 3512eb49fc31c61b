"""Bithumb's API 2.0 payloads from the corpus (its docs' ticker frame and keep-alive answer,
ccxt's recorded REST replies) through Bithumb's decoder and parsers: the quotation wire shared
with Upbit, bound to venue Bithumb."""

from __future__ import annotations

import orjson

from core.market import Ticker, TradingState
from core.market_notices import MarketNotice
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.bithumb.parse import (
    BithumbDecoder,
    parse_market_warnings,
    parse_rest_ticker,
)
from exchanges.bithumb.stream import BithumbStream
from exchanges.candles import CandleBuilder
from exchanges.pipeline import Pipeline
from exchanges.quotation.parse import parse_markets
from tests.contract.corpus import RECV, load, raw

KRW_BTC = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))


def decode(name: str) -> tuple[list[MarketEvent], BithumbDecoder, bool]:
    out: list[MarketEvent] = []
    decoder = BithumbDecoder(BadInput("contract"), out.append)
    ok = decoder.decode(raw("bithumb", name), RECV)
    return out, decoder, ok


def test_the_docs_ticker_frame() -> None:
    out, decoder, ok = decode("ws_ticker.json")
    assert ok and decoder.bad.total == 0
    active = TradingState.ACTIVE  # the shared parser reads Bithumb's `market_state` too
    assert out == [Ticker(KRW_BTC, 493100.0, 1725927377287, RECV, 8227950466.316009, state=active)]


def test_the_keep_alive_answer_is_a_control_frame() -> None:
    out, decoder, ok = decode("ws_status_up.json")
    assert ok and out == [] and decoder.controls == 1 and decoder.bad.total == 0


def test_our_request_has_the_documented_shape() -> None:
    """The docs' request: a ticket object, then type + codes objects (we add a format)."""
    documented = load("bithumb", "ws_request_ticker.json")
    pipeline = _pipeline()
    ours = orjson.loads(BithumbStream("b", "ws://x", pipeline, ["KRW-BTC"], ("ticker",)).request())
    assert set(ours[0]) == set(documented[0]) == {"ticket"}
    assert ours[1] == documented[1]
    book = BithumbStream("b", "ws://x", pipeline, ["KRW-BTC"], ("orderbook",)).request()
    assert orjson.loads(book)[1]["codes"] == ["KRW-BTC"]  # no Upbit `.1` level suffix


def test_rest_ticker_and_markets() -> None:
    (ticker,) = [parse_rest_ticker(i, RECV) for i in load("bithumb", "rest_ticker_ccxt.json")]
    assert ticker == Ticker(KRW_BTC, 45831000.0, 1698125744837, RECV, 366228795843.045)
    items = load("bithumb", "rest_market_all_ccxt.json")
    assert parse_markets(items) == [Symbol("BTC", "KRW")]
    assert parse_market_warnings(items) == [
        MarketNotice(Venue.BITHUMB, Symbol("BTC", "KRW"), False, ())
    ]


def _pipeline() -> Pipeline:
    return Pipeline(
        Venue.BITHUMB, lambda _: None, CandleBuilder(lambda _: None), BadInput("c"), False
    )
