"""Order-book depth for the kimp executable premium, for the coins a view shows.

Streamed where it can be: Upbit's `orderbook` channel with 15 units per code and Binance's
`<symbol>@depth20@100ms` partial books, each on a connection of its own (`upbit/depth_stream.py`,
`binance/depth_stream.py`), for the coins of the last question plus BTC/ETH/XRP (a few dozen
streams at most, far inside both venues' limits), from the first question on. A book not streamed, or older than `max_age`,
is read over REST when asked: Upbit `/v1/orderbook` for all missing markets in one request,
Binance `/api/v3/depth?limit=20` per coin (weight 5 each, of 6,000/min).

With Bithumb enabled, the Upbit–Bithumb spread of one coin walks both KRW venues' books
(`spread_books`): Bithumb's `orderbook` channel on a connection of its own
(`bithumb/depth_stream.py`: BTC/ETH/XRP and the coins whose spread was asked), its
`/v1/orderbook` (30 levels) over REST when not streamed or stale. The transfer-aware premium on
Bithumb (`fetch(coins, Venue.BITHUMB)`) reads Bithumb's KRW books the same way: streamed when
fresh (the headline coins and the coins whose spread was asked), else `/v1/orderbook` for all
missing markets in one request, KRW-USDT included.

Only `core.depth.BookDepth` leaves this module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import aiohttp
from loguru import logger

from core.clock import Clock
from core.depth import BookDepth, DepthError
from core.market import StreamStatus
from core.symbols import Symbol, Venue
from exchanges.binance.depth_stream import BinanceDepthStream
from exchanges.binance.rest_quotes import parse_binance_depth
from exchanges.binance.stream import binance_runner_config
from exchanges.bithumb.depth_stream import BithumbDepthStream
from exchanges.bithumb.stream import bithumb_runner_config
from exchanges.http import FeedError, SessionHolder, get_json
from exchanges.quotation.books import parse_depth
from exchanges.upbit.depth_stream import UpbitDepthStream
from exchanges.upbit.rest_quotes import BATCH
from exchanges.upbit.stream import upbit_runner_config
from exchanges.ws_runner import WsRunner

BINANCE_LEVELS = 20
MAX_COINS = 20  # per question: Binance's REST books are one request each
ALWAYS = ("BTC", "ETH", "XRP")  # the headline coins are always streamed


class DepthClient:
    """Both venues' books for a few coins; owns its session unless one is handed in."""

    def __init__(
        self,
        upbit_url: str,
        binance_url: str,
        clock: Clock,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
        upbit_ws: str | None = None,
        binance_ws: str | None = None,
        max_age: float = 5.0,
        bithumb_url: str | None = None,
        bithumb_ws: str | None = None,
    ) -> None:
        self._upbit = upbit_url.rstrip("/")
        self._bithumb = bithumb_url.rstrip("/") if bithumb_url else None
        self._binance = binance_url.rstrip("/")
        self._clock = clock
        self._http = SessionHolder(session)
        self._timeout = timeout
        self.max_age = max_age
        self.streamed: dict[tuple[Venue, str], BookDepth] = {}  # (venue, base) -> newest
        self.rest_reads = 0
        self.asked = asyncio.Event()  # set by the first question: no connection before it
        self.upbit_stream = UpbitDepthStream(upbit_ws, self._keep) if upbit_ws else None
        self.binance_stream = BinanceDepthStream(binance_ws, self._keep) if binance_ws else None
        self.bithumb_stream = (
            BithumbDepthStream(bithumb_ws, self._keep) if bithumb_ws and bithumb_url else None
        )
        self._spread_coins: list[str] = []  # the coins whose spread was asked, newest first
        self.watch([])

    async def close(self) -> None:
        await self._http.close()

    # ------------------------------------------------------------------ streams
    def _keep(self, book: BookDepth) -> None:
        self.streamed[(book.instrument.venue, book.instrument.symbol.base)] = book

    def watch(self, coins: Sequence[str]) -> None:
        """Stream these coins' books (plus the headline coins) from now on."""
        wanted = list(dict.fromkeys([*ALWAYS, *(c.upper() for c in coins[:MAX_COINS])]))
        wanted = [c for c in wanted if c != "USDT"]
        if self.upbit_stream is not None:
            self.upbit_stream.set_codes(["KRW-USDT", *(f"KRW-{c}" for c in wanted)])
        if self.binance_stream is not None:
            self.binance_stream.set_symbols([Symbol(c, "USDT") for c in wanted])
        # Bithumb's codes: the headline coins and the coins whose spread was asked (all listed
        # there: the spread is only asked of coins priced on both venues).
        spread = list(dict.fromkeys([*ALWAYS, *self._spread_coins]))
        if self.bithumb_stream is not None:
            self.bithumb_stream.set_codes([f"KRW-{c}" for c in spread])
        keep = {(Venue.UPBIT, "USDT")} | {
            (v, c) for c in wanted for v in (Venue.UPBIT, Venue.BINANCE_SPOT)
        }
        keep |= {(v, c) for c in spread for v in (Venue.UPBIT, Venue.BITHUMB)}
        self.streamed = {k: b for k, b in self.streamed.items() if k in keep}

    def runners(self, clock: Clock, stale_after: float = 30.0) -> list[WsRunner]:
        """The depth connections (their up/down is logged, not published: a depth connection
        down must not mark the venue's prices down). Run them with `run_when_asked`."""

        def status(st: StreamStatus) -> None:
            logger.info("kimp depth stream {}: {} ({})", st.connection, st.state.value, st.reason)

        out = []
        if self.upbit_stream is not None:
            cfg = upbit_runner_config(stale_after)
            out.append(WsRunner(self.upbit_stream, cfg, status, clock))
        if self.binance_stream is not None:
            cfg = binance_runner_config(stale_after)
            out.append(WsRunner(self.binance_stream, cfg, status, clock))
        if self.bithumb_stream is not None:
            cfg = bithumb_runner_config(stale_after)
            out.append(WsRunner(self.bithumb_stream, cfg, status, clock))
        return out

    def run_when_asked(self, runner: WsRunner) -> Callable[[], Awaitable[None]]:
        """`runner.run`, started only once a view has asked for depth: a service nobody asks
        opens no depth connection."""

        async def run() -> None:
            await self.asked.wait()
            await runner.run()

        return run

    def _fresh(self, venue: Venue, base: str) -> BookDepth | None:
        book = self.streamed.get((venue, base))
        if book is None or self._clock.now() - book.recv_ts > self.max_age:
            return None
        return book

    # ------------------------------------------------------------------ reads
    async def fetch(self, coins: Sequence[str], krw: Venue = Venue.UPBIT) -> list[BookDepth]:
        """Books of `coins` (KRW-<coin> on the KRW venue `krw`, Upbit or Bithumb, <coin>USDT on
        Binance) and that venue's KRW-USDT: streamed ones when fresh, the rest over REST;
        raises `DepthError` when a venue cannot be read (or Bithumb is not enabled). Upbit's
        and Binance's books of the coins asked about are streamed from now on."""
        wanted = [c.upper() for c in coins[:MAX_COINS]]
        if krw is Venue.BITHUMB and self._bithumb is None:
            raise DepthError("Bithumb is not enabled (BITHUMB_ENABLED)")
        if krw is Venue.UPBIT:  # Bithumb's stream keeps its own coins (the spread's)
            self.watch(wanted)
        self.asked.set()
        try:
            return await self._fetch(wanted, krw)
        except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DepthError(str(exc) or type(exc).__name__) from None

    async def _fetch(self, coins: list[str], krw: Venue) -> list[BookDepth]:
        out: list[BookDepth] = []
        missing: list[str] = []
        for base in ["USDT", *(c for c in coins if c != "USDT")]:
            book = self._fresh(krw, base)
            if book is not None:
                out.append(book)
            else:
                missing.append(f"KRW-{base}")
        session = self._http.get()
        if missing:
            base_url = self._bithumb if krw is Venue.BITHUMB else self._upbit
            url = f"{base_url}/v1/orderbook?markets={','.join(missing[:BATCH])}"
            self.rest_reads += 1
            out += parse_depth(await get_json(session, url, self._timeout), self._now(), krw)
        for coin in coins:
            book = self._fresh(Venue.BINANCE_SPOT, coin)
            if book is not None:
                out.append(book)
                continue
            url = f"{self._binance}/api/v3/depth?symbol={coin}USDT&limit={BINANCE_LEVELS}"
            try:
                self.rest_reads += 1
                data = await get_json(session, url, self._timeout)
                out.append(parse_binance_depth(data, Symbol(coin, "USDT"), self._now()))
            except FeedError:
                continue  # one coin's bad answer (delisted meanwhile) must not hide the others
        return out

    async def spread_books(self, coin: str) -> dict[Venue, BookDepth]:
        """`coin`'s books on both KRW venues (Upbit, and Bithumb when enabled): streamed when
        fresh, else over REST. A venue that cannot be read is left out (the spread then walks
        its top of book), so this never raises. The coin's books are streamed from now on."""
        coin = coin.upper()
        if coin not in self._spread_coins:
            self._spread_coins = [coin, *self._spread_coins][:MAX_COINS]
            self.watch(self._watched())
        self.asked.set()
        out: dict[Venue, BookDepth] = {}
        for venue, base in ((Venue.UPBIT, self._upbit), (Venue.BITHUMB, self._bithumb)):
            if base is None:
                continue
            book = self._fresh(venue, coin)
            if book is None:
                url = f"{base}/v1/orderbook?markets=KRW-{coin}"
                try:
                    self.rest_reads += 1
                    data = await get_json(self._http.get(), url, self._timeout)
                    book = next(iter(parse_depth(data, self._now(), venue)), None)
                except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                    logger.info("spread depth: {} {} unreadable ({})", venue, coin, exc)
            if book is not None:
                out[venue] = book
        return out

    def _watched(self) -> list[str]:
        """The coins the Upbit stream carries now (kept when the spread's coins change)."""
        if self.upbit_stream is None:
            return []
        return [c.removeprefix("KRW-") for c in self.upbit_stream.codes if c != "KRW-USDT"]

    def _now(self) -> float:
        return self._clock.now()
