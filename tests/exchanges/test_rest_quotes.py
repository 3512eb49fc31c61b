import pytest

from core.symbols import Symbol, Venue
from exchanges.binance.rest_quotes import parse_binance_book_tickers, parse_binance_markets
from exchanges.http import FeedError
from exchanges.upbit.rest_quotes import parse_upbit_markets, parse_upbit_orderbooks


def test_listings_use_venue_base_and_quote_and_skip_junk() -> None:
    up = parse_upbit_markets([{"market": "KRW-BTC"}, {"market": "BTC-ETH"}, {"x": 1}, "junk"])
    assert up == [Symbol("BTC", "KRW"), Symbol("ETH", "BTC")]
    bn = parse_binance_markets(
        {
            "symbols": [
                {
                    "symbol": "BTCUSDT",
                    "status": "TRADING",
                    "baseAsset": "BTC",
                    "quoteAsset": "USDT",
                },
                {
                    "symbol": "LUNAUSDT",
                    "status": "BREAK",
                    "baseAsset": "LUNA",
                    "quoteAsset": "USDT",
                },
                {
                    "symbol": "1000SATSUSDT",
                    "status": "TRADING",
                    "baseAsset": "1000SATS",
                    "quoteAsset": "USDT",
                },
            ]
        }
    )
    assert bn == [Symbol("BTC", "USDT"), Symbol("1000SATS", "USDT")]
    for bad in (None, {}, [1], "x"):
        with pytest.raises(FeedError):
            parse_binance_markets(bad)
    with pytest.raises(FeedError):
        parse_upbit_markets({"error": {"name": "x"}})


def test_quotes_parse_and_one_bad_entry_does_not_hide_the_rest() -> None:
    up = parse_upbit_orderbooks(
        [
            {"market": "KRW-BTC", "timestamp": 5, "orderbook_units": [
                {"ask_price": 101.0, "bid_price": 100.0, "ask_size": 1.5, "bid_size": 2.0}]},
            {"market": "KRW-ETH", "orderbook_units": []},
            {"market": "KRW-XRP", "orderbook_units": [{"ask_price": "x"}]},
        ],
        recv_ts=9.0,
    )  # fmt: skip
    assert len(up) == 1 and up[0].instrument.venue is Venue.UPBIT
    assert (up[0].bid, up[0].ask, up[0].bid_qty, up[0].recv_ts) == (100.0, 101.0, 2.0, 9.0)
    bn = parse_binance_book_tickers(
        [
            {
                "symbol": "BTCUSDT",
                "bidPrice": "1.5",
                "bidQty": "2",
                "askPrice": "1.6",
                "askQty": "3",
            },
            {"symbol": "ETHUSDT", "bidPrice": "oops"},
            {"symbol": "DOGEUSDT", "bidPrice": "1", "bidQty": "1", "askPrice": "1", "askQty": "1"},
        ],
        recv_ts=1.0,
        wanted={"BTCUSDT", "ETHUSDT"},
    )
    assert [q.instrument.symbol for q in bn] == [Symbol("BTC", "USDT")] and bn[0].ask == 1.6
    with pytest.raises(FeedError):
        parse_binance_book_tickers({"code": -1}, 1.0, set())
