"""A two-venue REST quote feed: listings for the kimp universe and polled top of book.

The kimp monitor normally consumes the market-data manager's stream events from the bus. When no
manager is wired (or in end-to-end tests without one) this poller publishes the same domain
`Quote` events from two public REST calls per round: Upbit `/v1/orderbook` for every KRW market
in the universe plus KRW-USDT, and Binance `/api/v3/ticker/bookTicker` for all symbols; with
Bithumb enabled, Bithumb's `/v1/orderbook` for the same markets (a third call). The venue calls
and their wire shapes live in upbit/, bithumb/ and binance/rest_quotes.py; the kimp
installer (bot/features/kimp.py) only builds and starts it.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
from loguru import logger

from core.clock import Clock
from core.market import Quote
from core.symbols import Symbol
from exchanges.binance.rest_quotes import BinanceQuotes
from exchanges.bithumb.rest_quotes import BithumbQuotes
from exchanges.http import FeedError, SessionHolder
from exchanges.upbit.rest_quotes import UpbitQuotes


class RestQuotesFeed:
    """Listings and polled quotes over public REST; publish goes to the event bus."""

    def __init__(
        self,
        upbit_url: str,
        binance_url: str,
        clock: Clock,
        publish: Callable[[Quote], None],
        coins: Callable[[], list[str]],
        interval: float = 2.0,
        timeout: float = 10.0,
        bithumb_url: str | None = None,
    ) -> None:
        self.upbit = UpbitQuotes(upbit_url, timeout)
        self.bithumb = BithumbQuotes(bithumb_url, timeout) if bithumb_url else None
        # Bithumb's KRW markets: one unknown code fails a whole orderbook request there.
        self._bithumb_listed: set[str] | None = None
        self.binance = BinanceQuotes(binance_url, timeout)
        self._clock = clock
        self._publish = publish
        self._coins = coins
        self.interval = interval
        self.rounds = 0
        self.errors: dict[str, str] = {}
        self._http = SessionHolder()

    async def close(self) -> None:
        await self._http.close()

    async def listings(self) -> tuple[list[Symbol], list[Symbol]]:
        s = self._http.get()
        upbit = await self.upbit.markets(s)
        binance = await self.binance.markets(s)
        self._bithumb_listed = None  # read again with the next round's quotes
        return upbit, binance

    async def _bithumb_markets(self, s: aiohttp.ClientSession, bithumb: BithumbQuotes) -> set[str]:
        if self._bithumb_listed is None:
            listed = await bithumb.markets(s)
            self._bithumb_listed = {f"{x.quote}-{x.base}" for x in listed}
        return self._bithumb_listed

    async def poll_once(self) -> int:
        """One round on both venues; a failing venue is recorded and skipped. Returns quotes."""
        coins = sorted(self._coins())
        s = self._http.get()
        n = 0
        markets = [f"KRW-{c}" for c in coins] + ["KRW-USDT"]
        krw: list[tuple[str, UpbitQuotes | BithumbQuotes]] = [("upbit", self.upbit)]
        if self.bithumb is not None:
            krw.append(("bithumb", self.bithumb))
        for name, venue in krw:
            try:
                codes = markets
                if isinstance(venue, BithumbQuotes):
                    codes = [m for m in markets if m in await self._bithumb_markets(s, venue)]
                async for batch in venue.orderbooks(s, codes, self._clock.now):
                    for q in batch:
                        self._publish(q)
                        n += 1
                self.errors.pop(name, None)
            except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                self._failed(name, exc)
        try:
            for q in await self.binance.book_tickers(s, coins, self._clock.now):
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
