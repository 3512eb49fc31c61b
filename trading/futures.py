"""USDT-M futures on top of the OrderService: leverage, margin type, entries with SL/TP.

An entry is a market order; its stop/take-profit levels are kept in the kv table
(`bracket:<entry id>`) before it is sent. Once it has filled, the levels become the position's
protection spec (`trading.protection`, written before any protective order is sent), and the
protection check places a STOP_MARKET and/or TAKE_PROFIT_MARKET reduce-only order for what is
uncovered (ccxt sends them to /fapi/v1/algoOrder), linked to the entry as children, through the
order service's crash-safe path. When one child fills, its sibling is cancelled. The same check
runs at start-up, after fills and periodically, so a crash anywhere between the entry fill and
the bracket placement is repaired, and the user told for how long the position was unprotected.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

from loguru import logger

from core.broker import EndedBy, MarginModes
from core.errors import TradingError
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.orders import Brackets, Order, OrderRequest, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.bracket_policy import BracketGuard, FailurePolicy
from trading.executor import OrderService, SubmitResult, new_client_id
from trading.protection import Protection

_CONDITIONAL = (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
_PCT = "pct:"  # kv bracket levels in percent of the entry price


def _levels(price: Decimal, entry: Order, sl_pct: str, tp_pct: str) -> tuple[str, str]:
    """Percent distances -> trigger prices around the entry's average fill `price` (rounded
    to the venue's tick by validation)."""
    sign = 1 if entry.side is Side.BUY else -1
    sl = price * (1 - sign * Decimal(sl_pct) / 100) if sl_pct else None
    tp = price * (1 + sign * Decimal(tp_pct) / 100) if tp_pct else None
    return ("" if sl is None else str(sl)), ("" if tp is None else str(tp))


