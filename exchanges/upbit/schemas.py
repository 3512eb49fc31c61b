"""Upbit wire messages, named and shaped exactly as Upbit sends them (PROTOCOLS.md 1.3, 2.6).

The quotation frames and replies Bithumb copies are in `exchanges.quotation.schemas`; here is
what only Upbit sends. TypedDicts over what `orjson.loads` returns; only the fields we read
are declared.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class UpbitMarketEvent(TypedDict):
    """`market_event` of a `GET /v1/market/all?is_details=true` item (2025)."""

    warning: bool
    caution: dict[str, bool]  # PRICE_FLUCTUATIONS, GLOBAL_PRICE_DIFFERENCES, ...


class UpbitMarket(TypedDict):
    """`GET /v1/market/all` item (`market_event` with `is_details=true`)."""

    market: str
    korean_name: NotRequired[str]
    english_name: NotRequired[str]
    market_event: NotRequired[UpbitMarketEvent]
