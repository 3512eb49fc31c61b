"""The OrderService: every order (strategy signal or Telegram command) goes through `submit`.

Crash-safe order flow:
1. validate and risk-check (nothing written, nothing sent; a refusal says why);
2. write the order as INTENT under our own client id (newClientOrderId / identifier);
3. send it; on an acknowledgement record its state and fills;
4. on a timeout or any unknown outcome, look the order up by that client id until the venue
   answers or the grace period (longer than Binance's recvWindow) passes: never resend blindly.
Fills are recorded once per (venue, fill_id) together with the position; an order only becomes
final after its fills are recorded, so a crash at any point is repaired by `reconcile()`.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

from loguru import logger

from core.broker import Broker, PlaceRequest, VenueOrder
from core.clock import Clock
from core.errors import Fatal, NotFound, Rejected, Retryable, TradingError
from core.events import EventBus
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.orders import Fill, Order, OrderRequest, OrderStatus, OrderType, Position
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.pnl import day_start
from trading.prices import PriceBook
from trading.risk import Exposure, RiskManager
from trading.store import TradingStore
from trading.validation import Funds, ValidatedOrder, fmt, validate

# Test-only crash hook (tests/trading/test_crash.py): with KIMP_TEST_CRASH_AT set to one of
# these, the process dies there as abruptly as a SIGKILL would (no clean-up, no flush):
# after_intent: intent written, nothing sent; after_send: the venue acknowledged, nothing
# recorded; after_fill_before_record: the venue reported a fill, not yet recorded.
CRASH_ENV = "KIMP_TEST_CRASH_AT"
CRASH_POINTS = ("after_intent", "after_send", "after_fill_before_record")
ZERO = Decimal(0)

NotifyFn = Callable[[Notification], None]
# Words a `Text` in the configured language. Used only for the reason written into an order's
# record (shown later as stored, like a sent notification); everything returned or notified
# stays a `Text` for the app to word.
RenderFn = Callable[[str | Text], str]
OrderListener = Callable[[Order], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What `submit` answers. `accepted` False always comes with a human `reason` (a venue's
    own words, or a `Text` the app words)."""

    accepted: bool
    reason: str | Text = ""
    order: Order | None = None
    notes: tuple[str, ...] = ()


# The reason of orders a user typed (/buy, /sell on a venue): the command's answer already says
# why our checks refused one, so no refusal notification repeats it.
MANUAL = "manual"


def new_client_id(paper: bool) -> str:
    """Ours, unique, valid for Binance (`^[.A-Z:/a-z0-9_-]{1,36}$`) and Upbit."""
    return f"kb{'p' if paper else 'l'}{int(time.time() * 1000):x}{secrets.token_hex(5)}"


