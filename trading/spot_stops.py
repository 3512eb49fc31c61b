"""Venue-side stop-losses for Binance spot holdings.

Upbit has no stop order, so its stops are held by the service (`bot/notify/stop_watch.py`).
Binance spot has one (STOP_LOSS: a market sell once a trade prints at or below the stop), so a
Binance spot buy that comes with a stop gets it on the venue:

1. before the buy is sent, its level is written under `spotstop:<entry id>` (an absolute price,
   or `pct:<n>` below the average fill price, what bots use);
2. once the buy has filled, the level becomes the holding's protection spec
   (`trading.protection`, venue BINANCE_SPOT), still before any stop is sent;
3. the protection check places one STOP_MARKET sell for the whole holding through the order
   service (intent written first, our client id), as a child of the entry.

The check runs after every Binance spot fill, at start-up (`resume`) and periodically (`run`),
so a crash between the buy's fill and the stop's send, or a stop cancelled behind our back, is
repaired and the user told for how long the holding was unprotected. A stop locks the coins it
would sell, so every exit of ours goes through `sell`: the stop is cancelled first, and the next
check places one sized to what is left (none once the holding is gone).
"""

from __future__ import annotations

from decimal import Decimal

from loguru import logger

from core.market import Side
from core.orders import Order, OrderRequest, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Venue
from trading.executor import OrderService, SubmitResult, new_client_id
from trading.protection import Protection, is_protective

VENUE = Venue.BINANCE_SPOT
_PCT = "pct:"


def stop_level(price: Decimal, pct: Decimal) -> Decimal:
    """The stop `pct` percent below a long holding's average entry `price` (validation rounds
    it to the tick)."""
    return price * (1 - pct / 100)


class SpotStops:
    def __init__(self, svc: OrderService, kv: KeyValueStore) -> None:
        self.svc = svc
        self.kv = kv
        self.protection = Protection(svc, kv, venue=VENUE)
        svc.listeners.append(self._on_order)

    async def buy(
        self,
        req: OrderRequest,
        *,
        stop_loss: Decimal | None = None,
        stop_loss_pct: Decimal | None = None,
    ) -> SubmitResult:
        """A Binance spot buy whose holding keeps a stop-loss on the venue once it fills."""
        assert req.instrument.venue is VENUE and req.side is Side.BUY
        cid = new_client_id(self.svc.paper)
        pos = self.svc.positions.get(req.instrument)
        if pos is None or pos.qty <= 0:
            await self.protection.forget(req.instrument)  # a fresh holding: no older level
        key = f"spotstop:{cid}"
        if stop_loss is not None:
            await self.kv.set(key, str(stop_loss))
        elif stop_loss_pct is not None:
            await self.kv.set(key, f"{_PCT}{stop_loss_pct}")
        res = await self.svc.submit(req, client_id=cid)
        if not res.accepted and (res.order is None or res.order.status is OrderStatus.REJECTED):
            await self.kv.set(key, "")
        return res

    async def sell(self, req: OrderRequest) -> SubmitResult:
        """An exit of ours: the holding's stop cancelled first (it locks the coins), then the
        sell; afterwards the check re-sizes the stop to what is left."""
        assert req.instrument.venue is VENUE and req.side is Side.SELL
        async with self.protection.hold():  # no check re-places the stop in between
            await self.release(req.instrument)
            res = await self.svc.submit(req)
        await self.protection.check(req.instrument, announce=False)
        return res

    async def release(self, inst: Instrument) -> None:
        for stored in await self.svc.store.open_orders(self.svc.paper):
            o = stored.order
            if o.instrument == inst and is_protective(o, VENUE):
                res = await self.svc.cancel(o.client_id)
                if not res.accepted:
                    logger.warning("{}: stop {} not cancelled: {}", inst, o.client_id, res.reason)

    async def resume(self) -> None:
        """After a restart (and the start-up reconciliation): adopt the levels of buys that
        filled while we were down, then check every holding's stop."""
        for stored in await self.svc.store.recent_orders(200, self.svc.paper):
            o = stored.order
            if o.instrument.venue is VENUE and o.status is OrderStatus.FILLED:
                await self._adopt(o)
        await self.protection.check(announce=True)

    async def run(self, interval: float = 30.0) -> None:
        """The periodic check (a supervised component)."""
        await self.protection.run(interval)

    async def protective_ids(self) -> set[str]:
        return await self.protection.protective_ids()

    async def _on_order(self, order: Order) -> None:
        if order.instrument.venue is not VENUE or order.status is not OrderStatus.FILLED:
            return
        if order.type is OrderType.MARKET and order.side is Side.BUY:
            await self._adopt(order)
        # After every fill (a buy, a sell, the stop itself): the stop matches the holding.
        await self.protection.check(order.instrument, announce=False, busy_ok=True)

    async def _adopt(self, entry: Order) -> None:
        key = f"spotstop:{entry.client_id}"
        raw = await self.kv.get(key)
        if not raw:
            return
        if raw.startswith(_PCT):
            price = entry.avg_price or await self._average(entry)
            if price is None:
                logger.error("{}: no fill price yet, its stop {} waits", entry.client_id, raw)
                return  # kept: adopted at the next fill or start, once the price is known
            level = stop_level(price, Decimal(raw.removeprefix(_PCT)))
        else:
            level = Decimal(raw)
        await self.protection.adopt(entry, str(level), "")
        await self.kv.set(key, "")

    async def _average(self, entry: Order) -> Decimal | None:
        rows = await self.svc.store.fills_of(entry.client_id)
        qty = sum((r.fill.qty for r in rows), Decimal(0))
        if qty <= 0:
            return None
        return sum((r.fill.qty * r.fill.price for r in rows), Decimal(0)) / qty
