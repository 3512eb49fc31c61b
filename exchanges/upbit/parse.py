"""Upbit's parsers: the quotation wire shared with Bithumb (`exchanges.quotation.parse`) for
Upbit, plus what only Upbit sends (`market_event` warning/caution flags).

Each parser's docstring shows a trimmed sample; the same payloads live in tests/data/upbit/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.market import Candle, Ticker
from core.market_notices import MarketNotice
from core.symbols import Symbol, Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.quotation import parse as wire
from exchanges.quotation.parse import (
    QuotationDecoder,
    ms_to_utc_text,
    parse_markets,
    parse_orderbook,
    parse_ticker,
    parse_trade,
    utc_text_to_ms,
)
from exchanges.quotation.schemas import RestCandle, RestTicker

__all__ = [
    "UpbitDecoder",
    "ms_to_utc_text",
    "parse_market_notices",
    "parse_markets",
    "parse_orderbook",
    "parse_rest_candle",
    "parse_rest_ticker",
    "parse_ticker",
    "parse_trade",
    "utc_text_to_ms",
]


def parse_rest_ticker(item: RestTicker, recv_ts: float) -> Ticker:
    """`GET /v1/ticker?markets=KRW-BTC` item, Upbit's (see `quotation.parse`)."""
    return wire.parse_rest_ticker(item, recv_ts, Venue.UPBIT)


def parse_rest_candle(item: RestCandle, timeframe: str = "1m") -> Candle:
    """`GET /v1/candles/minutes/1` item, Upbit's (see `quotation.parse`)."""
    return wire.parse_rest_candle(item, timeframe, Venue.UPBIT)


def parse_market_notices(items: Any, quote: str = "KRW") -> list[MarketNotice]:
    """`GET /v1/market/all?is_details=true` -> one notice per `quote` market (tests/data/real/
    upbit/rest_market_all.json). Items without a well-formed `market_event` are skipped.

    [{"market":"KRW-ETH","market_event":{"warning":true,"caution":{"PRICE_FLUCTUATIONS":false,
      "GLOBAL_PRICE_DIFFERENCES":true,...}}}]
    """
    out = []
    for item in items if isinstance(items, list) else []:
        code = item.get("market") if isinstance(item, dict) else None
        event = item.get("market_event") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.startswith(quote + "-"):
            continue
        if not isinstance(event, dict) or not isinstance(event.get("warning"), bool):
            continue
        caution = event.get("caution")
        flags = caution if isinstance(caution, dict) else {}
        cautions = tuple(sorted(k for k, v in flags.items() if v is True))
        out.append(MarketNotice(Venue.UPBIT, Symbol.from_upbit(code), event["warning"], cautions))
    return out


class UpbitDecoder(QuotationDecoder):
    """Frame -> domain events for one Upbit connection. Never raises on bad input."""

    __slots__ = ()

    def __init__(self, bad: BadInput, sink: Callable[[MarketEvent], None]) -> None:
        super().__init__(Venue.UPBIT, bad, sink)
