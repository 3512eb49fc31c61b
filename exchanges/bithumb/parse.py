"""Bithumb's parsers: the quotation wire shared with Upbit (`exchanges.quotation.parse`) bound
to Bithumb, and Bithumb's own differences, explicit here:

- candle `to` is KST without a zone (`2025-04-28T21:00:00`); an offset or `Z` is refused with
  HTTP 400, where Upbit takes UTC;
- the market list's details are `isDetails=true` and a plain `market_warning`, and the
  automatic alerts (경보제) come from `/v1/market/virtual_asset_warning`;
- orderbook codes carry no `.N` level suffix (Upbit's `KRW-BTC.1`).

Not a difference: the WS ticker's `market_state` (PREVIEW/ACTIVE/DELISTED) and
`delisting_date` are sent as Upbit sends them (the docs' real frame, ws_ticker.json), so the
shared `parse_ticker` reads them for both venues.

Each parser's docstring shows a trimmed sample; real payloads are under
tests/data/real/bithumb/ (provenance in its SOURCES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from core.market import Candle, Ticker
from core.market_notices import MarketNotice
from core.symbols import Symbol, Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.quotation import parse as wire
from exchanges.quotation.parse import QuotationDecoder
from exchanges.quotation.schemas import RestCandle, RestTicker

KST = timezone(timedelta(hours=9))


def ms_to_kst_text(ms: int) -> str:
    """Candle `to`: epoch ms -> `2025-04-28T21:00:00`, Korean time, no zone (Bithumb refuses
    one)."""
    return datetime.fromtimestamp(ms / 1000, KST).strftime("%Y-%m-%dT%H:%M:%S")


def parse_rest_ticker(item: RestTicker, recv_ts: float) -> Ticker:
    """`GET /v1/ticker?markets=KRW-BTC` item (Upbit's fields; its KST date is spelled
    `trade_date_kst` in the docs, `trade_date_kts` in some recordings: neither is read).

    {"market":"KRW-BTC","trade_price":45831000,"trade_timestamp":1698125744000,
     "acc_trade_price_24h":366228795843.045,"timestamp":1698125744837}
    """
    return wire.parse_rest_ticker(item, recv_ts, Venue.BITHUMB)


def parse_rest_candle(item: RestCandle, timeframe: str = "1m") -> Candle:
    """`GET /v1/candles/minutes/1` item (`candle_date_time_utc` is UTC, as on Upbit).

    {"market":"KRW-BTC","candle_date_time_utc":"2025-04-28T12:00:00","opening_price":138500000,
     "high_price":138600000,"low_price":138400000,"trade_price":138550000,
     "candle_acc_trade_volume":1.2,"timestamp":1745841659000,"unit":1}
    """
    return wire.parse_rest_candle(item, timeframe, Venue.BITHUMB)


def parse_market_warnings(markets: Any, alerts: Any = (), quote: str = "KRW") -> list[MarketNotice]:
    """`/v1/market/all?isDetails=true` (`market_warning: "CAUTION"`, 유의 종목: the venue's
    investment warning) and `/v1/market/virtual_asset_warning` (경보제: automatic alerts, as
    caution flags named by `warning_type`) -> one notice per listed `quote` market.

    [{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin","market_warning":"NONE"}]
    [{"market":"KRW-XRP","warning_type":"PRICE_DIFFERENCE_HIGH","warning_step":"CAUTION",
      "end_date":"2026-12-06 09:00:00"}]
    """
    flags: dict[str, set[str]] = {}
    for item in alerts if isinstance(alerts, list) else []:
        code = item.get("market") if isinstance(item, dict) else None
        kind = item.get("warning_type") if isinstance(item, dict) else None
        if isinstance(code, str) and isinstance(kind, str) and kind:
            flags.setdefault(code, set()).add(kind)
    out = []
    for item in markets if isinstance(markets, list) else []:
        code = item.get("market") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.startswith(quote + "-"):
            continue
        warning = item.get("market_warning") == "CAUTION"
        cautions = tuple(sorted(flags.get(code, ())))
        out.append(MarketNotice(Venue.BITHUMB, Symbol.from_upbit(code), warning, cautions))
    return out


class BithumbDecoder(QuotationDecoder):
    """Frame -> domain events for one Bithumb connection. Never raises on bad input.

    {"type":"ticker","code":"KRW-BTC","trade_price":493100,"acc_trade_price_24h":8227950466.3,
     "trade_timestamp":1725927377174,"timestamp":1725927377287,"stream_type":"SNAPSHOT"}
    """

    __slots__ = ()

    def __init__(self, bad: BadInput, sink: Callable[[MarketEvent], None]) -> None:
        super().__init__(Venue.BITHUMB, bad, sink)
