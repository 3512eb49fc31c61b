"""Upbit public REST for the kimp monitor's fallback feed: every market (`/v1/market/all`, all
quotes, for the universe) and best bid/ask per market (`/v1/orderbook`), on the quotation wire
shared with Bithumb (`exchanges.quotation.books`). Only domain `Symbol`s and `Quote`s leave."""

from __future__ import annotations

from typing import Any

from core.depth import BookDepth
from core.market import Quote
from core.symbols import Symbol, Venue
from exchanges.quotation.books import (
    BATCH,
    QuotationQuotes,
    parse_depth,
    parse_market_list,
    parse_orderbooks,
)

__all__ = [
    "BATCH",
    "UpbitQuotes",
    "parse_upbit_depth",
    "parse_upbit_markets",
    "parse_upbit_orderbooks",
]


def parse_upbit_markets(data: Any) -> list[Symbol]:
    """`[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"}]`."""
    return parse_market_list(data, Venue.UPBIT)


def parse_upbit_orderbooks(data: Any, recv_ts: float) -> list[Quote]:
    """`/v1/orderbook` -> one Quote per market (best level); see `quotation.books`."""
    return parse_orderbooks(data, recv_ts, Venue.UPBIT)


def parse_upbit_depth(data: Any, recv_ts: float) -> list[BookDepth]:
    """`/v1/orderbook` with every unit: `[{"market":"KRW-BTC","timestamp":1751606867762,
    "orderbook_units":[{"ask_price":148520000,"bid_price":148490000,"ask_size":0.0134662,
    "bid_size":0.04296774}, ...]}]` -> one BookDepth per market, best level first."""
    return parse_depth(data, recv_ts, Venue.UPBIT)


class UpbitQuotes(QuotationQuotes):
    """Listings and top of book over Upbit's public REST; raises `FeedError` or transport
    errors (aiohttp.ClientError, TimeoutError, OSError)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        super().__init__(base_url, Venue.UPBIT, timeout)
