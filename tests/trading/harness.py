"""Build a real OrderService (paper or live brokers) for tests; no mocks of our code."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from bot.i18n import Messages
from core.broker import Broker
from core.clock import SystemClock
from core.errors import Rejected
from core.events import EventBus
from core.market import Quote
from core.notifications import Notification
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.executor import OrderService, SubmitResult
from trading.futures import FuturesManager
from trading.paper import PaperBroker
from trading.prices import PriceBook
from trading.provider import TradingProvider
from trading.risk import RiskLimits, RiskManager
from trading.store import TradingStore
from trading.tracker import OrderTracker

# The order layer answers and notifies with `Text`; the app words it (here in English, as the
# notifier and the commands do).
EN = Messages("en")


def en(text: str | Text) -> str:
    return EN.render(text)


def worded(res: SubmitResult) -> SubmitResult:
    """A result with its reason worded, as a command shows it."""
    return replace(res, reason=EN.render(res.reason))


def collect(notes: list[Notification]) -> Callable[[Notification], None]:
    """A notify function keeping each notification worded, as the notifier queues it."""
    return lambda n: notes.append(replace(n, text=EN.render(n.text)))


def worded_refusals[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` raising its `Rejected` with the reason worded (pytest's `match` reads `str(exc)`)."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Rejected as exc:
            raise Rejected(EN.render(exc.reason)) from None

    return call


@dataclass
class Env:
    svc: OrderService
    tracker: OrderTracker
    bus: EventBus
    db: Database
    notes: list[Notification]
    stale: set[Venue] = field(default_factory=set)

    def provider(self) -> TradingProvider:
        """The facade provider over this order layer (bots take their gateway from it)."""
        kv = KeyValueStore(self.db)
        return TradingProvider(self.svc, FuturesManager(self.svc, kv), kv, EN.render)

    def quote(self, venue: Venue, sym: str, bid: float, ask: float) -> None:
        inst = Instrument(venue, Symbol.parse(sym))
        now = time.time()
        self.bus.publish(Quote(inst, bid, 1.0, ask, 1.0, int(now * 1000), now))


def paper_brokers(prices: PriceBook, slippage_bps: float = 5.0) -> dict[Venue, Broker]:
    clock = SystemClock()
    return {
        Venue.UPBIT: PaperBroker(
            Venue.UPBIT,
            prices,
            clock,
            balances={"KRW": Decimal(10_000_000)},
            slippage_bps=slippage_bps,
        ),
        Venue.BINANCE_SPOT: PaperBroker(
            Venue.BINANCE_SPOT,
            prices,
            clock,
            balances={"USDT": Decimal(10_000)},
            slippage_bps=slippage_bps,
        ),
        Venue.BINANCE_FUTURES: PaperBroker(
            Venue.BINANCE_FUTURES,
            prices,
            clock,
            balances={"USDT": Decimal(10_000)},
            slippage_bps=slippage_bps,
        ),
    }


@asynccontextmanager
async def trading_env(
    db_path: Path,
    brokers: dict[Venue, Broker] | None = None,
    *,
    paper: bool = True,
    prices: PriceBook | None = None,
    unknown_grace: float = 3.0,
    limits: RiskLimits | None = None,
    poll: bool = True,
    bus: EventBus | None = None,
) -> AsyncIterator[Env]:
    """`poll=False`: no polling task (start-up reconciliation tests run it themselves, as the
    installer does, before polling starts)."""
    prices = prices or PriceBook()
    brokers = brokers if brokers is not None else paper_brokers(prices)
    bus = bus or EventBus()
    notes: list[Notification] = []
    stale: set[Venue] = set()
    clock = SystemClock()
    async with Database.open(db_path) as db:
        risk = RiskManager(
            limits or RiskLimits(max_order_krw=Decimal(50_000_000), max_position_pct=Decimal(90)),
            clock,
            notify=collect(notes),
            is_stale=stale.__contains__,
        )
        svc = OrderService(
            TradingStore(db),
            risk,
            brokers,
            prices,
            bus=bus,
            notify=collect(notes),
            clock=clock,
            paper=paper,
            unknown_grace=unknown_grace,
            render=EN.render,
        )
        tracker = OrderTracker(svc, clock, min_interval=0.05, max_interval=0.3)
        for b in brokers.values():
            await b.start()
        tasks = [
            asyncio.create_task(tracker.run_market(bus)),
            asyncio.create_task(tracker.run_updates()),
        ]
        await svc.load()
        if poll:
            tasks.append(asyncio.create_task(tracker.run_polling()))
        try:
            yield Env(svc, tracker, bus, db, notes, stale)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for b in brokers.values():
                await b.close()


def live_brokers(
    sim: object,
    timeout_s: float = 5.0,
    urls: dict[str, str] | None = None,
    *,
    bithumb: bool = False,
) -> dict[Venue, Broker]:
    """ccxt adapters pointed at a running SimExchange with its default keys (Bithumb's only
    when asked: each venue costs start-up requests)."""
    from core.clock import SystemClock
    from exchanges.brokers import (
        BinanceFuturesBroker,
        BinanceSpotBroker,
        BithumbBroker,
        UpbitBroker,
        make_exchange,
    )

    env = sim.env() | (urls or {})  # type: ignore[attr-defined]
    clock = SystemClock()
    out: dict[Venue, Broker] = {}
    specs = (
        (Venue.UPBIT, UpbitBroker, "UPBIT_ACCESS_KEY", "UPBIT_SECRET_KEY", "UPBIT_REST_URL"),
        (Venue.BINANCE_SPOT, BinanceSpotBroker, "BINANCE_API_KEY", "BINANCE_API_SECRET",
         "BINANCE_REST_URL"),
        (Venue.BINANCE_FUTURES, BinanceFuturesBroker, "BINANCE_API_KEY", "BINANCE_API_SECRET",
         "BINANCE_FUTURES_REST_URL"),
        (Venue.BITHUMB, BithumbBroker, "BITHUMB_ACCESS_KEY", "BITHUMB_SECRET_KEY",
         "BITHUMB_REST_URL"),
    )  # fmt: skip
    for venue, cls, key, secret, url in specs:
        if venue is Venue.BITHUMB and not bithumb:
            continue
        ex, gate = make_exchange(
            venue, api_key=env[key], secret=env[secret], rest_url=env[url], timeout_s=timeout_s
        )
        out[venue] = cls(venue, ex, gate, clock)
    return out


async def feed_quotes(sim: object, bus: EventBus, coins: tuple[str, ...] = ("BTC", "USDT")) -> None:
    """Publish the simulator's top of book as Quote events (stands in for the market-data
    feature, which the trading layer only sees through the bus)."""
    market = sim.market  # type: ignore[attr-defined]
    while True:
        now = time.time()
        for coin in coins:
            targets = [
                (Venue.UPBIT, "upbit", f"KRW-{coin}", Symbol(coin, "KRW")),
                (Venue.BITHUMB, "bithumb", f"KRW-{coin}", Symbol(coin, "KRW")),
            ]
            if coin != "USDT":
                targets += [
                    (Venue.BINANCE_SPOT, "binance", f"{coin}USDT", Symbol(coin, "USDT")),
                    (Venue.BINANCE_FUTURES, "binance_futures", f"{coin}USDT", Symbol(coin, "USDT")),
                ]
            for venue, key, market_id, sym in targets:
                book = market.book(key, market_id, depth=1)
                if book.bids and book.asks:
                    bus.publish(
                        Quote(
                            Instrument(venue, sym), float(book.bids[0][0]), float(book.bids[0][1]),
                            float(book.asks[0][0]), float(book.asks[0][1]), int(now * 1000), now,
                        )
                    )  # fmt: skip
        await asyncio.sleep(0.05)


class HoldingProxy:
    """A loopback TCP proxy that can hold the venue's next answer(s) back for a while.

    Used to produce "the order reached the venue, but its answer did not reach us in time":
    the request is forwarded at once (so the venue places the order), the response is held.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._hold: list[float] = []

    def hold_next_response(self, seconds: float) -> None:
        self._hold.append(seconds)

    async def __aenter__(self) -> HoldingProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _client(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        ur, uw = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        up = asyncio.create_task(self._pump(cr, uw, hold=False))
        down = asyncio.create_task(self._pump(ur, cw, hold=True))
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        for t in (up, down):
            t.cancel()
        await asyncio.gather(up, down, return_exceptions=True)
        for w in (cw, uw):
            w.close()

    async def _pump(self, r: asyncio.StreamReader, w: asyncio.StreamWriter, hold: bool) -> None:
        while data := await r.read(65536):
            if hold and self._hold:
                await asyncio.sleep(self._hold.pop(0))
            w.write(data)
            await w.drain()
