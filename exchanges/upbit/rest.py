"""Upbit quotation REST (PROTOCOLS.md 2.2, 2.6): markets, tickers, minute candles, on the
quotation wire shared with Bithumb (`exchanges.quotation.rest`); candle `to` in UTC."""

from __future__ import annotations

from core.symbols import Venue
from exchanges.http import RestClient
from exchanges.quotation.rest import MAX_CANDLES, TICKER_BATCH, QuotationRest

__all__ = ["MAX_CANDLES", "TICKER_BATCH", "UpbitRest"]


class UpbitRest(QuotationRest):
    def __init__(self, client: RestClient) -> None:
        super().__init__(client, Venue.UPBIT)
