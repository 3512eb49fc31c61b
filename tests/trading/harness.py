"""Build a real OrderService (paper or live brokers) for tests; no mocks of our code."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bot.domain.clock import SystemClock
from bot.domain.market import Quote
from bot.domain.notifications import Notification
from bot.domain.symbols import Instrument, Symbol, Venue
from bot.events import EventBus
from bot.storage import Database
from bot.trading.broker import Broker
from bot.trading.executor import OrderService
from bot.trading.paper import PaperBroker
from bot.trading.prices import PriceBook
from bot.trading.risk import RiskLimits, RiskManager
from bot.trading.store import TradingStore
from bot.trading.tracker import OrderTracker


@dataclass
class Env:
    svc: OrderService
    tracker: OrderTracker
    bus: EventBus
    db: Database
    notes: list[Notification]
    stale: set[Venue] = field(default_factory=set)

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
) -> AsyncIterator[Env]:
    prices = prices or PriceBook()
    brokers = brokers if brokers is not None else paper_brokers(prices)
    bus = EventBus()
    notes: list[Notification] = []
    stale: set[Venue] = set()
    clock = SystemClock()
    async with Database.open(db_path) as db:
        risk = RiskManager(
            limits or RiskLimits(max_order_krw=Decimal(50_000_000), max_position_pct=Decimal(90)),
            clock,
            notify=notes.append,
            is_stale=stale.__contains__,
        )
        svc = OrderService(
            TradingStore(db),
            risk,
            brokers,
            prices,
            bus=bus,
            notify=notes.append,
            clock=clock,
            paper=paper,
            unknown_grace=unknown_grace,
        )
        tracker = OrderTracker(svc, clock, min_interval=0.05, max_interval=0.3)
        for b in brokers.values():
            await b.start()
        tasks = [
            asyncio.create_task(tracker.run_market(bus)),
            asyncio.create_task(tracker.run_updates()),
        ]
        await svc.load()
        tasks.append(asyncio.create_task(tracker.run_polling()))
        try:
            yield Env(svc, tracker, bus, db, notes, stale)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for b in brokers.values():
                await b.close()
