"""Upbit quotation REST (PROTOCOLS.md 2.2, 2.6): markets, tickers, minute candles."""

from __future__ import annotations

from core.market import Candle, Ticker, timeframe_ms
from core.symbols import Instrument, Symbol
from exchanges.http import RestClient, RestError
from exchanges.upbit.parse import (
    ms_to_utc_text,
    parse_markets,
    parse_rest_candle,
    parse_rest_ticker,
)

MAX_CANDLES = 200
TICKER_BATCH = 100
_UNITS = {1, 3, 5, 10, 15, 30, 60, 240}


class UpbitRest:
    def __init__(self, client: RestClient) -> None:
        self.client = client

    async def markets(self, quote: str = "KRW") -> list[Symbol]:
        return parse_markets(await self.client.get("/v1/market/all"), quote)

    async def tickers(self, symbols: list[Symbol], recv_ts: float) -> list[Ticker]:
        out: list[Ticker] = []
        codes = [s.to_upbit() for s in symbols]
        for i in range(0, len(codes), TICKER_BATCH):
            batch = ",".join(codes[i : i + TICKER_BATCH])
            items = await self.client.get("/v1/ticker", {"markets": batch})
            out.extend(parse_rest_ticker(item, recv_ts) for item in items)
        return out

    async def candles(
        self, instrument: Instrument, timeframe: str, count: int, end_ms: int | None = None
    ) -> list[Candle]:
        """The last `count` candles that open before `end_ms` (default: now), oldest first."""
        unit = timeframe_ms(timeframe) // 60_000
        if unit not in _UNITS:
            raise RestError(f"Upbit has no {timeframe} candles", retryable=False)
        out: dict[int, Candle] = {}
        to = end_ms
        while count > 0:
            params: dict[str, str | int] = {
                "market": instrument.symbol.to_upbit(),
                "count": min(count, MAX_CANDLES),
            }
            if to is not None:
                params["to"] = ms_to_utc_text(to)
            items = await self.client.get(f"/v1/candles/minutes/{unit}", params)
            if not items:
                break
            for item in items:
                c = parse_rest_candle(item, timeframe)
                out[c.open_ts] = c
            count -= len(items)
            to = min(out)
            if len(items) < MAX_CANDLES:
                break
        return [out[k] for k in sorted(out)]

    async def minute_range(self, instrument: Instrument, first: int, last: int) -> list[Candle]:
        """1m candles with open_ts in [first, last] (Upbit lists only minutes with trades)."""
        n = (last - first) // 60_000 + 1
        got = await self.candles(instrument, "1m", n, end_ms=last + 60_000)
        return [c for c in got if first <= c.open_ts <= last]
