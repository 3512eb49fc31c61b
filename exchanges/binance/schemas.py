"""Binance spot and USDⓈ-M futures wire messages, named exactly as Binance sends them
(PROTOCOLS.md 3.3, 4.2, 5.3, 6.2). TypedDicts over `orjson.loads` output: typed and free.

Binance abbreviates field names to one letter; the comments give the meaning.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class BinanceTrade(TypedDict):
    e: Literal["trade"]
    E: int  # event time
    s: str  # symbol
    t: int  # trade id
    p: str  # price
    q: str  # quantity
    T: int  # trade time
    m: bool  # buyer is maker (so the taker sold)


class BinanceAggTrade(TypedDict):
    e: Literal["aggTrade"]
    E: int
    s: str
    a: int  # aggregate trade id
    p: str
    q: str
    f: int  # first trade id
    l: int  # last trade id  # noqa: E741
    T: int
    m: bool


class BinanceKlineBody(TypedDict):
    t: int  # open time
    T: int  # close time
    s: str
    i: str  # interval
    o: str
    c: str
    h: str
    l: str  # noqa: E741
    v: str  # base volume
    n: int  # trades
    x: bool  # closed


class BinanceKline(TypedDict):
    e: Literal["kline"]
    E: int
    s: str
    k: BinanceKlineBody


class BinanceBookTicker(TypedDict):
    """Spot has no `e`/`E`/`T`; futures adds them."""

    u: int  # order book update id
    s: str
    b: str  # best bid
    B: str  # best bid qty
    a: str  # best ask
    A: str  # best ask qty
    e: NotRequired[Literal["bookTicker"]]
    E: NotRequired[int]
    T: NotRequired[int]


class BinanceMiniTicker(TypedDict):
    """`24hrMiniTicker`; `24hrTicker` has these fields too (and more)."""

    e: Literal["24hrMiniTicker", "24hrTicker"]
    E: int
    s: str
    c: str  # close (last)
    o: str
    h: str
    l: str  # noqa: E741
    v: str
    q: str  # quote volume


class BinanceMarkPrice(TypedDict):
    e: Literal["markPriceUpdate"]
    E: int
    s: str
    p: str  # mark price
    i: str  # index price
    P: str  # estimated settle price
    r: str  # funding rate
    T: int  # next funding time


class BinanceCombined(TypedDict):
    """`/stream?streams=` wrapper."""

    stream: str
    data: Any


class BinanceSymbolInfo(TypedDict):
    """`exchangeInfo` symbol (only what the universe needs)."""

    symbol: str
    status: str
    baseAsset: str
    quoteAsset: str
    contractType: NotRequired[str]  # futures: PERPETUAL, CURRENT_QUARTER, ...


class BinanceExchangeInfo(TypedDict):
    serverTime: int
    symbols: list[BinanceSymbolInfo]


class BinancePriceTicker(TypedDict):
    """`GET /api/v3/ticker/price` / `GET /fapi/v1/ticker/price` item (futures adds `time`)."""

    symbol: str
    price: str
    time: NotRequired[int]


class BinancePremiumIndex(TypedDict):
    """`GET /fapi/v1/premiumIndex` item."""

    symbol: str
    markPrice: str
    indexPrice: str
    lastFundingRate: str
    nextFundingTime: int
    time: int


# `GET /api/v3/klines` row: [openTime, "o", "h", "l", "c", "v", closeTime, "quoteVol", trades, ...]
BinanceKlineRow = list[Any]
