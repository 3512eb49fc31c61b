"""Two-leg hedge execution: Upbit KRW spot against Binance USDⓈ-M, never left naked.

`HedgeExecutor` implements `core.hedge.HedgeGateway`. Opening a hedge:
1. both legs are sized to ONE coin quantity on both venues' lot grids (`sizing.hedge_qty`);
2. the hedge row and the client ids of both legs are written in one transaction
   (`HedgeStore.create`), then both legs go out together (`asyncio.gather`), each through the
   order service's crash-safe path (validation, risk, intent before send, lookup on timeout);
3. a partial or uneven fill is topped up or trimmed on the futures leg until the legs agree
   within the allowed mismatch;
4. if one leg fails (refused, timed out, venue down) the failure policy runs: `unwind`
   flattens the leg that did fill; `alert` keeps it. Either way the user is told at once, with
   what is left one-sided in KRW.
Closing sends both flattening legs together the same way; a leg that fails is sent once more,
and what still remains is reported as exposure. The futures leg never gets a stop-loss or
take-profit (the spot leg is its protection); the protection check has no levels for it, so
it never reports it unprotected. A hedge whose spot leg vanishes is handled by `repair.watch`.
"""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal
from enum import StrEnum

from loguru import logger

from core.errors import TradingError
from core.hedge import HedgeDirection, HedgeOutcome, HedgeRequest, HedgeResult, LegFill
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.numbers import Money
from core.orders import Order, OrderRequest, OrderType
from core.rounding import MarketRules
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.executor import OrderService, new_client_id
from trading.futures import FuturesManager
from trading.hedge.legs import HedgeBook, average, read_book
from trading.hedge.sizing import fut_adjustment, hedge_qty, tolerance
from trading.hedge.store import HedgeRecord, HedgeState, HedgeStore, Phase, Ref

ZERO = Decimal(0)
SPOT, FUT = Venue.UPBIT, Venue.BINANCE_FUTURES
# Test-only crash hook (tests/trading/test_hedge_crash.py): the spot leg is sent and recorded,
# then the process dies before the futures leg is sent, as a SIGKILL would.
CRASH_BETWEEN_LEGS = "between_legs"


class FailurePolicy(StrEnum):
    UNWIND = "unwind"  # flatten the leg that filled (no exposure is kept)
    ALERT = "alert"  # keep it and tell the user (they decide: /hedge close <id>)


def spot_inst(coin: str) -> Instrument:
    return Instrument(SPOT, Symbol(coin, "KRW"))


def fut_inst(coin: str) -> Instrument:
    return Instrument(FUT, Symbol(coin, "USDT"))


def _said(reason: str | Text) -> Text:
    return reason if isinstance(reason, Text) else Text.of("hedge.venue_said", why=reason)


