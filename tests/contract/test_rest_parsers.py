"""REST replies from the corpus through our own REST parsers (market data, listings, wallets)."""

from __future__ import annotations

from core.market import Candle, MarkPrice, Quote, Ticker
from core.symbols import Instrument, Symbol, Venue
from core.wallets import WalletStatus
from exchanges.binance import parse as bp
from exchanges.binance.rest_quotes import parse_binance_markets
from exchanges.binance.wallet import parse_binance_capital
from exchanges.upbit import parse as up
from exchanges.upbit.rest_quotes import parse_upbit_markets, parse_upbit_orderbooks
from tests.contract.corpus import RECV, load

SPOT, FUT, UPBIT = Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES, Venue.UPBIT


def test_binance_klines() -> None:
    ltc = Instrument(SPOT, Symbol("LTC", "BTC"))
    for venue in ("binance_spot", "binance_usdm"):
        (row,) = load(venue, "rest_klines.json")
        assert bp.parse_kline_row(row, ltc, "1m") == Candle(
            ltc, "1m", 1499040000000, 0.0163479, 0.8, 0.015758, 0.015771, 148976.11427815
        )


def test_binance_price_tickers() -> None:
    items = load("binance_spot", "rest_ticker_price.json")
    got = [bp.parse_price_ticker(i, SPOT, RECV) for i in items]
    assert got == [
        Ticker(Instrument(SPOT, Symbol("LTC", "BTC")), 4.000002, int(RECV * 1000), RECV),
        Ticker(Instrument(SPOT, Symbol("ETH", "BTC")), 0.079466, int(RECV * 1000), RECV),
    ]
    futures = bp.parse_price_ticker(load("binance_usdm", "rest_ticker_price.json"), FUT, RECV)
    assert futures == Ticker(Instrument(FUT, Symbol("BTC", "USDT")), 6000.01, 1589437530011, RECV)


def test_binance_premium_index() -> None:
    item = load("binance_usdm", "rest_premium_index.json")
    assert bp.parse_premium_index(item, RECV) == MarkPrice(
        Instrument(FUT, Symbol("BTC", "USDT")), 11793.63104562, 11781.8049597, 0.00038246,
        1597392000000, 1597370495002, RECV,
    )  # fmt: skip


def test_binance_exchange_info() -> None:
    info = load("binance_spot", "rest_exchange_info.json")
    assert bp.parse_exchange_info(info, quote="BTC") == [Symbol("ETH", "BTC")]
    assert bp.parse_exchange_info(info, quote="USDT") == []
    assert parse_binance_markets(info) == [Symbol("ETH", "BTC")]


def test_binance_capital_config() -> None:
    """BTC: the BNB network suspended both ways, the BTC network open: the coin is open."""
    got = parse_binance_capital(load("binance_spot", "rest_capital_config_getall.json"))
    assert got["BTC"] == WalletStatus(True, True)


def test_upbit_rest_tickers_2025_and_string_numbers() -> None:
    krw = [up.parse_rest_ticker(i, RECV) for i in load("upbit", "rest_ticker.json")]
    assert krw == [
        Ticker(Instrument(UPBIT, Symbol("BTC", "KRW")), 148601000.0, 1751606040403, RECV,
               178448329314.96686),
        Ticker(Instrument(UPBIT, Symbol("ETH", "KRW")), 3510000.0, 1751606040373, RECV,
               111690309851.79362),
    ]  # fmt: skip
    (usdt,) = [up.parse_rest_ticker(i, RECV) for i in load("upbit", "rest_ticker_usdt_btc.json")]
    assert usdt == Ticker(
        Instrument(UPBIT, Symbol("BTC", "USDT")), 73578.655, 1710328237828, RECV, 506342.98398488
    )


def test_upbit_rest_candles() -> None:
    (sec,) = [up.parse_rest_candle(i) for i in load("upbit", "rest_candles_seconds.json")]
    assert sec == Candle(
        Instrument(UPBIT, Symbol("BTC", "KRW")), "1m", 1751327999000,
        145794000.0, 145794000.0, 145759000.0, 145759000.0, 0.0013,
    )  # fmt: skip
    (hour,) = [up.parse_rest_candle(i, "1h") for i in load("upbit", "rest_candles_60.json")]
    assert hour.open_ts == 1710327600000 and hour.close == 73578.655 and hour.volume == 0.02284923


def test_upbit_market_list_with_2025_market_event() -> None:
    items = load("upbit", "rest_market_all.json")
    expected = [Symbol("BTC", "KRW"), Symbol("ETH", "KRW")]
    assert up.parse_markets(items) == expected
    assert parse_upbit_markets(items) == expected


def test_upbit_orderbook_top_level() -> None:
    (quote,) = parse_upbit_orderbooks(load("upbit", "rest_orderbook.json"), RECV)
    assert quote == Quote(
        Instrument(UPBIT, Symbol("BTC", "KRW")), 148490000.0, 0.04296774, 148520000.0,
        0.0134662, 1751606867762, RECV,
    )  # fmt: skip
