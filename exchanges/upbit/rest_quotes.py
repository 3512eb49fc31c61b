"""Upbit public REST for the kimp monitor's fallback feed: every market (`/v1/market/all`, all
quotes, for the universe) and best bid/ask per market (`/v1/orderbook`). Wire shapes stay here;
only domain `Symbol`s and `Quote`s leave."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from core.depth import BookDepth
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from exchanges.http import FeedError, get_json

BATCH = 100  # markets per /v1/orderbook request


def parse_upbit_markets(data: Any) -> list[Symbol]:
    """`[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"}]`."""
    if not isinstance(data, list):
        raise FeedError("Upbit market list is not a list")
    out = []
    for item in data:
        market = item.get("market") if isinstance(item, dict) else None
        if isinstance(market, str) and "-" in market:
            out.append(Symbol.from_upbit(market))
    return out


def parse_upbit_orderbooks(data: Any, recv_ts: float) -> list[Quote]:
    """`[{"market":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":..,"bid_price":..,
    "ask_size":..,"bid_size":..}]}]` -> one Quote per market (best level)."""
    if not isinstance(data, list):
        raise FeedError("Upbit orderbook answer is not a list")
    out = []
    for ob in data:
        try:
            unit = ob["orderbook_units"][0]
            sym = Symbol.from_upbit(ob["market"])
            out.append(
                Quote(
                    Instrument(Venue.UPBIT, sym),
                    float(unit["bid_price"]),
                    float(unit["bid_size"]),
                    float(unit["ask_price"]),
                    float(unit["ask_size"]),
                    int(ob.get("timestamp") or 0),
                    recv_ts,
                )
            )
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # one bad entry must not hide the others
    return out


class UpbitQuotes:
    """Listings and top of book over Upbit's public REST; raises `FeedError` or transport
    errors (aiohttp.ClientError, TimeoutError, OSError)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def markets(self, session: aiohttp.ClientSession) -> list[Symbol]:
        return parse_upbit_markets(
            await get_json(session, f"{self.base_url}/v1/market/all", self.timeout)
        )

    async def orderbooks(
        self, session: aiohttp.ClientSession, markets: list[str], recv_ts: Callable[[], float]
    ) -> AsyncIterator[list[Quote]]:
        """Best bid/ask of `markets` ("KRW-BTC"), one list per request of `BATCH` markets (so
        a later failing batch does not hold back the earlier ones); `recv_ts()` stamps each
        answer when it arrives."""
        for i in range(0, len(markets), BATCH):
            url = f"{self.base_url}/v1/orderbook?markets={','.join(markets[i : i + BATCH])}"
            data = await get_json(session, url, self.timeout)
            yield parse_upbit_orderbooks(data, recv_ts())


def parse_upbit_depth(data: Any, recv_ts: float) -> list[BookDepth]:
    """`/v1/orderbook` with every unit: `[{"market":"KRW-BTC","timestamp":1751606867762,
    "orderbook_units":[{"ask_price":148520000,"bid_price":148490000,"ask_size":0.0134662,
    "bid_size":0.04296774}, ...]}]` -> one BookDepth per market, best level first."""
    if not isinstance(data, list):
        raise FeedError("Upbit orderbook answer is not a list")
    out = []
    for ob in data:
        try:
            units = ob["orderbook_units"]
            bids = tuple((float(u["bid_price"]), float(u["bid_size"])) for u in units)
            asks = tuple((float(u["ask_price"]), float(u["ask_size"])) for u in units)
            inst = Instrument(Venue.UPBIT, Symbol.from_upbit(ob["market"]))
            out.append(BookDepth(inst, bids, asks, int(ob.get("timestamp") or 0), recv_ts))
        except (KeyError, TypeError, ValueError):
            continue  # one bad entry must not hide the others
    return out
