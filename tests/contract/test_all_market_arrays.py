"""Problem 1 of issue 13: all-market arrays carry every market the venue lists.

Real `!miniTicker@arr` and `!markPrice@arr@1s` frames hold other quote assets (BTCTRY, BNBETH),
non-ASCII names (币安人生USDT), dated futures (BTCUSDT_261225) and COIN-M perpetuals
(BTCUSD_PERP). The first item we could not parse used to abort the whole frame, so the futures
mark prices never arrived. Each item now stands alone.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from loguru import logger

from core.market import MarkPrice, Ticker
from core.symbols import Symbol, Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.binance.parse import BinanceDecoder
from tests.contract.corpus import RECV, load, raw


def decoder(venue: Venue, bad: BadInput) -> tuple[BinanceDecoder, list[MarketEvent]]:
    out: list[MarketEvent] = []
    return BinanceDecoder(venue, bad, out.append), out


def test_mini_ticker_array_with_foreign_markets_delivers_ours() -> None:
    bad = BadInput("spot")
    dec, out = decoder(Venue.BINANCE_SPOT, bad)
    assert dec.decode(raw("binance_spot", "ws_all_mini_tickers_mixed.json"), RECV)
    got = {str(e.instrument.symbol): e.last for e in out if isinstance(e, Ticker)}
    assert got == {
        "币安人生/USDT": 0.1203,
        "BTC/USDT": 97000.01,
        "ETH/BTC": 0.035,
        "ETH/USDT": 3500.5,
    }
    assert bad.foreign == {"BTCTRY", "BNBETH", "BTCEUR", "BTCBRL"}
    assert bad.total == 0  # markets we do not trade are not bad input


def test_mark_price_array_with_dated_and_coin_m_contracts_delivers_perpetuals() -> None:
    bad = BadInput("futures")
    dec, out = decoder(Venue.BINANCE_FUTURES, bad)
    assert dec.decode(raw("binance_usdm", "ws_all_mark_prices_mixed.json"), RECV)
    marks = {str(e.instrument.symbol): e for e in out if isinstance(e, MarkPrice)}
    assert set(marks) == {"币安人生/USDT", "BTC/USDT", "ETH/USDT", "ETH/BTC"}
    assert marks["BTC/USDT"].mark == 97001.2 and marks["BTC/USDT"].funding_rate == 0.00038167
    assert bad.foreign == {"BTCUSDT_261225", "BTCUSD_PERP", "ETHUSDT_261225"}
    assert bad.total == 0


def _with_broken_item(name: str, venue: str, market: str) -> bytes:
    frame: dict[str, Any] = load(venue, name)
    for item in frame["data"]:
        if item["s"] == market:
            item["c" if "c" in item else "p"] = None  # the venue sent a null price
    return orjson.dumps(frame)


def test_a_broken_item_is_counted_and_costs_nothing_else() -> None:
    bad = BadInput("futures")
    dec, out = decoder(Venue.BINANCE_FUTURES, bad)
    frame = _with_broken_item("ws_all_mark_prices_mixed.json", "binance_usdm", "BTCUSDT")
    assert dec.decode(frame, RECV)
    assert {str(e.instrument.symbol) for e in out} == {"币安人生/USDT", "ETH/USDT", "ETH/BTC"}
    assert bad.counts == {"bad_item": 1}


@pytest.fixture
def warnings() -> Any:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="WARNING", format="{message}")
    yield lines
    logger.remove(sink)


def test_a_broken_item_is_logged_once_per_market_per_hour(warnings: list[str]) -> None:
    now = [0.0]
    bad = BadInput("spot", now=lambda: now[0])
    dec, _ = decoder(Venue.BINANCE_SPOT, bad)
    frame = _with_broken_item("ws_all_mini_tickers_mixed.json", "binance_spot", "ETHUSDT")
    for second in range(600):  # ten minutes of one frame a second
        now[0] = float(second)
        dec.decode(frame, RECV)
    assert bad.counts == {"bad_item": 600}
    assert len(warnings) == 1 and "ETHUSDT" in warnings[0]
    now[0] = 3601.0
    dec.decode(frame, RECV)
    assert len(warnings) == 2


def test_foreign_markets_are_remembered_not_reparsed() -> None:
    bad = BadInput("spot")
    dec, out = decoder(Venue.BINANCE_SPOT, bad)
    frame = raw("binance_spot", "ws_all_mini_tickers_mixed.json")
    for _ in range(3):
        dec.decode(frame, RECV)
    assert len(out) == 12 and len(bad.foreign) == 4
    # a non-ASCII name is a market like any other
    assert any(
        isinstance(e, Ticker) and e.instrument.symbol == Symbol("币安人生", "USDT") for e in out
    )
