"""Bithumb quotation REST (API 2.0): markets, tickers and minute candles on the wire shared
with Upbit (`exchanges.quotation.rest`), with candle `to` in KST (`parse.ms_to_kst_text`).
Its market warnings are read by `notices.BithumbNotices`."""

from __future__ import annotations

from core.symbols import Venue
from exchanges.bithumb.parse import ms_to_kst_text
from exchanges.http import RestClient
from exchanges.quotation.rest import QuotationRest


class BithumbRest(QuotationRest):
    def __init__(self, client: RestClient) -> None:
        super().__init__(client, Venue.BITHUMB, candle_to=ms_to_kst_text)
