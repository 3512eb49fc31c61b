"""Upbit wire messages, named and shaped exactly as Upbit sends them (PROTOCOLS.md 1.3, 2.6).

These are TypedDicts over what `orjson.loads` returns: zero-cost on the hot path, still typed.
Only the fields we read are declared; Upbit sends more.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class UpbitWsTrade(TypedDict):
    type: Literal["trade"]
    code: str
    timestamp: int
    trade_timestamp: int
    trade_price: float
    trade_volume: float
    ask_bid: Literal["ASK", "BID"]
    sequential_id: int
    stream_type: NotRequired[str]


class UpbitWsTicker(TypedDict):
    type: Literal["ticker"]
    code: str
    trade_price: float
    acc_trade_price_24h: NotRequired[float]
    trade_timestamp: int
    timestamp: int
    market_state: NotRequired[str]  # PREVIEW (deposits only) / ACTIVE / DELISTED
    delisting_date: NotRequired[str | None]  # 거래지원 종료일; null when none is scheduled
    stream_type: NotRequired[str]


class UpbitOrderbookUnit(TypedDict):
    ask_price: float
    bid_price: float
    ask_size: float
    bid_size: float


class UpbitWsOrderbook(TypedDict):
    type: Literal["orderbook"]
    code: str
    timestamp: int
    orderbook_units: list[UpbitOrderbookUnit]
    stream_type: NotRequired[str]


class UpbitErrorBody(TypedDict):
    name: str
    message: str


class UpbitError(TypedDict):
    error: UpbitErrorBody


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


class UpbitRestTicker(TypedDict):
    """`GET /v1/ticker?markets=` item."""

    market: str
    trade_price: float
    trade_timestamp: int
    timestamp: int
    acc_trade_price_24h: NotRequired[float]


class UpbitRestCandle(TypedDict):
    """`GET /v1/candles/minutes/{unit}` item (newest first in the response)."""

    market: str
    candle_date_time_utc: str
    opening_price: float
    high_price: float
    low_price: float
    trade_price: float
    candle_acc_trade_volume: float
    timestamp: int
    unit: NotRequired[int]
