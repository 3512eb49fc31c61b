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
it never reports it unprotected. A leg taken away outside the hedge is handled by `watch`.
"""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal
from enum import StrEnum

from loguru import logger

from core.errors import TradingError
from core.hedge import HedgeDirection, HedgeOutcome, HedgeRequest, HedgeResult
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.numbers import Money
from core.rounding import MarketRules
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.executor import OrderService, new_client_id
from trading.futures import FuturesManager
from trading.hedge.leg import FUT, SPOT, fut_inst, leg_request, said, send_leg, spot_inst
from trading.hedge.legs import HedgeBook, leg_fills, read_book
from trading.hedge.pnl import funding_usdt, hedge_pnl
from trading.hedge.reduce import reduce
from trading.hedge.sizing import fut_adjustment, hedge_qty, tolerance
from trading.hedge.store import HedgeRecord, HedgeState, HedgeStore, Phase, Ref

ZERO = Decimal(0)
# Test-only crash hook (tests/trading/test_hedge_crash.py): the spot leg is sent and recorded,
# then the process dies before the futures leg is sent, as a SIGKILL would.
CRASH_BETWEEN_LEGS = "between_legs"


class FailurePolicy(StrEnum):
    UNWIND = "unwind"  # flatten the leg that filled (no exposure is kept)
    ALERT = "alert"  # keep it and tell the user (they decide: /hedge close <id>)


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
        futures.entry_checks.append(self.bracketed_entry_conflict)

    # --- HedgeGateway ---------------------------------------------------------------------
    async def submit(self, req: HedgeRequest) -> HedgeResult:
        """Never raises for a refusal; one hedge id is handled one request at a time, and a
        repeated request answers what the hedge is now (idempotent)."""
        async with self.lock(req.hedge_id):
            try:
                return await (self._open(req) if req.opening else self._close(req))
            except TradingError as exc:
                return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=said(exc.reason))

    def lock(self, hedge_id: str) -> asyncio.Lock:
        """Held while a hedge's legs are being sent or repaired: one thing at a time per hedge."""
        return self._locks.setdefault(hedge_id, asyncio.Lock())

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
        if not 1 <= req.leverage <= self.futures.max_leverage:
            max_lev = self.futures.max_leverage
            return self._refused(
                req, Text.of("reason.leverage_range", lev=req.leverage, max=max_lev)
            )
        spot_rules, fut_rules = await self.rules(req.coin)
        forward = req.direction is HedgeDirection.FORWARD
        spot_px = await self.price(spot_inst(req.coin), Side.BUY if forward else Side.SELL)
        fut_px = await self.price(fut_inst(req.coin), Side.SELL if forward else Side.BUY)
        qty = hedge_qty(req.size_krw, spot_px, fut_px, spot_rules, fut_rules)
        if not forward:
            held = self.svc.balances.get(SPOT, {}).get(req.coin, (ZERO, ZERO))[0]
            if held < qty:
                return self._refused(
                    req, Text.of("hedge.no_coins", need=Money(qty, req.coin),
                                 held=Money(held, req.coin))
                )  # fmt: skip
        shared = await self._shared_position(req.coin)
        if shared is not None:
            return self._refused(req, shared)
        try:
            await self.futures.ensure_leverage(fut_inst(req.coin).symbol, req.leverage)
        except TradingError as exc:
            return self._refused(req, said(exc.reason))
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
        if book.pending:
            return await self.unknown(rec, book)
        if spot_q == 0 and fut_q == 0:
            why = next(iter(failed.values()), Text.of("hedge.nothing_filled"))
            await self.store.set_state(rec.hedge_id, HedgeState.REFUSED, now(), note=why.key)
            return HedgeResult(rec.hedge_id, HedgeOutcome.REFUSED, reason=why)
        if failed and (spot_q == 0 or fut_q == 0):
            return await self._leg_failed(rec, book, failed)
        book = await self.balance(rec, book, fut_rules)
        await self.store.set_state(rec.hedge_id, HedgeState.OPEN, now())
        res = await self.result(await self.get(rec.hedge_id), book)
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
            self._notify_mismatch(rec, book)
        return book

    async def bracketed_entry_conflict(self, symbol: Symbol) -> Text | None:
        """Why a bracketed futures entry (a bot's, or a manual one with a stop) may not go on
        `symbol`: an active hedge holds its leg there, and one-way mode would merge the two into
        one position whose stop-loss would close the hedge's leg too (`FuturesManager.open`
        asks this before it sends)."""
        ids = [
            rec.hedge_id
            for rec in await self.store.hedges(self.svc.paper, active=True)
            if rec.coin == symbol.base and symbol.quote == "USDT"
        ]
        if not ids:
            return None
        return Text.of("hedge.bracket_blocked", coin=symbol.base, ids=", ".join(ids))

    async def _shared_position(self, coin: str) -> Text | None:
        """Why the coin's USDⓈ-M position cannot take a hedge leg, or None. The venue nets one
        symbol's orders into one position (one-way mode), so a hedge never joins a position
        held outside hedges: that one may carry a stop-loss sized to all of it, which would
        close the hedge's leg too."""
        pos = self.svc.positions.get(fut_inst(coin))
        if pos is None or pos.qty == 0:
            return None
        ours = ZERO
        for rec in await self.store.hedges(self.svc.paper, active=True):
            if rec.coin == coin:
                ours += (await read_book(self.svc, await self.store.orders(rec.hedge_id))).held(FUT)
        if ours == pos.qty:
            return None
        return Text.of("hedge.fut_shared", coin=coin, qty=Money(pos.qty - ours, coin))

    async def _leg_failed(
        self, rec: HedgeRecord, book: HedgeBook, failed: dict[Venue, Text]
    ) -> HedgeResult:
        """One leg filled, the other did not: the policy decides; the user is told now."""
        venue, why = next(iter(failed.items()))
        unwound = False
        if self.policy is FailurePolicy.UNWIND:
            # flat once its orders filled: a reverse hedge's spot buy-back (a KRW total) may
            # leave dust below the venue's minimum order, which nothing can trade away
            book, left = await self.flatten_legs(rec, book, Phase.UNWIND)
            unwound = not left and not book.pending and book.held(FUT) == 0
        now = self.svc.clock.now()
        if unwound:
            await self.store.set_state(rec.hedge_id, HedgeState.UNWOUND, now, note=why.key,
                                       closed=True)  # fmt: skip
            outcome = HedgeOutcome.UNWOUND
        else:
            await self.store.set_state(rec.hedge_id, HedgeState.EXPOSED, now, note=why.key)
            outcome = HedgeOutcome.EXPOSED
        exposure = await self.exposure_krw(rec.coin, book)
        self._notify_failed(rec, venue, why, outcome, exposure)
        return HedgeResult(
            rec.hedge_id, outcome, *leg_fills(book), exposure_krw=exposure, reason=why
        )

    async def unknown(self, rec: HedgeRecord, book: HedgeBook) -> HedgeResult:
        """A leg's outcome is unknown (no answer, lookups failing): nothing is unwound on a
        guess. The hedge stays `opening`/`closing`; the order tracker settles the order and
        the periodic repair (`repair.repair`) then completes or flattens the hedge."""
        why = Text.of("hedge.outcome_unknown", ids=", ".join(o.client_id for o in book.pending))
        exposure = await self.exposure_krw(rec.coin, book)
        text = Text.of("hedge.unknown_told", id=rec.hedge_id, coin=rec.coin, reason=why,
                       exposure=Money(exposure, "KRW"))  # fmt: skip
        logger.error("hedge {}: outcome unknown for {}", rec.hedge_id, why.params["ids"])
        self.svc.notify(Notification(NotificationKind.RISK, text,
                                     dedup_key=f"hedge-{rec.hedge_id}-unknown"))  # fmt: skip
        return HedgeResult(
            rec.hedge_id, HedgeOutcome.EXPOSED, *leg_fills(book), exposure_krw=exposure,
            reason=why,
        )  # fmt: skip

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
        if req.qty is not None and req.qty <= 0:
            return self._refused(req, Text.of("hedge.bad_close_qty"))
        if req.qty is not None and req.qty < abs(book.held(SPOT)):
            if rec.state is not HedgeState.OPEN:  # an exposed hedge closes whole
                return self._refused(req, Text.of("hedge.partial_close"))
            return await reduce(self, rec, book, req.qty)
        ref = await self.mark(rec.coin)
        await self.store.set_state(rec.hedge_id, HedgeState.CLOSING, self.svc.clock.now(),
                                   close_ref=ref)  # fmt: skip
        failed: dict[Venue, Text] = {}
        for _attempt in range(2):  # a leg that failed is sent once more
            book, failed = await self.flatten_legs(rec, book, Phase.CLOSE)
            if not failed or book.pending:
                break
        return await self._after_close(rec, book, failed)

    async def _after_close(
        self, rec: HedgeRecord, book: HedgeBook, failed: dict[Venue, Text]
    ) -> HedgeResult:
        now = self.svc.clock.now()
        if book.pending:
            return await self.unknown(rec, book)
        if not failed:  # flat (or only dust below both venues' minimums left): closed
            await self.store.set_state(rec.hedge_id, HedgeState.CLOSED, now, closed=True)
            return await self.result(await self.get(rec.hedge_id), book)
        venue, why = next(iter(failed.items()))
        await self.store.set_state(rec.hedge_id, HedgeState.EXPOSED, now, note=why.key)
        exposure = await self.exposure_krw(rec.coin, book)
        self._notify_failed(rec, venue, why, HedgeOutcome.EXPOSED, exposure)
        return HedgeResult(
            rec.hedge_id, HedgeOutcome.EXPOSED, *leg_fills(book), exposure_krw=exposure,
            reason=why,
        )  # fmt: skip

    # --- shared ---------------------------------------------------------------------------
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
        ref: Ref | None = None,
    ) -> tuple[HedgeBook, dict[Venue, Text]]:
        """Write the legs' client ids with the hedge (and `ref`, the reference prices a partial
        close was decided on), then send them together and wait for their fills. Returns the
        hedge's book afterwards and why each failed leg failed."""
        cids = {v: new_client_id(self.svc.paper) for v in legs}
        now = self.svc.clock.now()
        pairs = [(cids[v], v) for v in legs]
        if create:
            await self.store.create(rec, pairs, phase, now)
        else:
            await self.store.add_orders(rec.hedge_id, pairs, phase, now)
        if ref is not None:
            await self.store.add_refs(rec.hedge_id, list(cids.values()), ref)
        reqs = {v: leg_request(rec, v, side, qty, phase, reduce_only) for v, (side, qty) in
                legs.items()}  # fmt: skip
        if self._crash_at == CRASH_BETWEEN_LEGS and SPOT in reqs and FUT in reqs:
            await send_leg(self.svc, reqs[SPOT], cids[SPOT], self.fill_wait)
            os._exit(137)  # test-only: die like a SIGKILLed process, the futures leg unsent
        venues = list(reqs)
        outcomes = await asyncio.gather(
            *(send_leg(self.svc, reqs[v], cids[v], self.fill_wait) for v in venues)
        )
        failed = {v: why for v, why in zip(venues, outcomes, strict=True) if why is not None}
        return await read_book(self.svc, await self.store.orders(rec.hedge_id)), failed

    async def rules(self, coin: str) -> tuple[MarketRules, MarketRules]:
        spot, fut = await asyncio.gather(
            self.svc.brokers[SPOT].rules(spot_inst(coin).symbol),
            self.svc.brokers[FUT].rules(fut_inst(coin).symbol),
        )
        return spot, fut

    async def price(self, inst: Instrument, side: Side | None = None) -> Decimal:
        price = self.svc.prices.price(inst, side)
        if price is None:
            price = await self.svc.brokers[inst.venue].last_price(inst.symbol)
        return price

    async def _mid(self, inst: Instrument) -> Decimal:
        top = self.svc.prices.top(inst)
        if top is not None and top.bid > 0 and top.ask > 0:
            return (Decimal(repr(top.bid)) + Decimal(repr(top.ask))) / 2
        return await self.price(inst)

    async def mark(self, coin: str) -> Ref:
        spot, fut = await asyncio.gather(self._mid(spot_inst(coin)), self._mid(fut_inst(coin)))
        return Ref(spot, fut, await self.svc.to_krw("USDT"))

    async def exposure_krw(self, coin: str, book: HedgeBook) -> Decimal:
        if book.net == 0:
            return ZERO
        try:
            return abs(book.net) * await self.price(spot_inst(coin))
        except TradingError:
            return ZERO

    async def get(self, hedge_id: str) -> HedgeRecord:
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
        details = {"state": rec.state.value}
        if not rec.state.active and book.entries:  # what the bot reports: the ledger's figure
            funding = await funding_usdt(self.svc, rec, book)
            pnl = hedge_pnl(rec, book, funding, refs=await self.store.refs(rec.hedge_id))
            details["pnl_krw"] = str(pnl.total)
        return HedgeResult(rec.hedge_id, outcome, *leg_fills(book), exposure_krw=exposure,
                           reason=reason, details=details)  # fmt: skip

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

    def _notify_mismatch(self, rec: HedgeRecord, book: HedgeBook) -> None:
        text = Text.of(
            "hedge.mismatch", id=rec.hedge_id, coin=rec.coin,
            qty=Money(abs(book.net), rec.coin), reason=Text.of("hedge.mismatch_left"),
        )  # fmt: skip
        self.svc.notify(Notification(NotificationKind.RISK, text))
