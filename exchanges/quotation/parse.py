"""Pure parse functions from the quotation wire to domain events, plus the frame decoder.

Each parser's docstring shows a trimmed sample; real payloads of both venues live under
tests/data/real/upbit/ and tests/data/real/bithumb/ and go through these in tests/contract/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import orjson

from core.market import Candle, Quote, Side, Ticker, Trade, TradingState
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import INSTRUMENTS, BadInput, FrameDecoder, MarketEvent, ParseError
from exchanges.quotation.schemas import (
    Market,
    RestCandle,
    RestTicker,
    WsOrderbook,
    WsTicker,
    WsTrade,
)

_SIDE = {"BID": Side.BUY, "ASK": Side.SELL}  # ask_bid is the taker's side


def parse_trade(msg: WsTrade, instrument: Instrument, recv_ts: float) -> Trade:
    """WS `trade`.

    {"type":"trade","code":"KRW-BTC","timestamp":1584508285812,"trade_timestamp":1584508285000,
     "trade_price":6747000,"trade_volume":0.06499468,"ask_bid":"ASK",
     "sequential_id":1584508285000002,"stream_type":"REALTIME"}
    """
    return Trade(
        instrument,
        float(msg["trade_price"]),
        float(msg["trade_volume"]),
        _SIDE[msg["ask_bid"]],
        int(msg["sequential_id"]),
        int(msg["trade_timestamp"]),
        recv_ts,
    )


def parse_ticker(msg: WsTicker, instrument: Instrument, recv_ts: float) -> Ticker:
    """WS `ticker`.

    {"type":"ticker","code":"KRW-BTC","trade_price":32287000,"trade_timestamp":1676965262139,
     "acc_trade_price_24h":228827082483.70729,"timestamp":1676965262177,"market_state":"ACTIVE",
     "delisting_date":null,"stream_type":"REALTIME"}

    `delisting_date` (거래지원 종료일, documented as a Date) becomes the Ticker's `delisting`;
    `market_state` (PREVIEW: deposits only, ACTIVE, DELISTED) its `state`.
    """
    dd = msg.get("delisting_date")
    return Ticker(
        instrument,
        float(msg["trade_price"]),
        int(msg["timestamp"]),
        recv_ts,
        float(msg.get("acc_trade_price_24h") or 0.0),
        None if dd is None else delisting_day(dd),
        trading_state(msg.get("market_state")),
    )


# `market_state` values as sent; anything else (absent, a new value) reads as "not said".
_STATES: dict[str, TradingState] = {s.value: s for s in TradingState}


def trading_state(value: object) -> TradingState | None:
    """`market_state` -> `TradingState`; None for an absent or unknown value."""
    return _STATES.get(value) if isinstance(value, str) else None


def delisting_day(value: object) -> str | None:
    """`delisting_date` -> "YYYY-MM-DD"; None for null or a shape we cannot read
    (`"2026-12-20"` and `"2026-12-20T00:00:00"` both give "2026-12-20")."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def parse_orderbook(msg: WsOrderbook, instrument: Instrument, recv_ts: float) -> Quote:
    """WS `orderbook` (a full top-N snapshot every time; we keep the top level).

    {"type":"orderbook","code":"KRW-BTC","timestamp":1584486737444,
     "orderbook_units":[{"ask_price":6756000,"bid_price":6753000,"ask_size":3.57100696,
                         "bid_size":22.5303265}],"stream_type":"SNAPSHOT"}
    """
    top = msg["orderbook_units"][0]
    return Quote(
        instrument,
        float(top["bid_price"]),
        float(top["bid_size"]),
        float(top["ask_price"]),
        float(top["ask_size"]),
        int(msg["timestamp"]),
        recv_ts,
    )


def parse_rest_ticker(item: RestTicker, recv_ts: float, venue: Venue) -> Ticker:
    """`GET /v1/ticker?markets=KRW-BTC` item.

    {"market":"KRW-BTC","trade_price":100500000,"trade_timestamp":1710328237798,
     "acc_trade_price_24h":506342983984.88,"timestamp":1710328237828}
    """
    return Ticker(
        INSTRUMENTS.get(venue, item["market"], Symbol.from_upbit),
        float(item["trade_price"]),
        int(item["timestamp"]),
        recv_ts,
        float(item.get("acc_trade_price_24h") or 0.0),
    )


def utc_text_to_ms(text: str) -> int:
    """`2024-03-13T11:00:00` (UTC, no zone) -> epoch ms."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def ms_to_utc_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_rest_candle(item: RestCandle, timeframe: str, venue: Venue) -> Candle:
    """`GET /v1/candles/minutes/1` item.

    {"market":"KRW-BTC","candle_date_time_utc":"2024-03-13T11:00:00","opening_price":72738585,
     "high_price":73578657,"low_price":72738585,"trade_price":73578655,
     "candle_acc_trade_volume":0.02284923,"timestamp":1710328237828,"unit":1}
    """
    return Candle(
        INSTRUMENTS.get(venue, item["market"], Symbol.from_upbit),
        timeframe,
        utc_text_to_ms(item["candle_date_time_utc"]),
        float(item["opening_price"]),
        float(item["high_price"]),
        float(item["low_price"]),
        float(item["trade_price"]),
        float(item["candle_acc_trade_volume"]),
    )


def parse_markets(items: list[Market], quote: str = "KRW") -> list[Symbol]:
    """`GET /v1/market/all` -> symbols quoted in `quote`.

    [{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"}]
    """
    out = []
    for item in items:
        code = item["market"]
        if code.startswith(quote + "-"):
            out.append(Symbol.from_upbit(code))
    return out


class QuotationDecoder(FrameDecoder):
    """Frame -> domain events for one connection of `venue`. Never raises on bad input."""

    __slots__ = ("controls",)

    def __init__(self, venue: Venue, bad: BadInput, sink: Callable[[MarketEvent], None]) -> None:
        super().__init__(venue, Symbol.from_upbit, bad, sink)
        self.controls = 0  # {"status":"UP"} answers to our PING

    def _handle(self, msg: Any, recv_ts: float) -> None:
        event = self._dispatch(msg, recv_ts)
        if event is not None:
            self._sink(event)

    def _dispatch(self, msg: Any, recv_ts: float) -> MarketEvent | None:
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "trade":
            return parse_trade(msg, self.instrument(msg["code"]), recv_ts)
        if kind == "ticker":
            return parse_ticker(msg, self.instrument(msg["code"]), recv_ts)
        if kind == "orderbook":
            return parse_orderbook(msg, self.instrument(msg["code"]), recv_ts)
        if isinstance(msg, dict):
            if msg.get("status") == "UP":
                self.controls += 1
                return None
            if "error" in msg:
                raise ParseError("error_object", orjson.dumps(msg["error"]).decode())
        raise ParseError("unknown", str(msg)[:120])
