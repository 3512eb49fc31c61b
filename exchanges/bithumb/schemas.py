"""Bithumb (API 2.0) wire messages that differ from the quotation wire it copies from Upbit
(`exchanges.quotation.schemas` holds the shared ticker/trade/orderbook frames and the REST
ticker/candle items). Named and shaped as Bithumb sends them; only the fields we read.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class BithumbMarket(TypedDict):
    """`GET /v1/market/all?isDetails=true` item: Bithumb flags a market with a plain
    `market_warning` (유의 종목: "NONE" or "CAUTION"), where Upbit sends a `market_event`."""

    market: str
    korean_name: NotRequired[str]
    english_name: NotRequired[str]
    market_warning: NotRequired[Literal["NONE", "CAUTION"]]


class BithumbAssetWarning(TypedDict):
    """`GET /v1/market/virtual_asset_warning` item: a market under Bithumb's automatic alert
    (경보제), e.g. `PRICE_DIFFERENCE_HIGH` (global price difference), until `end_date` (KST)."""

    market: str
    warning_type: str
    warning_step: NotRequired[str]  # CAUTION / WARNING / DANGER (documented 2026)
    end_date: str
