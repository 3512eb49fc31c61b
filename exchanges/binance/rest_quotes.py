"""Binance spot public REST for the kimp monitor's fallback feed: the trading symbols
(`/api/v3/exchangeInfo`, for the universe) and every symbol's best bid/ask
(`/api/v3/ticker/bookTicker`). Wire shapes stay here; only `Symbol`s and `Quote`s leave."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from core.depth import BookDepth
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from exchanges.http import FeedError, get_json


def parse_binance_markets(data: Any) -> list[Symbol]:
    """`{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}]}`."""
    symbols = data.get("symbols") if isinstance(data, dict) else None
    if not isinstance(symbols, list):
        raise FeedError("Binance exchangeInfo has no symbols list")
    out = []
    for s in symbols:
        if not isinstance(s, dict) or s.get("status") != "TRADING":
            continue
        base, quote = s.get("baseAsset"), s.get("quoteAsset")
        if isinstance(base, str) and isinstance(quote, str):
            out.append(Symbol(base.upper(), quote.upper()))
    return out


def parse_binance_book_tickers(data: Any, recv_ts: float, wanted: set[str]) -> list[Quote]:
    """`[{"symbol":"BTCUSDT","bidPrice":"1.0","bidQty":"2","askPrice":"1.1","askQty":"3"}]`."""
    if not isinstance(data, list):
        raise FeedError("Binance bookTicker answer is not a list")
    out = []
    for t in data:
        try:
            raw = t["symbol"]
            if raw not in wanted:
                continue
            sym = Symbol(raw[:-4], "USDT")
            out.append(
                Quote(
                    Instrument(Venue.BINANCE_SPOT, sym),
                    float(t["bidPrice"]),
                    float(t["bidQty"]),
                    float(t["askPrice"]),
                    float(t["askQty"]),
                    0,
                    recv_ts,
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


class BinanceQuotes:
    """Listings and top of book over Binance spot's public REST; raises `FeedError` or
    transport errors (aiohttp.ClientError, TimeoutError, OSError)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def markets(self, session: aiohttp.ClientSession) -> list[Symbol]:
        return parse_binance_markets(
            await get_json(session, f"{self.base_url}/api/v3/exchangeInfo", self.timeout)
        )

    async def book_tickers(
        self, session: aiohttp.ClientSession, coins: list[str], recv_ts: Callable[[], float]
    ) -> list[Quote]:
        """Best bid/ask of `coins` against USDT (one request for all symbols); `recv_ts()`
        stamps the answer when it arrives."""
        data = await get_json(session, f"{self.base_url}/api/v3/ticker/bookTicker", self.timeout)
        return parse_binance_book_tickers(data, recv_ts(), {f"{c}USDT" for c in coins})


def parse_binance_depth(data: Any, symbol: Symbol, recv_ts: float) -> BookDepth:
    """`GET /api/v3/depth?symbol=BTCUSDT&limit=20`: `{"lastUpdateId":1027024,
    "bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}`
    (no time: stamped with our receive time)."""
    try:
        bids = tuple((float(p), float(q)) for p, q in data["bids"])
        asks = tuple((float(p), float(q)) for p, q in data["asks"])
    except (KeyError, TypeError, ValueError):
        raise FeedError(f"Binance depth for {symbol} is not a book") from None
    inst = Instrument(Venue.BINANCE_SPOT, symbol)
    return BookDepth(inst, bids, asks, int(recv_ts * 1000), recv_ts)
