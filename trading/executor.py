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

import secrets
import sqlite3
import time
from dataclasses import dataclass
from decimal import Decimal

from loguru import logger

from core.broker import PlaceRequest, VenueOrder
from core.errors import Fatal, NotFound, Rejected, Retryable, TradingError
from core.freshness import Freshness
from core.market_notices import EntryGate
from core.notifications import Notification, NotificationKind
from core.orders import Order, OrderRequest, OrderStatus, OrderType
from core.symbols import Venue
from core.text import Text
from trading.ledger import CRASH_ENV, CRASH_POINTS, OURS, Ledger, NotifyFn, OrderListener, RenderFn
from trading.risk import Exposure
from trading.validation import Funds, ValidatedOrder, validate

__all__ = [
    "CRASH_ENV",
    "CRASH_POINTS",
    "MANUAL",
    "NotifyFn",
    "OrderListener",
    "OrderService",
    "RenderFn",
    "SubmitResult",
    "new_client_id",
]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What `submit` answers. `accepted` False always comes with a human `reason` (a venue's
    own words, or a `Text` the app words)."""

    accepted: bool
    reason: str | Text = ""
    order: Order | None = None
    notes: tuple[Text, ...] = ()


# The reason of orders a user typed (/buy, /sell on a venue): the command's answer already says
# why our checks refused one, so no refusal notification repeats it.
MANUAL = "manual"


def new_client_id(paper: bool) -> str:
    """Ours, unique, valid for Binance (`^[.A-Z:/a-z0-9_-]{1,36}$`) and Upbit."""
    return f"{OURS}{'p' if paper else 'l'}{int(time.time() * 1000):x}{secrets.token_hex(5)}"


class OrderService(Ledger):
    """Order intake on top of the ledger: `submit` and `cancel` (see the module docstring)."""

    # Set by the app when market data is wired: orders priced at the market are refused on
    # prices older than its `max_age` (paper; live entries), or priced from the venue's REST
    # answer (live exits).
    freshness: Freshness | None = None
    # Set by the app: why no order may go to a market now (Upbit's `market_state` PREVIEW,
    # deposits only, or DELISTED), or None. Checked first: the venue would refuse it anyway,
    # and our answer says why in the user's words.
    market_gate: EntryGate | None = None

    # --- submit -------------------------------------------------------------------------
    async def submit(
        self, req: OrderRequest, *, parent: str | None = None, client_id: str | None = None
    ) -> SubmitResult:
        """Validate, risk-check, persist and send one order. Never raises for a bad order."""
        client_id = client_id or new_client_id(self.paper)
        try:
            v, _entry = await self._check(req, client_id)
        except TradingError as exc:
            return self._refused(req, exc.reason)
        try:
            order = await self._write_intent(req, v, client_id, parent)
        except sqlite3.Error as exc:  # disk full, read-only or damaged database
            self.risk.release(client_id)
            # Never send what could not be written first: a crash would leave an order on the
            # venue that we have no record of.
            why = str(exc) or type(exc).__name__
            return self._refused(req, Text.of("reason.storage", error=why))
        except BaseException:
            self.risk.release(client_id)  # nothing written: nothing can be in flight
            raise
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
        # From here the order exists: its reservation is released when it is settled (`apply`,
        # `_finish_rejected`), and kept while its outcome is unknown.
        self.inflight.add(order.client_id)
        try:
            result = await self._send(order, wire)
        finally:
            self.inflight.discard(order.client_id)
        if result.order is not None and not result.order.status.is_final:
            self.on_change()
        return SubmitResult(result.accepted, result.reason, result.order, v.notes)

    async def _write_intent(
        self, req: OrderRequest, v: ValidatedOrder, client_id: str, parent: str | None
    ) -> Order:
        now = self.clock.now()
        order = Order(
            client_id=client_id,
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
        return order

    async def _check(self, req: OrderRequest, client_id: str) -> tuple[ValidatedOrder, bool]:
        """Validate, then risk-check an entry and reserve its room under `client_id`.

        Everything that awaits (rules, prices, the KRW rate, equity) happens first; the check
        and the reservation are one step over the booked account plus the orders in flight.
        Equity is taken before: it moves with prices, not with our own orders in flight."""
        broker = self.brokers.get(req.instrument.venue)
        if broker is None:
            raise Rejected(Text.of("reason.not_configured", venue=req.instrument.venue))
        closed = None if self.market_gate is None else self.market_gate(req.instrument)
        if closed is not None:
            raise Rejected(closed)
        sym = req.instrument.symbol
        rules = await broker.rules(sym)
        self.rules[req.instrument] = rules  # the fill notices' tick and step
        ref = self.prices.price(req.instrument, req.side)
        old = self._too_old(req)
        if old is not None:
            if self.paper:
                raise Rejected(old)  # a paper fill would be at that old price
            try:  # the venue's own current price; if it cannot answer either, say how old ours is
                ref = await broker.last_price(sym)
            except TradingError:
                raise Rejected(old) from None
        elif ref is None:
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
        is_entry = self.is_entry(req.instrument, req.side, req.reduce_only, v.qty, pos_qty)
        if old is not None and is_entry:
            # Live: an exit goes out on the venue's price; no new exposure while our own market
            # data is old (risk refuses a stale venue too; this answer says how old it is).
            raise Rejected(old)
        if is_entry:
            inst = req.instrument
            rate = await self.to_krw(rules.quote)
            equity = await self.equity_krw()

            def exposure() -> Exposure:
                held = self.positions.get(inst)
                value_krw = abs(held.qty) * ref * rate if held is not None else ZERO
                return self.exposure_now(equity, value_krw)

            await self.risk.reserve(client_id, inst, v.qty, v.notional * rate, exposure)
        return v, is_entry

    def _too_old(self, req: OrderRequest) -> Text | None:
        """Why this order must not be priced on our market data now, or None. Conditional
        orders (stops, take-profits) wait for a future price and are never held back; paper
        limit orders can fill at once against the book, so they need a fresh book too."""
        fresh = self.freshness
        if fresh is None or req.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET):
            return None
        if req.type is not OrderType.MARKET and not self.paper:
            return None
        return fresh.problem(req.instrument)

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

    # --- cancel ---------------------------------------------------------------------------
    async def cancel(self, client_id: str) -> SubmitResult:
        stored = await self.store.get(client_id)
        if stored is None:
            return SubmitResult(False, Text.of("cancel.no_order", id=client_id))
        order = stored.order
        if order.status.is_final:
            return SubmitResult(False, Text.of("cancel.already", status=order.status), order)
        broker = self.brokers.get(order.instrument.venue)
        if broker is None:
            venue = order.instrument.venue
            return SubmitResult(False, Text.of("cancel.no_venue", venue=venue), order)
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
                return SubmitResult(False, Text.of("cancel.failed", why=exc.reason), order)
        except TradingError as exc:
            return SubmitResult(False, Text.of("cancel.failed_retry", why=exc.reason), order)
        updated = await self.apply(client_id, vo)
        return SubmitResult(True, "", updated or await self._current(client_id))

    async def cancel_all(self) -> list[SubmitResult]:
        return [
            await self.cancel(s.order.client_id) for s in await self.store.open_orders(self.paper)
        ]

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
