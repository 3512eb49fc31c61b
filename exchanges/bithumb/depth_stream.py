"""Bithumb order-book depth for a few markets: the `orderbook` channel with plain codes (every
level Bithumb sends; the `.N` suffix is Upbit's), on a connection of its own
(`quotation.books.QuotationDepthStream`)."""

from __future__ import annotations

from collections.abc import Callable

from core.depth import BookDepth
from core.symbols import Venue
from exchanges.quotation.books import QuotationDepthStream


class BithumbDepthStream(QuotationDepthStream):
    def __init__(self, ws_url: str, sink: Callable[[BookDepth], None]) -> None:
        super().__init__(Venue.BITHUMB, ws_url, sink)