class OrderService:
    def __init__(
        self,
        store: TradingStore,
        risk: RiskManager,
        brokers: dict[Venue, Broker],
        prices: PriceBook,
        *,
        bus: EventBus,
        notify: NotifyFn,
        clock: Clock,
        paper: bool,
        unknown_grace: float = 12.0,
        crash_at: str | None = None,
        render: RenderFn | None = None,
    ) -> None:
        self.store = store
        self.risk = risk
        self.brokers = brokers
        self.prices = prices
        self.bus = bus
        self.notify = notify
        self.clock = clock
        self.paper = paper
        self.unknown_grace = unknown_grace
        self._render: RenderFn = render or _untranslated
        if crash_at is not None and crash_at not in CRASH_POINTS:
            raise ValueError(f"{CRASH_ENV}={crash_at!r}: use one of {', '.join(CRASH_POINTS)}")
        self._crash_at = crash_at
        self.listeners: list[OrderListener] = []
        self.balances: dict[Venue, dict[str, tuple[Decimal, Decimal]]] = {}
        self.positions: dict[Instrument, Position] = {}
        self.dirty: set[Venue] = set()
        self._daily: tuple[float, Decimal] = (0.0, ZERO)  # (day start, realised KRW)
        self._fx: tuple[float, Decimal] | None = None
        self.on_change: Callable[[], None] = lambda: None  # wakes the tracker
        self.inflight: set[str] = set()  # client ids between intent and answer

    # --- start-up ------------------------------------------------------------------------
    async def load(self) -> None:
        """Load positions and today's realised PnL from the store, balances from the venues."""
        for p in await self.store.positions(self.paper):
            self.positions[p.instrument] = p
        start = day_start(self.clock.now(), self.risk.tz)
        total = ZERO
        for row in await self.store.fills(since=start, limit=100_000, paper=self.paper):
            try:
                total += row.realized_pnl * (await self.to_krw(row.fill.instrument.symbol.quote))
            except Rejected:
                logger.warning("no USDT/KRW rate at start-up: today's USDT PnL not counted yet")
        self._daily = (start, total)
        for venue in self.brokers:
            await self.refresh_balances(venue)

    async def refresh_balances(self, venue: Venue) -> None:
        broker = self.brokers[venue]
        try:
            bals = await broker.balances()
        except TradingError as exc:
            logger.warning("{}: balances not refreshed: {}", venue.label, exc.reason)
            return
        self.balances[venue] = {b.asset: (b.free, b.locked) for b in bals}
        self.dirty.discard(venue)
        await self.store.save_balances(venue, bals, self.paper, self.clock.now())

    # --- submit -------------------------------------------------------------------------
    async def submit(
        self, req: OrderRequest, *, parent: str | None = None, client_id: str | None = None
    ) -> SubmitResult:
        """Validate, risk-check, persist and send one order. Never raises for a bad order."""
        try:
            v, _entry = await self._check(req)
        except TradingError as exc:
            return self._refused(req, exc.reason)
        now = self.clock.now()
        order = Order(
            client_id=client_id or new_client_id(self.paper),
            instrument=req.instrument,
            side=req.side,
            type=req.type,
            qty=v.qty,
            price=v.price,
            status=OrderStatus.INTENT,
            paper=self.paper,
            bot=req.bot,
            reduce_only=req.reduce_only,
            trigger_price=v.trigger_price,
            created_ts=now,
            updated_ts=now,
            reason=req.reason,
        )
        await self.store.insert_intent(
            order, parent=parent, quote_amount=v.quote_amount, leverage=req.leverage
        )
        self._crash_point("after_intent")
        wire = PlaceRequest(
            client_id=order.client_id,
            symbol=req.instrument.symbol,
            side=req.side,
            type=req.type,
            qty=None if v.quote_amount is not None else v.qty,
            price=v.price,
            quote_amount=v.quote_amount,
            trigger_price=v.trigger_price,
            reduce_only=req.reduce_only,
        )
        self.inflight.add(order.client_id)
        try:
            result = await self._send(order, wire)
        finally:
            self.inflight.discard(order.client_id)
        if result.order is not None and not result.order.status.is_final:
            self.on_change()
        return SubmitResult(result.accepted, result.reason, result.order, v.notes)

    async def _check(self, req: OrderRequest) -> tuple[ValidatedOrder, bool]:
        broker = self.brokers.get(req.instrument.venue)
        if broker is None:
            raise Rejected(Text.of("reason.not_configured", venue=req.instrument.venue))
        sym = req.instrument.symbol
        rules = await broker.rules(sym)
        ref = self.prices.price(req.instrument, req.side)
        if ref is None:
            ref = await broker.last_price(sym)
        bals = self.balances.get(req.instrument.venue, {})
        pos = self.positions.get(req.instrument)
        pos_qty = pos.qty if pos else ZERO
        if req.instrument.venue is Venue.BINANCE_FUTURES:
            held = bals.get(rules.quote, (ZERO, ZERO))[0]
            funds = Funds(held, ZERO, pos_qty, req.leverage or (pos.leverage if pos else 1))
        else:
            funds = Funds(bals.get(rules.quote, (ZERO, ZERO))[0], bals.get(rules.base, (ZERO,))[0])
        v = validate(req, rules, ref, funds)
        is_entry = self._is_entry(req, v.qty, pos_qty)
        if is_entry:
            rate = await self.to_krw(rules.quote)
            notional_krw = v.notional * rate
            value_krw = abs(pos_qty) * ref * rate
            self.risk.check(req.instrument, notional_krw, True, await self._exposure(value_krw))
        return v, is_entry

    @staticmethod
    def _is_entry(req: OrderRequest, qty: Decimal, pos_qty: Decimal) -> bool:
        if req.instrument.venue is not Venue.BINANCE_FUTURES:
            return req.side is Side.BUY
        if req.reduce_only:
            return False
        reduces = (pos_qty > 0 and req.side is Side.SELL) or (pos_qty < 0 and req.side is Side.BUY)
        return not (reduces and qty <= abs(pos_qty))

    async def _send(self, order: Order, wire: PlaceRequest) -> SubmitResult:
        broker = self.brokers[order.instrument.venue]
        for _attempt in range(5):
            try:
                vo = await broker.place(wire)
            except (Rejected, Fatal) as exc:
                await self._finish_rejected(order, exc.reason)
                return self._refused_order(order, exc.reason)
            except Retryable as exc:
                if exc.outcome_unknown:
                    logger.warning("{}: outcome unknown ({}); looking it up", wire.client_id, exc)
                    return await self._settle_unknown(order)
                # Refused before it was processed (429, clock skew): nothing was placed, so
                # sending the same client id again after the wait the venue asked for is safe.
                wait = min(exc.retry_after or 1.0, 10.0)
                logger.warning("{}: {}; retrying in {:.1f}s", wire.client_id, exc.reason, wait)
                await self.clock.sleep(wait)
                continue
            self._crash_point("after_send")
            updated = await self.apply(order.client_id, vo)
            final = updated or (await self._current(order.client_id))
            self._notify_placed(final)
            return SubmitResult(True, "", final)
        reason = Text.of("reason.rate_limited")
        await self._finish_rejected(order, reason)
        return self._refused_order(order, reason)

    async def _settle_unknown(self, order: Order) -> SubmitResult:
        vo = await self.resolve(order)
        if vo is None:
            cur = await self._current(order.client_id)
            if cur.status is OrderStatus.REJECTED:
                return self._refused_order(cur, cur.reason)
            return SubmitResult(False, Text.of("reason.no_answer"), cur)
        await self.apply(order.client_id, vo)
        cur = await self._current(order.client_id)
        self._notify_placed(cur)
        return SubmitResult(True, "", cur)

    async def resolve(self, order: Order) -> VenueOrder | None:
        """Find out what happened to an order whose send had no clear answer.

        Looks it up by client id with backoff. Absent after the grace period (the venue rejects
        requests older than its recvWindow) means it was never placed: marked rejected.
        Returns None if it is still unknown (the venue is not answering) or was never placed.
        """
        broker = self.brokers[order.instrument.venue]
        conditional = order.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
        delay = 0.2
        while True:
            age = self.clock.now() - order.created_ts
            try:
                return await broker.fetch(order.instrument.symbol, order.client_id, conditional)
            except NotFound:
                if age >= self.unknown_grace:
                    await self._finish_rejected(
                        order,
                        Text.of("reason.never_placed", id=order.client_id, age=f"{age:.0f}"),
                    )
                    return None
            except Retryable as exc:
                if age >= self.unknown_grace * 5:
                    return None  # still unknown; the tracker keeps trying
                delay = max(delay, exc.retry_after or 0.0)
            except (Rejected, Fatal) as exc:
                logger.error("{}: lookup refused: {}", order.client_id, exc.reason)
                return None
            await self.clock.sleep(min(delay, max(0.05, self.unknown_grace - age + 0.05)))
            delay = min(delay * 2, 2.0)

    # --- applying venue answers --------------------------------------------------------------
    async def apply(self, client_id: str, vo: VenueOrder) -> Order | None:
        """Bring our record in line with the venue's: fills first, then the status."""
        stored = await self.store.get(client_id)
        if stored is None:
            return None
        order = stored.order
        broker = self.brokers[order.instrument.venue]
        fills = list(vo.fills)
        if vo.filled_qty > sum((f.qty for f in fills), ZERO):
            try:
                fills = await broker.fills(vo)
            except TradingError as exc:
                logger.warning("{}: fills not fetched yet: {}", client_id, exc.reason)
        got = sum((f.qty for f in fills), ZERO)
        if fills:
            self._crash_point("after_fill_before_record")
        recorded = [f for f in fills if await self._record(f, order, stored.leverage)]
        if recorded:
            await self.refresh_balances(order.instrument.venue)
        status = vo.status
        if status.is_final and got < vo.filled_qty:
            status = OrderStatus.PARTIALLY_FILLED  # not final until every fill is recorded
        updated = await self.store.advance(
            client_id,
            status,
            self.clock.now(),
            filled_qty=vo.filled_qty,
            avg_price=vo.avg_price,
            exchange_id=vo.exchange_id,
            reason=vo.reason or None,
        )
        if updated is not None and updated.status is not order.status:
            self.bus.publish(updated)
            if updated.status is OrderStatus.CANCELLED:
                self.notify(
                    Notification(
                        NotificationKind.ORDER_CANCELLED,
                        Text.of(
                            "order.cancelled",
                            order=self._describe(updated),
                            reason=f" ({updated.reason})" if updated.reason else "",
                        ),
                        dedup_key=f"cancel-{client_id}",
                    )
                )
            for listener in self.listeners:
                try:
                    await listener(updated)
                except Exception:
                    logger.exception("order listener failed for {}", client_id)
        return updated

    async def _record(self, f: Fill, order: Order, leverage: int | None) -> bool:
        fill = f if f.paper == self.paper else _with_paper(f, self.paper)
        realized = await self.store.record_fill(fill, order.bot, leverage or 1)
        if realized is None:
            return False  # already recorded
        inst = fill.instrument
        before = self.positions.get(inst)
        pos = await self.store.position(inst, self.paper)
        if pos is not None:
            self.positions[inst] = pos
        start, total = self._daily
        today = day_start(self.clock.now(), self.risk.tz)
        if today != start:
            start, total = today, ZERO
        self._daily = (start, total + realized * (await self.to_krw(inst.symbol.quote)))
        self.dirty.add(inst.venue)
        self.bus.publish(fill)
        mode = Text.of("order.paper") if fill.paper else ""
        exit_ = before is not None and pos is not None and abs(pos.qty) < abs(before.qty)
        pnl = await self._pnl_text(realized, inst.symbol.quote) if exit_ else ""
        self.notify(
            Notification(
                NotificationKind.ORDER_FILLED,
                Text.of(
                    "order.filled",
                    mode=mode,
                    side=fill.side,
                    qty=fmt(fill.qty),
                    base=inst.symbol.base,
                    price=fmt(fill.price),
                    quote=inst.symbol.quote,
                    venue=inst.venue,
                    fee=fmt(fill.fee),
                    fee_asset=fill.fee_asset,
                    id=fill.client_id,
                    pnl=pnl,
                ),
                dedup_key=f"fill-{inst.venue.value}-{fill.fill_id}",
            )
        )
        return True

    async def _pnl_text(self, realized: Decimal, quote: str) -> Text:
        """An exit fill's realised PnL (after its fee, as /trades shows it), with KRW."""
        pnl = f"{realized.quantize(Decimal('0.01')):+,}"
        if quote != "KRW":
            try:
                krw = realized * await self.to_krw(quote)
            except TradingError:
                return Text.of("order.pnl", pnl=pnl, quote=quote)
            krw_text = f"{krw.quantize(Decimal(1)):+,}"
            return Text.of("order.pnl_krw", pnl=pnl, quote=quote, krw=krw_text)
        return Text.of("order.pnl", pnl=pnl, quote=quote)

    # --- cancel ---------------------------------------------------------------------------
    async def cancel(self, client_id: str) -> SubmitResult:
        stored = await self.store.get(client_id)
        if stored is None:
            return SubmitResult(False, f"There is no order {client_id}. See /orders.")
        order = stored.order
        if order.status.is_final:
            return SubmitResult(False, f"The order is already {order.status.value}.", order)
        broker = self.brokers.get(order.instrument.venue)
        if broker is None:
            return SubmitResult(False, f"{order.instrument.venue.label} is not configured.", order)
        conditional = order.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
        sym = order.instrument.symbol
        try:
            vo = await broker.cancel(sym, client_id, conditional)
        except (NotFound, Rejected) as exc:
            # Already gone (filled or cancelled meanwhile): take the venue's word for it.
            try:
                vo = await broker.fetch(sym, client_id, conditional)
            except NotFound:
                if order.status is OrderStatus.INTENT:
                    await self._finish_rejected(order, Text.of("reason.cancelled_early"))
                    return SubmitResult(True, "", await self._current(client_id))
                return SubmitResult(False, f"Cancel failed: {exc.reason}", order)
        except TradingError as exc:
            return SubmitResult(False, f"Cancel failed: {exc.reason}. Try again.", order)
        updated = await self.apply(client_id, vo)
        return SubmitResult(True, "", updated or await self._current(client_id))

    async def cancel_all(self) -> list[SubmitResult]:
        return [
            await self.cancel(s.order.client_id) for s in await self.store.open_orders(self.paper)
        ]

    # --- helpers --------------------------------------------------------------------------
    async def _current(self, client_id: str) -> Order:
        stored = await self.store.get(client_id)
        assert stored is not None
        return stored.order

    async def _finish_rejected(self, order: Order, reason: str | Text) -> None:
        await self.store.advance(
            order.client_id, OrderStatus.REJECTED, self.clock.now(), reason=self._render(reason)
        )
        self.notify(
            Notification(
                NotificationKind.ORDER_REFUSED,
                Text.of(
                    "order.refused_by_venue",
                    venue=order.instrument.venue,
                    order=self._describe(order),
                    reason=reason,
                ),
                dedup_key=f"reject-{order.client_id}",
            )
        )

    def _refused(self, req: OrderRequest, reason: str | Text) -> SubmitResult:
        logger.info("order refused ({}): {}", req.instrument, reason)
        if req.reason == MANUAL:
            return SubmitResult(False, reason)
        who = Text.of("order.refused_bot", bot=req.bot) if req.bot else ""
        text = Text.of(
            "order.refused",
            who=who,
            side=req.side,
            symbol=req.instrument.symbol,
            venue=req.instrument.venue,
            reason=reason,
        )
        self.notify(Notification(NotificationKind.ORDER_REFUSED, text))
        return SubmitResult(False, reason)

    @staticmethod
    def _refused_order(order: Order, reason: str | Text) -> SubmitResult:
        return SubmitResult(False, reason, order)

    def _notify_placed(self, order: Order) -> None:
        """Orders that rest on the book (limit, stop, take-profit) are announced once placed. A
        market order is not: its fill (or its cancellation or refusal) says what happened."""
        if order.type is OrderType.MARKET or order.status.is_final:
            return
        mode = Text.of("order.paper") if order.paper else ""
        self.notify(
            Notification(
                NotificationKind.ORDER_PLACED,
                Text.of(
                    "order.placed",
                    mode=mode,
                    status=order.status,
                    order=self._describe(order),
                    id=order.client_id,
                ),
                dedup_key=f"placed-{order.client_id}",
            )
        )

    async def to_krw(self, quote: str) -> Decimal:
        """KRW per unit of `quote` (1 for KRW); raises `Rejected` when no rate is known."""
        if quote == "KRW":
            return Decimal(1)
        rate = self.prices.usdt_krw() if quote in ("USDT", "USDC") else None
        if rate is None and self._fx is not None and self.clock.monotonic() - self._fx[0] < 60:
            rate = self._fx[1]
        if rate is None and Venue.UPBIT in self.brokers:
            try:
                rate = await self.brokers[Venue.UPBIT].last_price(Symbol("USDT", "KRW"))
                self._fx = (self.clock.monotonic(), rate)
            except TradingError:
                rate = None
        if rate is None:
            raise Rejected(Text.of("reason.no_rate", quote=quote))
        return rate

    async def _exposure(self, position_value_krw: Decimal) -> Exposure:
        return Exposure(
            equity_krw=await self.equity_krw(),
            open_instruments=frozenset(i for i, p in self.positions.items() if p.qty != 0),
            position_value_krw=position_value_krw,
            daily_pnl_krw=self._daily[1],
        )

    async def equity_krw(self) -> Decimal:
        """Everything held on every venue, valued in KRW at current prices (unknown: skipped)."""
        total = ZERO
        for venue, bals in self.balances.items():
            quote = "KRW" if venue is Venue.UPBIT else "USDT"
            try:
                rate = await self.to_krw(quote)
            except Rejected:
                continue  # no USDT/KRW rate yet: that venue is left out (limits get stricter)
            for asset, (free, locked) in bals.items():
                amount = free + locked
                if amount == 0:
                    continue
                if asset == quote:
                    total += amount * rate
                    continue
                price = self.prices.price(Instrument(venue, Symbol(asset, quote)))
                if price is not None:
                    total += amount * price * rate
        return total

    @staticmethod
    def _describe(o: Order) -> Text:
        """e.g. `buy 0.01 BTC/KRW limit @ 100 on Upbit` (ko: `업비트 BTC/KRW 지정가 매수 0.01 @ 100`)."""
        return Text.of(
            "order.describe",
            side=o.side,
            qty=fmt(o.qty),
            symbol=o.instrument.symbol,
            type=o.type,
            price=f" @ {fmt(o.price)}" if o.price is not None else "",
            trigger=Text.of("order.trigger", price=fmt(o.trigger_price))
            if o.trigger_price is not None
            else "",
            venue=o.instrument.venue,
        )

    def _crash_point(self, name: str) -> None:
        if self._crash_at == name:  # test-only hook: die like a SIGKILLed process would
            os._exit(137)


def _untranslated(text: str | Text) -> str:
    """Without the app's renderer (benchmarks): a `Text` is recorded as its catalog key."""
    return text if isinstance(text, str) else text.key


def _with_paper(f: Fill, paper: bool) -> Fill:
    from dataclasses import replace

    return replace(f, paper=paper)
