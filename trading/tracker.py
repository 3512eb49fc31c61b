"""Fill detection and order follow-up.

- `run_updates`: applies pushed updates (paper fills, futures user-data stream) in order.
- `run_polling`: polls every open order by client id with backoff (fast after activity, up to
  `max_interval` when nothing moves), settles INTENT orders left by a crash or timeout, and
  refreshes balances that fills made stale.
- `run_market`: feeds live market data from the bus into the price book and the paper brokers.
"""

from __future__ import annotations

import asyncio

from loguru import logger

from core.broker import VenueOrder
from core.clock import Clock
from core.errors import NotFound, TradingError
from core.events import EventBus
from core.market import MarkPrice, Quote, Ticker, Trade
from core.orders import OrderStatus, OrderType
from trading.executor import OrderService
from trading.paper import PaperBroker


class OrderTracker:
    def __init__(
        self,
        svc: OrderService,
        clock: Clock,
        *,
        min_interval: float = 0.25,
        max_interval: float = 5.0,
    ) -> None:
        self.svc = svc
        self.clock = clock
        self.min_interval = min_interval
        self.max_interval = max_interval
        self._updates: asyncio.Queue[VenueOrder] = asyncio.Queue()
        self._wake = asyncio.Event()
        svc.on_change = self._wake.set
        for broker in svc.brokers.values():
            broker.set_listener(self.push)
        self.polls = 0

    def push(self, vo: VenueOrder) -> None:
        self._updates.put_nowait(vo)

    def wake(self) -> None:
        self._wake.set()

    async def run_updates(self) -> None:
        while True:
            vo = await self._updates.get()
            try:
                await self.svc.apply(vo.client_id, vo)
            except Exception:
                logger.exception("applying the update of {} failed", vo.client_id)
            self._wake.set()

    async def run_polling(self) -> None:
        interval = self.min_interval
        while True:
            changed = await self.poll_once()
            interval = self.min_interval if changed else min(interval * 1.5, self.max_interval)
            self._wake.clear()
            try:
                async with asyncio.timeout(interval):
                    await self._wake.wait()
                interval = self.min_interval
            except TimeoutError:
                pass

    async def poll_once(self) -> bool:
        """One pass over open orders; True when something changed."""
        self.polls += 1
        changed = False
        for venue in list(self.svc.dirty):
            await self.svc.refresh_balances(venue)
        for stored in await self.svc.store.open_orders(self.svc.paper):
            order = stored.order
            broker = self.svc.brokers.get(order.instrument.venue)
            if broker is None or order.client_id in self.svc.inflight:
                continue
            if order.status is OrderStatus.INTENT:
                if self.clock.now() - order.created_ts >= self.svc.unknown_grace / 2:
                    vo = await self.svc.resolve(order)
                    if vo is not None:
                        await self.svc.apply(order.client_id, vo)
                    changed = True
                continue
            conditional = order.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
            try:
                vo = await broker.fetch(order.instrument.symbol, order.client_id, conditional)
            except NotFound:
                logger.warning("{} vanished from {}", order.client_id, broker.venue.label)
                continue
            except TradingError as exc:
                logger.warning("polling {}: {}", order.client_id, exc.reason)
                continue
            if await self.svc.apply(order.client_id, vo) is not None:
                changed = True
        return changed

    async def run_market(self, bus: EventBus) -> None:
        sub = bus.subscribe("trading-prices", Quote, Ticker, Trade, MarkPrice, conflate=False)
        papers = [b for b in self.svc.brokers.values() if isinstance(b, PaperBroker)]
        try:
            while True:
                ev = await sub.get()
                self.svc.prices.on_event(ev)
                for p in papers:
                    p.on_market(ev)
        finally:
            bus.unsubscribe(sub)
