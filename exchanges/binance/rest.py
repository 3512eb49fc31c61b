"""Binance spot (`/api/v3`) and USDⓈ-M futures (`/fapi/v1`) public REST for market data."""

from __future__ import annotations

from core.market import Candle, MarkPrice, Ticker
from core.symbols import Instrument, Symbol, Venue
from exchanges.binance.parse import (
    parse_exchange_info,
    parse_kline_row,
    parse_premium_index,
    parse_price_ticker,
)
from exchanges.http import RestClient

MAX_KLINES = 1000
_INTERVALS = {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d"}


class BinanceRest:
    """`venue` picks the API family: BINANCE_SPOT -> /api/v3, BINANCE_FUTURES -> /fapi/v1."""

    def __init__(self, client: RestClient, venue: Venue) -> None:
        self.client = client
        self.venue = venue
        self._prefix = "/fapi/v1" if venue is Venue.BINANCE_FUTURES else "/api/v3"

    async def markets(self, quote: str = "USDT") -> list[Symbol]:
        info = await self.client.get(f"{self._prefix}/exchangeInfo")
        return parse_exchange_info(info, quote, perpetual_only=self.venue is Venue.BINANCE_FUTURES)

    async def prices(self, recv_ts: float) -> list[Ticker]:
        items = await self.client.get(f"{self._prefix}/ticker/price")
        out = []
        for item in items:
            try:
                out.append(parse_price_ticker(item, self.venue, recv_ts))
            except ValueError:
                continue  # quotes we do not follow (e.g. BTC-quoted pairs)
        return out

    async def mark_prices(self, recv_ts: float) -> list[MarkPrice]:
        items = await self.client.get("/fapi/v1/premiumIndex")
        out = []
        for item in items:
            try:
                out.append(parse_premium_index(item, recv_ts))
            except ValueError:
                continue
        return out

    async def candles(
        self, instrument: Instrument, timeframe: str, count: int, end_ms: int | None = None
    ) -> list[Candle]:
        """The last `count` closed-or-open candles opening before `end_ms`, oldest first."""
        if timeframe not in _INTERVALS:
            raise ValueError(f"Binance has no {timeframe} klines")
        params: dict[str, str | int] = {
            "symbol": instrument.symbol.to_binance(),
            "interval": timeframe,
            "limit": min(count, MAX_KLINES),
        }
        if end_ms is not None:
            params["endTime"] = end_ms - 1
        rows = await self.client.get(f"{self._prefix}/klines", params)
        return [parse_kline_row(r, instrument, timeframe) for r in rows]

    async def minute_range(self, instrument: Instrument, first: int, last: int) -> list[Candle]:
        out: list[Candle] = []
        start = first
        while start <= last:
            params: dict[str, str | int] = {
                "symbol": instrument.symbol.to_binance(),
                "interval": "1m",
                "startTime": start,
                "endTime": last + 59_999,
                "limit": MAX_KLINES,
            }
            rows = await self.client.get(f"{self._prefix}/klines", params)
            if not rows:
                break
            out.extend(parse_kline_row(r, instrument, "1m") for r in rows)
            start = out[-1].open_ts + 60_000
            if len(rows) < MAX_KLINES:
                break
        return [c for c in out if first <= c.open_ts <= last]