class HedgeExecutor:
    """See the module docstring. `fill_wait`: how long a leg's market order may take to be
    reported filled before it is cancelled and taken as what filled."""

    def __init__(
        self,
        svc: OrderService,
        futures: FuturesManager,
        store: HedgeStore,
        *,
        policy: FailurePolicy = FailurePolicy.UNWIND,
        fill_wait: float = 10.0,
        crash_at: str | None = None,
    ) -> None:
        self.svc = svc
        self.futures = futures
        self.store = store
        self.policy = policy
        self.fill_wait = fill_wait
        self._crash_at = crash_at
        self._locks: dict[str, asyncio.Lock] = {}

    # --- HedgeGateway ---------------------------------------------------------------------
    async def submit(self, req: HedgeRequest) -> HedgeResult:
        """Never raises for a refusal; one hedge id is handled one request at a time, and a
        repeated request answers what the hedge is now (idempotent)."""
        lock = self._locks.setdefault(req.hedge_id, asyncio.Lock())
        async with lock:
            try:
                return await (self._open(req) if req.opening else self._close(req))
            except TradingError as exc:
                return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=_said(exc.reason))

    async def open_hedges(self, bot: str) -> list[HedgeResult]:
        recs = await self.store.hedges(self.svc.paper, active=True, bot=bot)
        return [await self.result(r) for r in recs]

    # --- open -----------------------------------------------------------------------------
    async def _open(self, req: HedgeRequest) -> HedgeResult:
        known = await self.store.get(req.hedge_id)
        if known is not None:
            return await self.result(known)
        if SPOT not in self.svc.brokers or FUT not in self.svc.brokers:
            return self._refused(req, Text.of("hedge.no_venues"))
        if req.size_krw is None:
            return self._refused(req, Text.of("hedge.bad_size"))
        spot_rules, fut_rules = await self.rules(req.coin)
        forward = req.direction is HedgeDirection.FORWARD
        spot_px = await self._price(spot_inst(req.coin), Side.BUY if forward else Side.SELL)
        fut_px = await self._price(fut_inst(req.coin), Side.SELL if forward else Side.BUY)
        qty = hedge_qty(req.size_krw, spot_px, fut_px, spot_rules, fut_rules)
        if not forward:
            held = self.svc.balances.get(SPOT, {}).get(req.coin, (ZERO, ZERO))[0]
            if held < qty:
                return self._refused(
                    req, Text.of("hedge.no_coins", need=Money(qty, req.coin),
                                 held=Money(held, req.coin))
                )  # fmt: skip
        try:
            await self.futures.ensure_leverage(fut_inst(req.coin).symbol, req.leverage)
        except TradingError as exc:
            return self._refused(req, _said(exc.reason))
        ref = await self.mark(req.coin)
        now = self.svc.clock.now()
        rec = HedgeRecord(
            req.hedge_id, req.bot or None, req.coin, req.direction, self.svc.paper,
            HedgeState.OPENING, req.size_krw, req.leverage, req.max_mismatch, now, None, ref, None,
        )  # fmt: skip
        spot_side = Side.BUY if forward else Side.SELL
        fut_side = Side.SELL if forward else Side.BUY
        legs = {SPOT: (spot_side, qty), FUT: (fut_side, qty)}
        book, failed = await self.send(rec, legs, Phase.OPEN, create=True)
        return await self._after_open(rec, book, failed, fut_rules)

    async def _after_open(
        self,
        rec: HedgeRecord,
        book: HedgeBook,
        failed: dict[Venue, Text],
        fut_rules: MarketRules,
    ) -> HedgeResult:
        spot_q, fut_q = book.held(SPOT), book.held(FUT)
        now = self.svc.clock.now
        if spot_q == 0 and fut_q == 0:
            why = next(iter(failed.values()), Text.of("hedge.nothing_filled"))
            await self.store.set_state(rec.hedge_id, HedgeState.REFUSED, now(), note=why.key)
            return HedgeResult(rec.hedge_id, HedgeOutcome.REFUSED, reason=why)
        if failed and (spot_q == 0 or fut_q == 0):
            return await self._leg_failed(rec, book, failed)
        book = await self.balance(rec, book, fut_rules)
        await self.store.set_state(rec.hedge_id, HedgeState.OPEN, now())
        res = await self.result(await self._get(rec.hedge_id), book)
        logger.info("hedge {} opened: {} / {}", rec.hedge_id, res.spot, res.futures)
        return res

    async def balance(self, rec: HedgeRecord, book: HedgeBook, rules: MarketRules) -> HedgeBook:
        """Top up or trim the futures leg until |spot + futures| is within the tolerance (the
        spot leg of a KRW-total market buy lands a hair off the quantity)."""
        tol = tolerance(rec.max_mismatch, rules)
        for _ in range(3):
            diff = book.net
            if abs(diff) <= tol:
                break
            adj = fut_adjustment(diff, rules)
            if adj == 0:
                break
            side = Side.SELL if diff > 0 else Side.BUY
            fut_q = book.held(FUT)
            reduces = (fut_q > 0 and side is Side.SELL) or (fut_q < 0 and side is Side.BUY)
            book, failed = await self.send(
                rec, {FUT: (side, adj)}, Phase.ADJUST, reduce_only=reduces
            )
            if failed:
                logger.warning("hedge {}: adjustment refused: {}", rec.hedge_id, failed)
                break
        if abs(book.net) > tol:
            self._notify_exposure(rec, book, Text.of("hedge.mismatch_left"), kept=True)
        return book

    async def _leg_failed(
        self, rec: HedgeRecord, book: HedgeBook, failed: dict[Venue, Text]
    ) -> HedgeResult:
        """One leg filled, the other did not: the policy decides; the user is told now."""
        venue, why = next(iter(failed.items()))
        if self.policy is FailurePolicy.UNWIND:
            book = await self._flatten(rec, book, Phase.UNWIND)
        now = self.svc.clock.now()
        if book.net == 0 and book.held(SPOT) == 0 and book.held(FUT) == 0:
            await self.store.set_state(rec.hedge_id, HedgeState.UNWOUND, now, note=why.key,
                                       closed=True)  # fmt: skip
            outcome = HedgeOutcome.UNWOUND
        else:
            await self.store.set_state(rec.hedge_id, HedgeState.EXPOSED, now, note=why.key)
            outcome = HedgeOutcome.EXPOSED
        exposure = await self.exposure_krw(rec.coin, book)
        self._notify_failed(rec, venue, why, outcome, exposure)
        return HedgeResult(
            rec.hedge_id, outcome, *self._leg_fills(book), exposure_krw=exposure, reason=why
        )

    # --- close ----------------------------------------------------------------------------
    async def _close(self, req: HedgeRequest) -> HedgeResult:
        rec = await self.store.get(req.hedge_id)
        if rec is None or rec.paper != self.svc.paper:
            return self._refused(req, Text.of("hedge.unknown", id=req.hedge_id))
        if not rec.state.active:
            return await self.result(rec)
        book = await read_book(self.svc, await self.store.orders(rec.hedge_id))
        if book.pending:
            return self._refused(req, Text.of("hedge.busy", id=rec.hedge_id))
        ref = await self.mark(rec.coin)
        await self.store.set_state(rec.hedge_id, HedgeState.CLOSING, self.svc.clock.now(),
                                   close_ref=ref)  # fmt: skip
        failed: dict[Venue, Text] = {}
        for _attempt in range(2):  # a leg that failed is sent once more
            book, failed = await self.flatten_legs(rec, book, Phase.CLOSE)
            if not failed:
                break
        return await self._after_close(rec, book, failed)

    async def _after_close(
        self, rec: HedgeRecord, book: HedgeBook, failed: dict[Venue, Text]
    ) -> HedgeResult:
        now = self.svc.clock.now()
        if not failed:  # flat (or only dust below both venues' minimums left): closed
            await self.store.set_state(rec.hedge_id, HedgeState.CLOSED, now, closed=True)
            return await self.result(await self._get(rec.hedge_id), book)
        venue, why = next(iter(failed.items()))
        await self.store.set_state(rec.hedge_id, HedgeState.EXPOSED, now, note=why.key)
        exposure = await self.exposure_krw(rec.coin, book)
        self._notify_failed(rec, venue, why, HedgeOutcome.EXPOSED, exposure)
        return HedgeResult(
            rec.hedge_id, HedgeOutcome.EXPOSED, *self._leg_fills(book), exposure_krw=exposure,
            reason=why,
        )  # fmt: skip

    # --- shared ---------------------------------------------------------------------------
    async def _flatten(self, rec: HedgeRecord, book: HedgeBook, phase: Phase) -> HedgeBook:
        book, _failed = await self.flatten_legs(rec, book, phase)
        return book

    async def flatten_legs(
        self, rec: HedgeRecord, book: HedgeBook, phase: Phase
    ) -> tuple[HedgeBook, dict[Venue, Text]]:
        """Send the orders that bring each leg to zero, together."""
        legs: dict[Venue, tuple[Side, Decimal]] = {}
        for venue in (SPOT, FUT):
            held = book.held(venue)
            if held != 0:
                legs[venue] = (Side.SELL if held > 0 else Side.BUY, abs(held))
        if not legs:
            return book, {}
        return await self.send(rec, legs, phase, reduce_only=True)

    async def send(
        self,
        rec: HedgeRecord,
        legs: dict[Venue, tuple[Side, Decimal]],
        phase: Phase,
        *,
        create: bool = False,
        reduce_only: bool = False,
    ) -> tuple[HedgeBook, dict[Venue, Text]]:
        """Write the legs' client ids with the hedge, then send them together and wait for
        their fills. Returns the hedge's book afterwards and why each failed leg failed."""
        cids = {v: new_client_id(self.svc.paper) for v in legs}
        now = self.svc.clock.now()
        pairs = [(cids[v], v) for v in legs]
        if create:
            await self.store.create(rec, pairs, phase, now)
        else:
            await self.store.add_orders(rec.hedge_id, pairs, phase, now)
        reqs = {v: self._request(rec, v, side, qty, phase, reduce_only) for v, (side, qty) in
                legs.items()}  # fmt: skip
        if self._crash_at == CRASH_BETWEEN_LEGS and SPOT in reqs and FUT in reqs:
            await self._leg(reqs[SPOT], cids[SPOT])
            os._exit(137)  # test-only: die like a SIGKILLed process, the futures leg unsent
        venues = list(reqs)
        outcomes = await asyncio.gather(*(self._leg(reqs[v], cids[v]) for v in venues))
        failed = {v: why for v, why in zip(venues, outcomes, strict=True) if why is not None}
        return await read_book(self.svc, await self.store.orders(rec.hedge_id)), failed

    def _request(
        self, rec: HedgeRecord, venue: Venue, side: Side, qty: Decimal, phase: Phase,
        reduce_only: bool,
    ) -> OrderRequest:  # fmt: skip
        inst = spot_inst(rec.coin) if venue is SPOT else fut_inst(rec.coin)
        fut = venue is FUT
        return OrderRequest(
            inst, side, OrderType.MARKET, qty=qty, reduce_only=fut and reduce_only,
            leverage=rec.leverage if fut else None, bot=rec.bot,
            reason=f"hedge {rec.hedge_id} {phase.value}",
        )  # fmt: skip

    async def _leg(self, req: OrderRequest, cid: str) -> Text | None:
        """Send one leg and wait for its fill; None when something filled, else why not."""
        res = await self.svc.submit(req, client_id=cid)
        if not res.accepted or res.order is None:
            return _said(res.reason or "refused")
        order = await self._await_final(res.order)
        if order.filled_qty <= 0:
            return Text.of("hedge.not_filled", status=order.status.value)
        return None

    async def _await_final(self, order: Order) -> Order:
        """Upbit reports a market fill a moment after the order (the tracker polls); one still
        open after `fill_wait` is cancelled and taken for what filled."""
        waited = 0.0
        while not order.status.is_final and waited < self.fill_wait:
            self.svc.on_change()
            await self.svc.clock.sleep(0.05)
            waited += 0.05
            stored = await self.svc.store.get(order.client_id)
            order = stored.order if stored is not None else order
        if not order.status.is_final:
            res = await self.svc.cancel(order.client_id)
            order = res.order or order
        return order

    async def rules(self, coin: str) -> tuple[MarketRules, MarketRules]:
        spot, fut = await asyncio.gather(
            self.svc.brokers[SPOT].rules(spot_inst(coin).symbol),
            self.svc.brokers[FUT].rules(fut_inst(coin).symbol),
        )
        return spot, fut

    async def _price(self, inst: Instrument, side: Side | None = None) -> Decimal:
        price = self.svc.prices.price(inst, side)
        if price is None:
            price = await self.svc.brokers[inst.venue].last_price(inst.symbol)
        return price

    async def _mid(self, inst: Instrument) -> Decimal:
        top = self.svc.prices.top(inst)
        if top is not None and top.bid > 0 and top.ask > 0:
            return (Decimal(repr(top.bid)) + Decimal(repr(top.ask))) / 2
        return await self._price(inst)

    async def mark(self, coin: str) -> Ref:
        spot, fut = await asyncio.gather(self._mid(spot_inst(coin)), self._mid(fut_inst(coin)))
        return Ref(spot, fut, await self.svc.to_krw("USDT"))

    async def exposure_krw(self, coin: str, book: HedgeBook) -> Decimal:
        if book.net == 0:
            return ZERO
        try:
            return abs(book.net) * await self._price(spot_inst(coin))
        except TradingError:
            return ZERO

    async def _get(self, hedge_id: str) -> HedgeRecord:
        rec = await self.store.get(hedge_id)
        assert rec is not None
        return rec

    async def result(self, rec: HedgeRecord, book: HedgeBook | None = None) -> HedgeResult:
        """What the hedge is now, as a `HedgeResult` (legs: what each holds, at its average
        entry)."""
        if book is None:
            book = await read_book(self.svc, await self.store.orders(rec.hedge_id))
        outcome = {
            HedgeState.OPEN: HedgeOutcome.OPENED, HedgeState.OPENING: HedgeOutcome.OPENED,
            HedgeState.CLOSING: HedgeOutcome.EXPOSED, HedgeState.CLOSED: HedgeOutcome.CLOSED,
            HedgeState.UNWOUND: HedgeOutcome.UNWOUND, HedgeState.EXPOSED: HedgeOutcome.EXPOSED,
            HedgeState.REFUSED: HedgeOutcome.REFUSED,
        }[rec.state]  # fmt: skip
        exposure = await self.exposure_krw(rec.coin, book) if rec.state.active else ZERO
        reason = Text.of(rec.note) if rec.note.startswith(("hedge.", "reason.")) else None
        return HedgeResult(rec.hedge_id, outcome, *self._leg_fills(book), exposure_krw=exposure,
                           reason=reason, details={"state": rec.state.value})  # fmt: skip

    @staticmethod
    def _leg_fills(book: HedgeBook) -> tuple[LegFill | None, LegFill | None]:
        out: list[LegFill | None] = []
        for venue in (SPOT, FUT):
            entries = book.of(venue)
            if not entries:
                out.append(None)
                continue
            held = book.held(venue)
            first = entries[0].fill.side
            opening = [e for e in entries if e.fill.side is first]
            out.append(
                LegFill(
                    venue.value, abs(held), average(opening) or ZERO,
                    sum((e.fee_quote for e in entries), ZERO),
                    tuple(dict.fromkeys(e.fill.client_id for e in entries)),
                )
            )  # fmt: skip
        return out[0], out[1]

    def _refused(self, req: HedgeRequest, why: Text) -> HedgeResult:
        logger.info("hedge {} refused: {} {}", req.hedge_id, why.key, dict(why.params))
        return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=why)

    def _notify_failed(
        self, rec: HedgeRecord, venue: Venue, why: Text, outcome: HedgeOutcome, exposure: Decimal
    ) -> None:
        key = "hedge.failed_unwound" if outcome is HedgeOutcome.UNWOUND else "hedge.failed_exposed"
        text = Text.of(
            key, id=rec.hedge_id, coin=rec.coin, venue=venue, reason=why,
            exposure=Money(exposure, "KRW"),
        )  # fmt: skip
        logger.error("hedge {}: {} leg failed ({}): {}", rec.hedge_id, venue, why.key, outcome)
        key = f"hedge-{rec.hedge_id}-{outcome.value}"
        self.svc.notify(Notification(NotificationKind.RISK, text, dedup_key=key))

    def _notify_exposure(self, rec: HedgeRecord, book: HedgeBook, why: Text, kept: bool) -> None:
        text = Text.of(
            "hedge.mismatch", id=rec.hedge_id, coin=rec.coin,
            qty=Money(abs(book.net), rec.coin), reason=why,
        )  # fmt: skip
        self.svc.notify(Notification(NotificationKind.RISK, text))
