"""Fill detection and order follow-up.

- `run_updates`: applies pushed updates (paper fills) in order, and books what the venue did
  on its own (`on_account`: liquidation / ADL fills from the futures user stream).
- `on_account`: the private streams' doorbells (Binance spot WebSocket API, USDⓈ-M user stream):
  an order touched wakes the poller at once, a balance change marks that venue's balances stale.
- `run_positions`: compares the venue's futures positions with ours (periodically, and soon
  after an account update) and adopts a difference that persists (changed outside the service).
- `run_polling`: polls every open order by client id with backoff (fast after activity, up to
  `max_interval` when nothing moves), settles INTENT orders left by a crash or timeout, and
  refreshes balances that fills made stale.
- `run_market`: feeds live market data from the bus into the price book and the paper brokers.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from loguru import logger

from core import numbers
from core.account import AccountChanged, AccountEvent, BalancesChanged, ForcedFill, OrderTouched
from core.broker import VenueOrder
from core.clock import Clock
from core.errors import NotFound, TradingError
from core.events import EventBus
from core.market import MarkPrice, Quote, Ticker, Trade
from core.notifications import Notification, NotificationKind
from core.orders import OrderStatus, OrderType
from core.symbols import Instrument, Venue
from core.text import Text
from trading.executor import OrderService
from trading.ledger import FUNDING
from trading.paper import PaperBroker
from trading.reconcile import book_outside

ZERO = Decimal(0)


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
        self._updates: asyncio.Queue[VenueOrder | ForcedFill | AccountChanged] = asyncio.Queue()
        self._account = asyncio.Event()
        self._suspect: dict[Instrument, Decimal] = {}
        self._wake = asyncio.Event()
        svc.on_change = self._wake.set
        for broker in svc.brokers.values():
            broker.set_listener(self.push)
        self.polls = 0
        self.rung = 0  # private-stream events received (doorbells)
        self._touched: set[str] = set()  # client ids a stream rang for, polled first

    def push(self, vo: VenueOrder) -> None:
        self._updates.put_nowait(vo)

    def wake(self) -> None:
        self._wake.set()

    def on_account(self, ev: AccountEvent) -> None:
        """A private-stream event (`exchanges.binance.user_stream`,
        `.spot_user_stream`, `exchanges.upbit.private_stream`).

        Every event wakes the poller, which then queries the open orders at once (the stream
        rings, the venue's order record decides)."""
        if isinstance(ev, OrderTouched):
            self._touched.add(ev.client_id)
        elif isinstance(ev, ForcedFill):
            self._updates.put_nowait(ev)
        elif isinstance(ev, AccountChanged):
            if ev.reason == FUNDING:
                self._updates.put_nowait(ev)  # booked in order with the fills
            if ev.positions:
                self._account.set()
        elif isinstance(ev, BalancesChanged) and ev.venue in self.svc.brokers:
            self.svc.dirty.add(ev.venue)
        self.rung += 1
        self._wake.set()

    async def run_updates(self) -> None:
        while True:
            vo = await self._updates.get()
            try:
                if isinstance(vo, ForcedFill):
                    await self.svc.book_forced(vo)
                elif isinstance(vo, AccountChanged):
                    await self.svc.book_funding(vo)
                else:
                    await self.svc.apply(vo.client_id, vo)
            except Exception:
                what = (
                    vo.fill.client_id
                    if isinstance(vo, ForcedFill)
                    else vo.reason
                    if isinstance(vo, AccountChanged)
                    else vo.client_id
                )
                logger.exception("applying the update of {} failed", what)
            self._wake.set()

    async def run_polling(self) -> None:
        interval = self.min_interval
        while True:
            # cleared before the pass, not after: a doorbell that rings while we poll must
            # start the next pass at once, not wait out the interval
            self._wake.clear()
            changed = await self.poll_once()
            interval = self.min_interval if changed else min(interval * 1.5, self.max_interval)
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
        touched, self._touched = self._touched, set()
        # the orders a stream rang for first, balances last: each request waits its turn in
        # the venue's rate limiter, and the fill is what the user is waiting to hear about
        stored_orders = sorted(
            await self.svc.store.open_orders(self.svc.paper),
            key=lambda s: s.order.client_id not in touched,
        )
        for stored in stored_orders:
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
        for venue in list(self.svc.dirty):
            await self.svc.refresh_balances(venue)
        return changed

    async def run_positions(self, interval: float = 60.0, settle: float = 2.0) -> None:
        """Position reconciliation: every `interval`, and `settle` s after an account update."""
        while True:
            try:
                async with asyncio.timeout(interval):
                    await self._account.wait()
                await asyncio.sleep(settle)  # let the tracker book our own fills first
            except TimeoutError:
                pass
            self._account.clear()
            try:
                await self.check_positions()
            except TradingError as exc:
                logger.warning("position check: {}", exc.reason)

    async def check_positions(self) -> list[Instrument]:
        """Adopt the venue's futures positions where they differ from ours twice in a row with
        none of our orders open or in flight on them (so our own fills are never mistaken for
        outside changes); notify each. Returns the instruments adopted."""
        broker = self.svc.brokers.get(Venue.BINANCE_FUTURES)
        if broker is None:
            return []
        theirs = {p.instrument: p for p in await broker.positions()}
        busy = {
            s.order.instrument
            for s in await self.svc.store.open_orders(self.svc.paper)
            if s.order.client_id in self.svc.inflight
            or s.order.type not in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
        }
        ours = {i: p for i, p in self.svc.positions.items() if i.venue is Venue.BINANCE_FUTURES}
        adopted: list[Instrument] = []
        seen: dict[Instrument, Decimal] = {}
        for inst in set(ours) | set(theirs):
            mine = ours[inst].qty if inst in ours else ZERO
            real = theirs[inst].qty if inst in theirs else ZERO
            if mine == real or inst in busy:
                continue
            if self._suspect.get(inst) != real:
                seen[inst] = real  # first sighting: our own fill may not be booked yet
                continue
            if await book_outside(self.svc, inst, mine, real):
                mine = self.svc.positions[inst].qty if inst in self.svc.positions else ZERO
                adopted.append(inst)
                if mine == real:
                    continue
            entry = theirs[inst].entry_price if inst in theirs else ZERO
            await self.svc.store.set_position_qty(
                inst, self.svc.paper, real, entry, self.clock.now()
            )
            pos = await self.svc.store.position(inst, self.svc.paper)
            if pos is not None:
                self.svc.positions[inst] = pos
            self.svc.notify(
                Notification(
                    NotificationKind.RISK,
                    Text.of("account.position_changed", venue=inst.venue, symbol=inst.symbol,
                            ours=numbers.quantity(mine), real=numbers.quantity(real)),
                )
            )  # fmt: skip
            if inst not in adopted:
                adopted.append(inst)
        self._suspect = seen
        if seen:
            self._account.set()  # look again soon
        return adopted

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
