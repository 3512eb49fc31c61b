"""REST fallback for the kimp monitor: listings for the universe and polled top-of-book quotes.

The monitor normally consumes the stream layer's events from the bus. When no stream is wired
(or for end-to-end tests before it exists) this poller publishes the same domain `Quote` events
from two public REST calls per round: Upbit `/v1/orderbook` for every KRW market in the universe
plus KRW-USDT, and Binance `/api/v3/ticker/bookTicker` for all symbols. Wire shapes stay in this
module; only domain objects leave it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson
from loguru import logger

from core.clock import Clock
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue


class FeedError(Exception):
    """A venue answered something unusable."""


async def _get(session: aiohttp.ClientSession, url: str, timeout: float) -> Any:
    async with asyncio.timeout(timeout), session.get(url) as resp:
        body = await resp.read()
        if resp.status != 200:
            raise FeedError(f"{url.split('?')[0]} answered HTTP {resp.status}")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise FeedError(f"{url.split('?')[0]} did not answer JSON") from None


def parse_upbit_markets(data: Any) -> list[Symbol]:
    """`[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"}]`."""
    if not isinstance(data, list):
        raise FeedError("Upbit market list is not a list")
    out = []
    for item in data:
        market = item.get("market") if isinstance(item, dict) else None
        if isinstance(market, str) and "-" in market:
            out.append(Symbol.from_upbit(market))
    return out


def parse_binance_markets(data: Any) -> list[Symbol]:
    """`{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}]}`."""
    symbols = data.get("symbols") if isinstance(data, dict) else None
    if not isinstance(symbols, list):
        raise FeedError("Binance exchangeInfo has no symbols list")
    out = []
    for s in symbols:
        if not isinstance(s, dict) or s.get("status") != "TRADING":
            continue
        base, quote = s.get("baseAsset"), s.get("quoteAsset")
        if isinstance(base, str) and isinstance(quote, str):
            out.append(Symbol(base.upper(), quote.upper()))
    return out


def parse_upbit_orderbooks(data: Any, recv_ts: float) -> list[Quote]:
    """`[{"market":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":..,"bid_price":..,
    "ask_size":..,"bid_size":..}]}]` -> one Quote per market (best level)."""
    if not isinstance(data, list):
        raise FeedError("Upbit orderbook answer is not a list")
    out = []
    for ob in data:
        try:
            unit = ob["orderbook_units"][0]
            sym = Symbol.from_upbit(ob["market"])
            out.append(
                Quote(
                    Instrument(Venue.UPBIT, sym),
                    float(unit["bid_price"]),
                    float(unit["bid_size"]),
                    float(unit["ask_price"]),
                    float(unit["ask_size"]),
                    int(ob.get("timestamp") or 0),
                    recv_ts,
                )
            )
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # one bad entry must not hide the others
    return out


def parse_binance_book_tickers(data: Any, recv_ts: float, wanted: set[str]) -> list[Quote]:
    """`[{"symbol":"BTCUSDT","bidPrice":"1.0","bidQty":"2","askPrice":"1.1","askQty":"3"}]`."""
    if not isinstance(data, list):
        raise FeedError("Binance bookTicker answer is not a list")
    out = []
    for t in data:
        try:
            raw = t["symbol"]
            if raw not in wanted:
                continue
            sym = Symbol(raw[:-4], "USDT")
            out.append(
                Quote(
                    Instrument(Venue.BINANCE_SPOT, sym),
                    float(t["bidPrice"]),
                    float(t["bidQty"]),
                    float(t["askPrice"]),
                    float(t["askQty"]),
                    0,
                    recv_ts,
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


class RestFeed:
    """Listings and polled quotes over public REST; publish goes to the event bus."""

    def __init__(
        self,
        upbit_url: str,
        binance_url: str,
        clock: Clock,
        publish: Callable[[Any], None],
        coins: Callable[[], list[str]],
        interval: float = 2.0,
        timeout: float = 10.0,
    ) -> None:
        self.upbit_url = upbit_url.rstrip("/")
        self.binance_url = binance_url.rstrip("/")
        self._clock = clock
        self._publish = publish
        self._coins = coins
        self.interval = interval
        self.timeout = timeout
        self.rounds = 0
        self.errors: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None

    def _sess(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def listings(self) -> tuple[list[Symbol], list[Symbol]]:
        s = self._sess()
        upbit = parse_upbit_markets(await _get(s, f"{self.upbit_url}/v1/market/all", self.timeout))
        binance = parse_binance_markets(
            await _get(s, f"{self.binance_url}/api/v3/exchangeInfo", self.timeout)
        )
        return upbit, binance

    async def poll_once(self) -> int:
        """One round on both venues; a failing venue is recorded and skipped. Returns quotes."""
        coins = sorted(self._coins())
        s = self._sess()
        n = 0
        markets = [f"KRW-{c}" for c in coins] + ["KRW-USDT"]
        try:
            for i in range(0, len(markets), 100):
                url = f"{self.upbit_url}/v1/orderbook?markets={','.join(markets[i : i + 100])}"
                data = await _get(s, url, self.timeout)
                for q in parse_upbit_orderbooks(data, self._clock.now()):
                    self._publish(q)
                    n += 1
            self.errors.pop("upbit", None)
        except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._failed("upbit", exc)
        try:
            data = await _get(s, f"{self.binance_url}/api/v3/ticker/bookTicker", self.timeout)
            wanted = {f"{c}USDT" for c in coins}
            for q in parse_binance_book_tickers(data, self._clock.now(), wanted):
                self._publish(q)
                n += 1
            self.errors.pop("binance", None)
        except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._failed("binance", exc)
        self.rounds += 1
        return n

    def _failed(self, venue: str, exc: BaseException) -> None:
        msg = str(exc) or type(exc).__name__
        if self.errors.get(venue) != msg:
            logger.warning("kimp REST feed: {} failed: {}", venue, msg)
        self.errors[venue] = msg

    async def run(self) -> None:
        try:
            while True:
                await self.poll_once()
                await self._clock.sleep(self.interval)
        finally:
            await self.close()
