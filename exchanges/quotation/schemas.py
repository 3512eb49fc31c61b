"""The quotation wire's messages, named and shaped as Upbit (and Bithumb's API 2.0) send them.

TypedDicts over what `orjson.loads` returns: zero-cost on the hot path, still typed. Only the
fields we read are declared; the venues send more.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class WsTrade(TypedDict):
    type: Literal["trade"]
    code: str
    timestamp: int
    trade_timestamp: int
    trade_price: float
    trade_volume: float
    ask_bid: Literal["ASK", "BID"]
    sequential_id: int
    stream_type: NotRequired[str]


class WsTicker(TypedDict):
    type: Literal["ticker"]
    code: str
    trade_price: float
    acc_trade_price_24h: NotRequired[float]
    trade_timestamp: int
    timestamp: int
    stream_type: NotRequired[str]


class OrderbookUnit(TypedDict):
    ask_price: float
    bid_price: float
    ask_size: float
    bid_size: float


class WsOrderbook(TypedDict):
    type: Literal["orderbook"]
    code: str
    timestamp: int
    orderbook_units: list[OrderbookUnit]
    stream_type: NotRequired[str]


class ErrorBody(TypedDict):
    name: str
    message: str


class WsError(TypedDict):
    error: ErrorBody


class Market(TypedDict):
    """`GET /v1/market/all` item."""

    market: str
    korean_name: NotRequired[str]
    english_name: NotRequired[str]


class RestTicker(TypedDict):
    """`GET /v1/ticker?markets=` item."""

    market: str
    trade_price: float
    trade_timestamp: int
    timestamp: int
    acc_trade_price_24h: NotRequired[float]


class RestCandle(TypedDict):
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
