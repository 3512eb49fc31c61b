"""Bithumb quotation REST (API 2.0): markets, tickers and minute candles on the wire shared
with Upbit (`exchanges.quotation.rest`), with candle `to` in KST (`parse.ms_to_kst_text`), and
the market warnings (`market_all_details`, `asset_warnings`)."""

from __future__ import annotations

from typing import Any

from core.market_notices import MarketNotice
from core.symbols import Venue
from exchanges.bithumb.parse import ms_to_kst_text, parse_market_warnings
from exchanges.http import RestClient
from exchanges.quotation.rest import QuotationRest


class BithumbRest(QuotationRest):
    def __init__(self, client: RestClient) -> None:
        super().__init__(client, Venue.BITHUMB, candle_to=ms_to_kst_text)

    async def warnings(self) -> list[MarketNotice]:
        """Every KRW market's warning (유의 종목) and automatic alerts (경보제): two public
        requests."""
        markets: Any = await self.client.get("/v1/market/all", {"isDetails": "true"})
        alerts: Any = await self.client.get("/v1/market/virtual_asset_warning")
        return parse_market_warnings(markets, alerts)