class FuturesManager:
    def __init__(
        self,
        svc: OrderService,
        kv: KeyValueStore,
        *,
        default_leverage: int = 10,
        max_leverage: int = 20,
        margin_mode: str = "isolated",
        failure_policy: FailurePolicy = FailurePolicy.REPLACE_THEN_CLOSE,
    ) -> None:
        self.svc = svc
        self.kv = kv
        self.default_leverage = default_leverage
        self.max_leverage = max_leverage
        self.margin_mode = margin_mode
        self._leverage: dict[Symbol, int] = {}
        # One exit at a time per position: it reads the size, sends a reduce-only order and
        # waits for its fill to be booked, so exits racing (a manual sell, a bot's exit, the
        # bracket policy's close) add up to at most the position and never flip it.
        self._exit_locks: dict[Instrument, asyncio.Lock] = {}
        self._exit_holders: dict[Instrument, asyncio.Task[object] | None] = {}
        self.settle_wait = 10.0  # s an exit's order may take to be final before the next one
        self.guard = BracketGuard(
            svc, kv, failure_policy, lambda sym, bot, why: self.close(sym, bot=bot, reason=why)
        )
        self.protection = Protection(svc, kv, guard=self.guard)
        # Asked before a bracketed entry: why it may not join the symbol's position (a hedge's
        # leg there: one-way mode would merge them and the stop would close the leg too)
        self.entry_checks: list[Callable[[Symbol], Awaitable[Text | None]]] = []
        svc.listeners.append(self._on_order)

    async def ensure_leverage(self, symbol: Symbol, leverage: int) -> None:
        if self._leverage.get(symbol) == leverage:
            return
        broker = self.svc.brokers[Venue.BINANCE_FUTURES]
        await broker.set_leverage(symbol, leverage)
        if isinstance(broker, MarginModes):  # the paper broker has no margin modes
            await broker.set_margin_mode(symbol, self.margin_mode)
        self._leverage[symbol] = leverage

    async def open(
        self,
        symbol: Symbol,
        side: Side,
        qty: Decimal,
        *,
        leverage: int | None = None,
        stop_loss: Decimal | None = None,
        take_profit: Decimal | None = None,
        brackets: Brackets | None = None,
        bot: str | None = None,
        reason: str = "",
    ) -> SubmitResult:
        """Market entry; SL/TP follow once it fills. Refusals come back with a reason.

        Levels are absolute prices (`stop_loss`, `take_profit`) or distances in percent from the
        entry's average fill price (`brackets`, what bots use).
        """
        if Venue.BINANCE_FUTURES not in self.svc.brokers:
            return SubmitResult(False, Text.of("reason.futures_not_configured"))
        bracketed = (
            stop_loss is not None
            or take_profit is not None
            or (brackets is not None and bool(brackets.stop_loss_pct or brackets.take_profit_pct))
        )
        for check in self.entry_checks if bracketed else ():
            why = await check(symbol)
            if why is not None:
                return SubmitResult(False, why)
        lev = leverage or self.default_leverage
        if not 1 <= lev <= self.max_leverage:
            return SubmitResult(
                False, Text.of("reason.leverage_range", lev=lev, max=self.max_leverage)
            )
        try:
            await self.ensure_leverage(symbol, lev)
        except TradingError as exc:
            return SubmitResult(
                False, Text.of("reason.leverage_failed", lev=lev, reason=exc.reason)
            )
        inst = Instrument(Venue.BINANCE_FUTURES, symbol)
        req = OrderRequest(
            inst, side, OrderType.MARKET, qty=qty, leverage=lev, bot=bot, reason=reason
        )
        cid = new_client_id(self.svc.paper)
        pos = self.svc.positions.get(inst)
        if pos is None or pos.qty == 0:
            await self.protection.forget(inst)  # a fresh position: no earlier levels apply
        if stop_loss is not None or take_profit is not None:
            await self.kv.set(f"bracket:{cid}", f"{stop_loss or ''},{take_profit or ''}")
        elif brackets is not None and (brackets.stop_loss_pct or brackets.take_profit_pct):
            sl, tp = brackets.stop_loss_pct or "", brackets.take_profit_pct or ""
            await self.kv.set(f"bracket:{cid}", f"{_PCT}{sl},{tp}")
        res = await self.svc.submit(req, client_id=cid)
        if not res.accepted:
            await self.kv.set(f"bracket:{cid}", "")
        return res

    async def close(
        self,
        symbol: Symbol,
        bot: str | None = None,
        qty: Decimal | None = None,
        reason: str = "",
        *,
        own_share: bool = False,
    ) -> SubmitResult:
        """Cancel the position's stop/take-profit orders, then close it (or `qty` of it) at
        market. No protection check runs in between; the one after puts back what a close that
        failed (or left part of the position) needs, so a part left open (the user's, beside a
        bot's) keeps its stop, resized to it. `own_share` (a bot's exit): close at most `bot`'s
        share of the position, read under the exit lock, never the user's part beside it."""
        inst = Instrument(Venue.BINANCE_FUTURES, symbol)
        # Always the protection lock first, then the position's exit lock: a protection check
        # holding the one may close a position (the failure policy) and so need the other.
        async with self.protection.hold(), self._exit_lock(inst):
            res = await self._close(inst, bot, qty, reason, own_share)
            await self._settle(res)
        await self.protection.check(inst, announce=False)
        return res

    async def reduce(
        self, symbol: Symbol, side: Side, qty: Decimal, reason: str
    ) -> SubmitResult | None:
        """A manual order that reduces the position: all of it through `close` (its stops
        cancelled first), part of it as a reduce-only order. Decided on the position as it is
        once the exits before it were booked. None when it does not reduce the position (any
        more): the caller decides whether that opens one."""
        inst = Instrument(Venue.BINANCE_FUTURES, symbol)
        async with self.protection.hold(), self._exit_lock(inst):
            pos = self.svc.positions.get(inst)
            if pos is None or pos.qty == 0 or (pos.qty > 0) == (side is Side.BUY):
                return None
            full = qty >= abs(pos.qty)
            if not full:
                req = OrderRequest(
                    inst, side, OrderType.MARKET, qty=qty, reason=reason, reduce_only=True
                )
                res = await self.svc.submit(req)
                await self._settle(res)
        if full:  # `close` takes the locks again and checks what a failed close left after it
            res = await self.close(symbol, reason=reason)
            pos = self.svc.positions.get(inst)
            if not res.accepted and (pos is None or pos.qty == 0):
                return None  # another exit got there first
            return res
        await self.protection.check(inst, announce=False)  # the stops, resized to what is left
        return res

    @contextlib.asynccontextmanager
    async def _exit_lock(self, inst: Instrument) -> AsyncIterator[None]:
        """Re-entrant for the task holding it: an exit's own order events run the listeners
        inline, and the bracket policy's close may come from there."""
        me = asyncio.current_task()
        if self._exit_holders.get(inst) is me:
            yield
            return
        async with self._exit_locks.setdefault(inst, asyncio.Lock()):
            self._exit_holders[inst] = me
            try:
                yield
            finally:
                self._exit_holders.pop(inst, None)

    async def _settle(self, res: SubmitResult) -> None:
        """Wait (briefly) until an exit's order is final, so its fill is in the position the
        next exit reads. A venue slower than `settle_wait` leaves it to reduce-only."""
        order = res.order
        waited = 0.0
        while res.accepted and order is not None and not order.status.is_final:
            if waited >= self.settle_wait:
                logger.warning("{}: exit {} not final yet", order.instrument, order.client_id)
                return
            self.svc.on_change()
            await self.svc.clock.sleep(0.05)
            waited += 0.05
            stored = await self.svc.store.get(order.client_id)
            order = stored.order if stored is not None else order

    async def _close(
        self, inst: Instrument, bot: str | None, qty: Decimal | None, reason: str, own: bool
    ) -> SubmitResult:
        if own and bot is not None:
            share = self.svc.share_of(inst, bot)
            if share == 0:  # checked before the stops are cancelled: the user's stay as they are
                return SubmitResult(
                    False, Text.of("reason.bot_nothing_to_sell", bot=bot, symbol=inst.symbol)
                )
            qty = abs(share) if qty is None else min(qty, abs(share))  # lot grid: validation
        for stored in await self.svc.store.open_orders(self.svc.paper):
            o = stored.order
            if o.instrument == inst and o.type in _CONDITIONAL:
                await self.svc.cancel(o.client_id)
        pos = self.svc.positions.get(inst)
        if pos is None or pos.qty == 0:
            return SubmitResult(False, Text.of("reason.no_futures_position", symbol=inst.symbol))
        side = Side.SELL if pos.qty > 0 else Side.BUY
        size = abs(pos.qty) if qty is None else min(qty, abs(pos.qty))
        req = OrderRequest(
            inst, side, OrderType.MARKET, qty=size, reduce_only=True, bot=bot,
            reason=reason or "close position",
        )  # fmt: skip
        return await self.svc.submit(req)

    async def resume(self) -> None:
        """After a restart (and the start-up reconciliation): adopt the brackets of entries that
        filled while we were down, then check every position's protection."""
        for stored in await self.svc.store.recent_orders(200, self.svc.paper):
            o = stored.order
            if o.status is OrderStatus.FILLED and await self.kv.get(f"bracket:{o.client_id}"):
                await self._adopt(o)
        await self.protection.check(announce=True)

    async def run_protection(self, interval: float = 30.0) -> None:
        """The periodic protection check (a supervised component)."""
        await self.protection.run(interval)

    # --- order listener ---------------------------------------------------------------------
    async def _on_order(self, order: Order) -> None:
        if order.instrument.venue is not Venue.BINANCE_FUTURES:
            return
        if order.type in _CONDITIONAL and order.reason in EndedBy.ALL and order.status.is_final:
            await self._bracket_ended(order)
            return
        if order.status is not OrderStatus.FILLED:
            return
        if order.type in _CONDITIONAL:
            await self._cancel_siblings(order)
            return
        if await self.kv.get(f"bracket:{order.client_id}"):
            await self._adopt(order)
        # After every fill: the position's protection matches its new size.
        await self.protection.check(order.instrument, announce=False, busy_ok=True)

    async def _adopt(self, entry: Order) -> None:
        """The entry's levels become its position's protection spec (before anything is sent;
        the kv bracket is cleared only once the spec is written)."""
        key = f"bracket:{entry.client_id}"
        raw = await self.kv.get(key)
        if not raw:
            return
        sl_s, _, tp_s = raw.removeprefix(_PCT).partition(",")
        if raw.startswith(_PCT):
            price = entry.avg_price or await self._average(entry)
            if price is None:  # never silently without its bracket
                logger.error("{}: no fill price, its brackets {} not placed", entry, raw)
                self.svc.notify(
                    Notification(
                        NotificationKind.RISK,
                        Text.of(
                            "risk.no_bracket", symbol=entry.instrument.symbol,
                            what=Text.of("risk.bracket.both"),
                            reason=Text.of("bracket.why.no_average"),
                        ),
                        dedup_key=f"no-average-{entry.client_id}",
                    )
                )  # fmt: skip
                return  # kept: adopted at the next start, once the venue gives the price
            sl_s, tp_s = _levels(price, entry, sl_s, tp_s)
        await self.protection.adopt(entry, sl_s, tp_s)
        await self.kv.set(key, "")

    async def _average(self, entry: Order) -> Decimal | None:
        """The entry's average fill price from its recorded fills (the venue's reply may not
        carry one: the 2026 USDⓈ-M new-order reply has no `avgPrice`)."""
        rows = await self.svc.store.fills_of(entry.client_id)
        qty = sum((r.fill.qty for r in rows), Decimal(0))
        if qty <= 0:
            return None
        return sum((r.fill.qty * r.fill.price for r in rows), Decimal(0)) / qty

    async def _bracket_ended(self, order: Order) -> None:
        """The venue ended a stop-loss / take-profit without executing it: if its position is
        still open, the failure policy runs (`trading.bracket_policy`)."""
        inst = order.instrument
        spec = await self.protection.spec(inst)
        pos = self.svc.positions.get(inst)
        if spec is None or pos is None or pos.qty == 0 or (pos.qty > 0) != (spec.side is Side.BUY):
            return  # nothing left to protect (a reduce-only stop expires with its position)
        if not await self._open_on_venue(inst, spec.side):
            return  # closed there (its sibling filled): our book catches up, no false alarm
        if order.reason == EndedBy.STUCK:
            await self._cancel_on_venue(order)  # so it cannot fire later beside its successor
        why = Text.of(f"bracket.why.{order.reason}")
        if await self.guard.failed(inst, order.type, spec.bot, why):
            await self.protection.check(inst, announce=False, busy_ok=True)

    async def _open_on_venue(self, inst: Instrument, side: Side) -> bool:
        """The venue still holds the position on `side` (True when it cannot tell: better a
        needless alert than a silent unprotected position)."""
        try:
            theirs = await self.svc.brokers[inst.venue].positions()
        except TradingError as exc:
            logger.warning("{}: venue position not checked: {}", inst, exc.reason)
            return True
        qty = next((p.qty for p in theirs if p.instrument == inst), Decimal(0))
        return qty != 0 and (qty > 0) == (side is Side.BUY)

    async def _cancel_on_venue(self, order: Order) -> None:
        broker = self.svc.brokers[order.instrument.venue]
        try:
            await broker.cancel(order.instrument.symbol, order.client_id, True)
        except TradingError as exc:  # the venue may no longer let it be cancelled
            logger.warning("{} (stuck) not cancelled: {}", order.client_id, exc.reason)

    async def _cancel_siblings(self, child: Order) -> None:
        stored = await self.svc.store.get(child.client_id)
        if stored is None or stored.parent_client_id is None:
            return
        for sib in await self.svc.store.children(stored.parent_client_id):
            if sib.order.client_id != child.client_id and not sib.order.status.is_final:
                res = await self.svc.cancel(sib.order.client_id)
                logger.info(
                    "{} filled: sibling {} cancel -> {}",
                    child.client_id,
                    sib.order.client_id,
                    "ok" if res.accepted else res.reason,
                )
