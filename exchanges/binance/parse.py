"""Pure parse functions from Binance spot / USDⓈ-M futures wire messages to domain events,
plus the frame decoder. Sample payloads in each docstring also live in tests/data/binance/; the
venues' real frames, with provenance, in tests/data/real/ (tests/contract/).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from core.market import Candle, MarkPrice, Quote, Side, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import (
    INSTRUMENTS,
    BadInput,
    FrameDecoder,
    MarketEvent,
    ParseError,
    ReconnectRequested,
)
from exchanges.binance.schemas import (
    BinanceAggTrade,
    BinanceBookTicker,
    BinanceExchangeInfo,
    BinanceKline,
    BinanceKlineRow,
    BinanceMarkPrice,
    BinanceMiniTicker,
    BinancePremiumIndex,
    BinancePriceTicker,
    BinanceTrade,
)

_SELL, _BUY = Side.SELL, Side.BUY  # enum attribute access is a descriptor call per use


def parse_trade(msg: BinanceTrade, instrument: Instrument, recv_ts: float) -> Trade:
    """`<symbol>@trade`.

    {"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100",
     "T":1672515782136,"m":true,"M":true}
    """
    return Trade(
        instrument,
        float(msg["p"]),
        float(msg["q"]),
        _SELL if msg["m"] else _BUY,
        int(msg["t"]),
        int(msg["T"]),
        recv_ts,
    )


def parse_agg_trade(msg: BinanceAggTrade, instrument: Instrument, recv_ts: float) -> Trade:
    """`<symbol>@aggTrade` (spot and futures).

    {"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100",
     "f":100,"l":105,"T":123456785,"m":true}
    """
    return Trade(
        instrument,
        float(msg["p"]),
        float(msg["q"]),
        _SELL if msg["m"] else _BUY,
        int(msg["a"]),
        int(msg["T"]),
        recv_ts,
    )


def parse_kline(msg: BinanceKline, instrument: Instrument) -> Candle:
    """`<symbol>@kline_1m`; `closed` mirrors `k.x`.

    {"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,
     "s":"BNBBTC","i":"1m","o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000",
     "n":100,"x":false}}
    """
    k = msg["k"]
    return Candle(
        instrument,
        k["i"],
        int(k["t"]),
        float(k["o"]),
        float(k["h"]),
        float(k["l"]),
        float(k["c"]),
        float(k["v"]),
        bool(k["x"]),
    )


def parse_book_ticker(msg: BinanceBookTicker, instrument: Instrument, recv_ts: float) -> Quote:
    """`<symbol>@bookTicker`. Spot carries no time at all, so its exchange_ts is the receive time.

    {"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000",
     "A":"40.66000000"}
    """
    ts = msg.get("T") or msg.get("E") or int(recv_ts * 1000)
    return Quote(
        instrument,
        float(msg["b"]),
        float(msg["B"]),
        float(msg["a"]),
        float(msg["A"]),
        int(ts),
        recv_ts,
    )


def parse_mini_ticker(msg: BinanceMiniTicker, instrument: Instrument, recv_ts: float) -> Ticker:
    """`<symbol>@miniTicker` and each item of `!miniTicker@arr` (also `24hrTicker`, which
    carries the same `c`, `E` and `q`).

    {"e":"24hrMiniTicker","E":1672515782136,"s":"BNBBTC","c":"0.0025","o":"0.0010",
     "h":"0.0025","l":"0.0010","v":"10000","q":"18"}
    """
    return Ticker(instrument, float(msg["c"]), int(msg["E"]), recv_ts, float(msg["q"]))


def parse_mark_price(msg: BinanceMarkPrice, instrument: Instrument, recv_ts: float) -> MarkPrice:
    """Futures `<symbol>@markPrice@1s`.

    {"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000",
     "i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}
    """
    return MarkPrice(
        instrument,
        float(msg["p"]),
        float(msg["i"]),
        float(msg["r"]),
        int(msg["T"]),
        int(msg["E"]),
        recv_ts,
    )


def parse_kline_row(row: BinanceKlineRow, instrument: Instrument, timeframe: str) -> Candle:
    """`GET /api/v3/klines` / `GET /fapi/v1/klines` row.

    [1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",
     1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","0"]
    """
    return Candle(
        instrument,
        timeframe,
        int(row[0]),
        float(row[1]),
        float(row[2]),
        float(row[3]),
        float(row[4]),
        float(row[5]),
    )


def parse_price_ticker(item: BinancePriceTicker, venue: Venue, recv_ts: float) -> Ticker:
    """`GET /api/v3/ticker/price` item: {"symbol":"BTCUSDT","price":"100000.00"}."""
    ts = item.get("time") or int(recv_ts * 1000)
    return Ticker(
        INSTRUMENTS.get(venue, item["symbol"], Symbol.from_binance),
        float(item["price"]),
        int(ts),
        recv_ts,
    )


def parse_premium_index(item: BinancePremiumIndex, recv_ts: float) -> MarkPrice:
    """`GET /fapi/v1/premiumIndex` item.

    {"symbol":"BTCUSDT","markPrice":"11793.63104562","indexPrice":"11781.80495970",
     "lastFundingRate":"0.00038246","nextFundingTime":1597392000000,"time":1597370495002}
    """
    return MarkPrice(
        INSTRUMENTS.get(Venue.BINANCE_FUTURES, item["symbol"], Symbol.from_binance),
        float(item["markPrice"]),
        float(item["indexPrice"]),
        float(item["lastFundingRate"]),
        int(item["nextFundingTime"]),
        int(item["time"]),
        recv_ts,
    )


def parse_exchange_info(
    info: BinanceExchangeInfo, quote: str = "USDT", perpetual_only: bool = False
) -> list[Symbol]:
    """`exchangeInfo` -> TRADING symbols quoted in `quote` (futures: PERPETUAL only if asked).

    {"serverTime":1700000000000,"symbols":[{"symbol":"BTCUSDT","status":"TRADING",
      "baseAsset":"BTC","quoteAsset":"USDT","contractType":"PERPETUAL"}]}
    """
    out = []
    for s in info["symbols"]:
        if s["status"] != "TRADING" or s["quoteAsset"] != quote:
            continue
        if perpetual_only and s.get("contractType") != "PERPETUAL":
            continue
        out.append(Symbol(s["baseAsset"], s["quoteAsset"]))
    return out


def _market_of(item: Any) -> str | None:
    market = item.get("s") if isinstance(item, dict) else None
    return market if isinstance(market, str) else None


class BinanceDecoder(FrameDecoder):
    """Frame -> domain events for one Binance connection (raw or combined streams).

    Never raises on bad input; raises `ReconnectRequested` on `serverShutdown`.
    """

    __slots__ = ("acks",)

    def __init__(self, venue: Venue, bad: BadInput, sink: Callable[[MarketEvent], None]) -> None:
        super().__init__(venue, Symbol.from_binance, bad, sink)
        self.acks = 0  # {"result":null,"id":n} answers to SUBSCRIBE

    def _handle(self, msg: Any, recv_ts: float) -> None:
        if isinstance(msg, dict) and "data" in msg and "stream" in msg:
            msg = msg["data"]
        if isinstance(msg, list):
            self._items(msg, recv_ts)
        else:
            self._one(msg, recv_ts)

    def _items(self, items: list[Any], recv_ts: float) -> None:
        """An all-market array (`!miniTicker@arr`, `!markPrice@arr@1s`, `!ticker@arr`) holds
        every market the venue lists: other quote assets (BTCTRY, BNBETH), dated futures
        (BTCUSDT_261225), COIN-M perpetuals (BTCUSD_PERP). One item never costs the others:
        markets we cannot trade are remembered and skipped, a broken item is counted and logged
        at most once per market per hour (`BadInput.record_item`)."""
        bad = self.bad
        foreign = bad.foreign
        one = self._one
        broken: list[tuple[str, str]] = []
        for item in items:
            try:
                if item["s"] in foreign:
                    continue
                one(item, recv_ts)
            except ParseError as exc:
                market = _market_of(item)
                if exc.kind == "unknown_symbol" and market is not None:
                    bad.skip_foreign(market)
                else:
                    broken.append((str(market), exc.detail))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                broken.append((str(_market_of(item)), f"{type(exc).__name__}: {exc}"))
        if broken and len(broken) == len(items):
            # nothing in it was usable: a garbled frame, not an array with a bad item
            raise ParseError("malformed", f"array of {len(items)}: {broken[0][1]}")
        for market, detail in broken:
            bad.record_item("bad_item", market, detail)

    def _one(self, msg: Any, recv_ts: float) -> None:
        e = msg.get("e")
        sink = self._sink
        if e == "trade":
            sink(parse_trade(msg, self.instrument(msg["s"]), recv_ts))
        elif e == "aggTrade":
            sink(parse_agg_trade(msg, self.instrument(msg["s"]), recv_ts))
        elif e == "bookTicker" or (e is None and "u" in msg and "b" in msg):
            sink(parse_book_ticker(msg, self.instrument(msg["s"]), recv_ts))
        elif e == "24hrMiniTicker" or e == "24hrTicker":
            sink(parse_mini_ticker(msg, self.instrument(msg["s"]), recv_ts))
        elif e == "markPriceUpdate":
            sink(parse_mark_price(msg, self.instrument(msg["s"]), recv_ts))
        elif e == "kline":
            sink(parse_kline(msg, self.instrument(msg["s"])))
        elif e == "serverShutdown":
            raise ReconnectRequested("the server announced a shutdown (serverShutdown)")
        elif e is None and "result" in msg and "id" in msg:
            self.acks += 1
        elif e is None and ("error" in msg or ("code" in msg and "msg" in msg)):
            raise ParseError("error_object", orjson.dumps(msg).decode()[:200])
        else:
            raise ParseError("unknown", str(msg)[:120])
