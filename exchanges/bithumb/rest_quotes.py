"""Bithumb public REST for the kimp views: every market (`/v1/market/all`), best bid/ask and
depth per market (`/v1/orderbook`: 30 levels for one market, 15 for several), on the quotation
wire shared with Upbit (`exchanges.quotation.books`)."""

from __future__ import annotations

from typing import Any

from core.depth import BookDepth
from core.market import Quote
from core.symbols import Venue
from exchanges.quotation.books import QuotationQuotes, parse_depth, parse_orderbooks


def parse_bithumb_orderbooks(data: Any, recv_ts: float) -> list[Quote]:
    """`/v1/orderbook` -> one Quote per market (best level):
    `[{"market":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":138600000,
    "bid_price":138500000,"ask_size":0.5,"bid_size":0.8}]}]`."""
    return parse_orderbooks(data, recv_ts, Venue.BITHUMB)


def parse_bithumb_depth(data: Any, recv_ts: float) -> list[BookDepth]:
    """`/v1/orderbook` with every unit -> one BookDepth per market, best level first."""
    return parse_depth(data, recv_ts, Venue.BITHUMB)


class BithumbQuotes(QuotationQuotes):
    """Listings and top of book over Bithumb's public REST; raises `FeedError` or transport
    errors."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        super().__init__(base_url, Venue.BITHUMB, timeout)
