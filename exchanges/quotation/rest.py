"""Quotation REST of the Upbit-style wire: markets, tickers, minute candles (PROTOCOLS.md 2.2,
2.6). A venue says how its candle `to` parameter is written (`candle_to`)."""

from __future__ import annotations

from collections.abc import Callable

from core.market import Candle, Ticker, timeframe_ms
from core.symbols import Instrument, Symbol, Venue
from exchanges.http import RestClient, RestError
from exchanges.quotation.parse import (
    ms_to_utc_text,
    parse_markets,
    parse_rest_candle,
    parse_rest_ticker,
)

MAX_CANDLES = 200
TICKER_BATCH = 100
UNITS = frozenset({1, 3, 5, 10, 15, 30, 60, 240})


class QuotationRest:
    """`candle_to(ms)`: the `to` parameter of the candle endpoints for an epoch-ms bound
    (Upbit: UTC `2024-03-13T11:00:00`)."""

    def __init__(
        self,
        client: RestClient,
        venue: Venue,
        candle_to: Callable[[int], str] = ms_to_utc_text,
    ) -> None:
        self.client = client
        self.venue = venue
        self._candle_to = candle_to

    async def markets(self, quote: str = "KRW") -> list[Symbol]:
        return parse_markets(await self.client.get("/v1/market/all"), quote)

    async def tickers(self, symbols: list[Symbol], recv_ts: float) -> list[Ticker]:
        out: list[Ticker] = []
        codes = [s.to_upbit() for s in symbols]
        for i in range(0, len(codes), TICKER_BATCH):
            batch = ",".join(codes[i : i + TICKER_BATCH])
            items = await self.client.get("/v1/ticker", {"markets": batch})
            out.extend(parse_rest_ticker(item, recv_ts, self.venue) for item in items)
        return out

    async def candles(
        self, instrument: Instrument, timeframe: str, count: int, end_ms: int | None = None
    ) -> list[Candle]:
        """The last `count` candles that open before `end_ms` (default: now), oldest first."""
        unit = timeframe_ms(timeframe) // 60_000
        if unit not in UNITS:
            raise RestError(f"{self.venue.label} has no {timeframe} candles", retryable=False)
        out: dict[int, Candle] = {}
        to = end_ms
        while count > 0:
            params: dict[str, str | int] = {
                "market": instrument.symbol.to_upbit(),
                "count": min(count, MAX_CANDLES),
            }
            if to is not None:
                params["to"] = self._candle_to(to)
            items = await self.client.get(f"/v1/candles/minutes/{unit}", params)
            if not items:
                break
            for item in items:
                c = parse_rest_candle(item, timeframe, self.venue)
                out[c.open_ts] = c
            count -= len(items)
            to = min(out)
            if len(items) < MAX_CANDLES:
                break
        return [out[k] for k in sorted(out)]

    async def minute_range(self, instrument: Instrument, first: int, last: int) -> list[Candle]:
        """1m candles with open_ts in [first, last] (only minutes with trades are listed)."""
        n = (last - first) // 60_000 + 1
        got = await self.candles(instrument, "1m", n, end_ms=last + 60_000)
        return [c for c in got if first <= c.open_ts <= last]
