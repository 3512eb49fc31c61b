"""The ledger under the OrderService: what the account holds and what the venues answered.

It books venue answers (`apply`: fills first, recorded once per (venue, fill_id) together with
the position, then the status), keeps balances, positions and today's realised PnL, values them
in KRW for the risk limits, and tells the user about fills, cancellations and refusals (as
`Text`). Order intake (validate, risk-check, write the intent, send, settle unknown outcomes)
is `trading.executor.OrderService`, built on top of this.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from loguru import logger

from core import numbers
from core.account import AccountChanged, ForcedFill, ForcedKind
from core.broker import Broker, VenueOrder
from core.clock import Clock
from core.errors import Rejected, TradingError
from core.events import EventBus
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.numbers import Money, Price
from core.orders import Fill, Order, OrderStatus, OrderType, Position
from core.rounding import MarketRules
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.pnl import day_start
from trading.prices import PriceBook
from trading.risk import Exposure, Reservation, RiskManager
from trading.store import TradingStore
from trading.trades import OURS, Booking, TradeBook

# Test-only crash hook (tests/trading/test_crash.py): with KIMP_TEST_CRASH_AT set to one of
# these, the process dies there as abruptly as a SIGKILL would (no clean-up, no flush):
# after_intent: intent written, nothing sent; after_send: the venue acknowledged, nothing
# recorded; after_fill_before_record: the venue reported a fill, not yet recorded;
# before_bracket: a futures entry filled and was recorded, its stop-loss not yet sent.
CRASH_ENV = "KIMP_TEST_CRASH_AT"
CRASH_POINTS = ("after_intent", "after_send", "after_fill_before_record", "before_bracket")
ZERO = Decimal(0)
FUNDING = "FUNDING_FEE"  # the venue's reason code of a funding payment (Binance)
__all__ = ["OURS", "Ledger"]  # OURS: our client ids' prefix (trading.trades)

NotifyFn = Callable[[Notification], None]
# Words a `Text` in the configured language. Used only for the reason written into an order's
# record (shown later as stored, like a sent notification); everything returned or notified
# stays a `Text` for the app to word.
RenderFn = Callable[[str | Text], str]
OrderListener = Callable[[Order], Awaitable[None]]


class Ledger:
    """Account state and the booking of venue answers; `OrderService` adds the order intake."""

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
        self.balances_at: dict[Venue, float] = {}  # when each venue's balances were fetched
        self.balance_errors: dict[Venue, TradingError] = {}  # why the last refresh failed
        self.positions: dict[Instrument, Position] = {}
        # Each market's rules as validation fetched them: notices show a fill's price to the
        # market's tick and its quantity to its step (8 significant digits for a market whose
        # rules this process has not seen, e.g. a liquidation right after a restart).
        self.rules: dict[Instrument, MarketRules] = {}
        # Each owner's trades and share of every position: the one source of PnL figures.
        self.trades = TradeBook()
        self.shares = self.trades.shares  # who holds how much (trading/shares.py)
        self.dirty: set[Venue] = set()
        self._daily: tuple[float, Decimal] = (0.0, ZERO)  # (day start, realised KRW)
        self._fx: tuple[float, Decimal] | None = None
        self.on_change: Callable[[], None] = lambda: None  # wakes the tracker
        self.inflight: set[str] = set()  # client ids between intent and answer

    def share_of(self, inst: Instrument, bot: str) -> Decimal:
        """`bot`'s own part of the position on `inst` (signed), never the user's beside it;
        without fills on record the position's label decides."""
        pos = self.positions.get(inst)
        if pos is None or pos.qty == 0:
            return ZERO
        if not self.shares.known(inst):
            return pos.qty if pos.bot == bot else ZERO
        self.trades.settle(inst, pos.qty, self.clock.now())
        return self.shares.of(inst, bot)

    # --- start-up ------------------------------------------------------------------------
    async def load(self) -> None:
        """Load positions and today's realised PnL from the store, balances from the venues."""
        self.trades = TradeBook()  # replayed from scratch: loading twice books nothing twice
        self.shares = self.trades.shares
        for row in await self.store.fills_in_order(self.paper):
            f = row.fill
            self.trades.add(f, row.bot, row.realized_pnl, f.client_id.startswith(OURS))
        held = {p.instrument: p for p in await self.store.positions(self.paper)}
        self.positions.update(held)
        known = {*held, *(t.instrument for t in self.trades.open_trades())}
        for inst in sorted(known, key=lambda i: (i.venue.value, str(i.symbol))):
            # what the store holds wins (a position adopted from the venue moved no fill);
            # in a fixed order, so trade ids come out the same at every start
            self.trades.settle(inst, held[inst].qty if inst in held else ZERO, self.clock.now())
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
        await self._restore_reservations()

    async def _restore_reservations(self) -> None:
        """Entries still open in the store (resting, or their outcome unknown after a crash)
        keep counting against the risk limits until they are settled."""
        for stored in await self.store.open_orders(self.paper):
            o = stored.order
            pos = self.positions.get(o.instrument)
            if not self.is_entry(
                o.instrument, o.side, o.reduce_only, o.qty, pos.qty if pos else ZERO
            ):
                continue
            ref = o.price or o.trigger_price or self.prices.price(o.instrument)
            notional = stored.quote_amount or (o.qty * ref if ref is not None else ZERO)
            try:
                rate = await self.to_krw(o.instrument.symbol.quote)
            except Rejected:
                rate = ZERO  # still counts as an open position; its size is unknown
            self.risk.restore(
                o.client_id, Reservation(o.instrument, o.qty, notional * rate, o.filled_qty)
            )

    async def refresh_balances(self, venue: Venue) -> None:
        broker = self.brokers[venue]
        try:
            bals = await broker.balances()
        except TradingError as exc:
            logger.warning("{}: balances not refreshed: {}", venue.label, exc.reason)
            self.balance_errors[venue] = exc
            return
        self.balances[venue] = {b.asset: (b.free, b.locked) for b in bals}
        self.balances_at[venue] = self.clock.now()
        self.balance_errors.pop(venue, None)
        self.dirty.discard(venue)
        await self.store.save_balances(venue, bals, self.paper, self.clock.now())

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
        status = vo.status
        if status.is_final and got < vo.filled_qty:
            status = OrderStatus.PARTIALLY_FILLED  # not final until every fill is recorded
        # What filled is in the position now: it no longer needs its reservation.
        if status.is_final:
            self.risk.release(client_id)
        else:
            self.risk.filled(client_id, got)
        if recorded:
            await self.refresh_balances(order.instrument.venue)
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
        # Booked before any other await, so the book sees fills in the order they were recorded.
        booked = self.trades.add(fill, order.bot, realized, ours=True)
        inst = fill.instrument
        pos = await self.store.position(inst, self.paper)
        if pos is not None:
            self.positions[inst] = pos
        # Counted only after the await: fills booked concurrently all count.
        self._count_today(realized * (await self.to_krw(inst.symbol.quote)))
        self.dirty.add(inst.venue)
        self.bus.publish(fill)
        mode = Text.of("order.paper") if fill.paper else ""
        pnl = await self._exit_pnl(booked, inst.symbol.quote)
        self.notify(
            Notification(
                NotificationKind.ORDER_FILLED,
                Text.of(
                    "order.filled",
                    mode=mode,
                    side=fill.side,
                    qty=self._qty(inst, fill.qty),
                    base=inst.symbol.base,
                    price=self._price(inst, fill.price),
                    quote=inst.symbol.quote,
                    venue=inst.venue,
                    fee=Money(fill.fee, fill.fee_asset),
                    fee_asset=fill.fee_asset,
                    id=fill.client_id,
                    pnl=pnl,
                ),
                dedup_key=f"fill-{inst.venue.value}-{fill.fill_id}",
            )
        )
        return True

    # --- what the venue did on its own (helper P5) ------------------------------------------
    async def book_forced(self, ev: ForcedFill) -> Decimal | None:
        """Book a liquidation / ADL / settlement fill once (by the venue's trade id): the
        position, today's realised PnL (what the daily loss limit reads), stale balances, and
        a notice at once. Returns the realised PnL booked, None when already booked."""
        fill = ev.fill if ev.fill.paper == self.paper else _with_paper(ev.fill, self.paper)
        inst = fill.instrument
        before = self.positions.get(inst)
        realized = await self.store.record_fill(fill, None, before.leverage if before else 1)
        if realized is None:
            return None
        booked = self.trades.add(fill, None, realized, ours=False)
        pos = await self.store.position(inst, self.paper)
        if pos is not None and (before is None or pos.qty * before.qty < 0):
            # a forced close is reduce-only: it never opens or flips a position
            await self.store.set_position_qty(inst, self.paper, ZERO, ZERO, fill.ts)
            pos = await self.store.position(inst, self.paper)
        if pos is not None:
            self.positions[inst] = pos
        try:
            self._count_today(realized * (await self.to_krw(inst.symbol.quote)))
        except Rejected:
            logger.warning("{}: no KRW rate, today's PnL misses {}", fill.client_id, realized)
        self.dirty.add(inst.venue)
        self.bus.publish(fill)
        self.on_change()
        key = {
            ForcedKind.LIQUIDATION: "account.liquidated",
            ForcedKind.ADL: "account.adl",
            ForcedKind.SETTLEMENT: "account.settled",
            ForcedKind.OUTSIDE: "account.outside",
            ForcedKind.ESTIMATED: "account.outside_estimated",
        }[ev.kind]
        grew = pos is not None and abs(pos.qty) > (abs(before.qty) if before else ZERO)
        if grew and ev.kind in (ForcedKind.OUTSIDE, ForcedKind.ESTIMATED):
            key += "_opened"  # grown or opened outside (another app): nothing was closed
        self.notify(
            Notification(
                NotificationKind.RISK,
                Text.of(
                    key,
                    venue=inst.venue,
                    side=fill.side,
                    qty=self._qty(inst, fill.qty),
                    base=inst.symbol.base,
                    price=self._price(inst, fill.price),
                    quote=inst.symbol.quote,
                    pnl=await self._exit_pnl(booked, inst.symbol.quote) or "",
                    qty_left=self._qty(inst, pos.qty if pos is not None else ZERO),
                ),
                dedup_key=f"forced-{inst.venue.value}-{fill.fill_id}",
            )
        )
        logger.warning("{} {} {} booked, realised {}", ev.kind, inst, fill.qty, realized)
        return realized

    async def book_funding(self, ev: AccountChanged) -> Decimal | None:
        """Book a futures funding payment (`ACCOUNT_UPDATE` with reason FUNDING_FEE) once, as
        a fill of no quantity whose fee is the payment: the position stays as it is, the
        payment is realised PnL of the trades holding it (split by their shares), today's
        PnL counts it. Returns what was booked (None: not funding, already booked, or not
        attributable to one open position)."""
        if ev.reason != FUNDING:
            return None
        held = [
            p.instrument
            for p in ev.positions
            if (pos := self.positions.get(p.instrument)) is not None and pos.qty != ZERO
        ]
        change = sum((w.change for w in ev.wallets if w.asset == "USDT"), ZERO)
        if change == ZERO or len(held) != 1:
            if change != ZERO:
                logger.warning("funding {} USDT not booked: no single open position", change)
            return None
        inst = held[0]
        pos = self.positions[inst]
        fid = f"funding-{inst.symbol.base}{inst.symbol.quote}-{int(ev.venue_ts * 1000)}"
        side = Side.BUY if pos.qty > ZERO else Side.SELL
        # qty 0 at the entry price: the position is untouched; the fee is what was paid
        fill = Fill(fid, fid, inst, side, ZERO, pos.entry_price, -change, "USDT", ev.venue_ts,
                    self.paper)  # fmt: skip
        realized = await self.store.record_fill(fill, None, pos.leverage)
        if realized is None:
            return None
        self.trades.add(fill, None, realized, ours=False)
        try:
            self._count_today(realized * (await self.to_krw("USDT")))
        except Rejected:
            logger.warning("{}: no KRW rate, today's PnL misses {}", fid, realized)
        self.dirty.add(inst.venue)
        return realized

    def _count_today(self, krw: Decimal) -> None:
        """Add to today's realised PnL (what the daily loss limit reads), from local midnight."""
        start, total = self._daily
        today = day_start(self.clock.now(), self.risk.tz)
        if today != start:
            start, total = today, ZERO
        self._daily = (start, total + krw)

    async def _exit_pnl(self, booked: list[Booking], quote: str) -> Text | str:
        """What an exit fill tells: the realised PnL of the trades it reduced or closed, so far
        (entry and exit fees included): the figure /trades, /bots and /report show for them."""
        ids = {b.trade_id for b in booked if b.exit}
        if not ids:
            return ""
        trades = [t for t in (self.trades.trade(i) for i in ids) if t is not None]
        closed_cost = sum((t.entry_price * (t.qty - t.held) for t in trades), ZERO)
        return await self._pnl_text(sum((t.realized for t in trades), ZERO), quote, closed_cost)

    async def _pnl_text(self, realized: Decimal, quote: str, cost: Decimal) -> Text:
        """A realised PnL (fees included, as /trades shows it), with its
        percentage of what the closed part cost (`cost`) and, for USDT, in KRW."""
        pnl = Money(realized, quote, signed=True)
        ratio = numbers.pnl_pct(realized, cost)
        pct = f" ({numbers.percent(ratio)}%)" if ratio is not None else ""
        if quote != "KRW":
            try:
                krw = realized * await self.to_krw(quote)
            except TradingError:
                return Text.of("order.pnl", pnl=pnl, pct=pct, quote=quote)
            krw_money = Money(krw, "KRW", signed=True)
            return Text.of("order.pnl_krw", pnl=pnl, pct=pct, quote=quote, krw=krw_money)
        return Text.of("order.pnl", pnl=pnl, pct=pct, quote=quote)

    # --- helpers --------------------------------------------------------------------------
    async def _current(self, client_id: str) -> Order:
        stored = await self.store.get(client_id)
        assert stored is not None
        return stored.order

    async def _finish_rejected(self, order: Order, reason: str | Text) -> None:
        self.risk.release(order.client_id)
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

    def exposure_now(self, equity_krw: Decimal, position_value_krw: Decimal) -> Exposure:
        """The booked account as it is at this instant (no await: the risk check and its
        reservation read it in one step)."""
        return Exposure(
            equity_krw=equity_krw,
            open_instruments=frozenset(i for i, p in self.positions.items() if p.qty != 0),
            position_value_krw=position_value_krw,
            daily_pnl_krw=self._daily[1],
        )

    @staticmethod
    def is_entry(
        inst: Instrument, side: Side, reduce_only: bool, qty: Decimal, pos: Decimal
    ) -> bool:
        """Whether an order opens or grows exposure (exits are never limited)."""
        if inst.venue is not Venue.BINANCE_FUTURES:
            return side is Side.BUY
        if reduce_only:
            return False
        reduces = (pos > 0 and side is Side.SELL) or (pos < 0 and side is Side.BUY)
        return not (reduces and qty <= abs(pos))

    async def equity_krw(self) -> Decimal:
        """Everything held on every venue, valued in KRW at current prices (unknown: skipped)."""
        total = ZERO
        for venue, bals in self.balances.items():
            quote = venue.quote
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

    def _price(self, inst: Instrument, price: Decimal) -> Price:
        """A price in a notice, to the market's tick when its rules are known."""
        rules = self.rules.get(inst)
        return Price(price, inst.symbol.quote, rules.tick_for(price) if rules else None)

    def _digits(self, inst: Instrument, price: Decimal) -> str:
        """A price's digits (no unit: the order's text names the market), to the tick."""
        rules = self.rules.get(inst)
        return numbers.price(price, rules.tick_for(price) if rules else None)

    def _qty(self, inst: Instrument, qty: Decimal) -> str:
        """A quantity in a notice, to the market's step when its rules are known."""
        rules = self.rules.get(inst)
        if not qty:
            return "0"  # nothing left: no decimals to show
        return numbers.quantity(qty, rules.step_size if rules else None)

    def _describe(self, o: Order) -> Text:
        """e.g. `buy 0.01 BTC/KRW limit @ 100 on Upbit` (ko: `업비트 BTC/KRW 지정가 매수 0.01 @ 100`);
        prices to the tick and the quantity to the step where the market's rules are known."""
        inst = o.instrument
        return Text.of(
            "order.describe",
            side=o.side,
            qty=self._qty(inst, o.qty),
            symbol=inst.symbol,
            type=o.type,
            price=f" @ {self._digits(inst, o.price)}" if o.price is not None else "",
            trigger=Text.of("order.trigger", price=self._digits(inst, o.trigger_price))
            if o.trigger_price is not None
            else "",
            venue=inst.venue,
        )

    def _crash_point(self, name: str) -> None:
        if self._crash_at == name:  # test-only hook: die like a SIGKILLed process would
            os._exit(137)


def _untranslated(text: str | Text) -> str:
    """Without the app's renderer (benchmarks): a `Text` is recorded as its catalog key."""
    return text if isinstance(text, str) else text.key


def _with_paper(f: Fill, paper: bool) -> Fill:
    return replace(f, paper=paper)
