"""Protection as an invariant: every open futures position keeps its stop-loss / take-profit.

A position's protection is a durable spec in the kv table (`protect:<mode>:<symbol>`: the
levels, the entry they belong to, the position's side, and since when it has been unprotected),
written when its entry fills and before any protective order is sent. `check` compares each open
futures position with its live protective orders (reduce-only STOP_MARKET / TAKE_PROFIT_MARKET
on the opposite side, their open quantity summing to the position's size) and places what is
missing through the order service (intent written before sending, under our client id), so a
crash between the entry fill and the stop-loss send is repaired by the next check: at start-up,
after a fill, or periodically. A re-placement outside the entry's own fill is announced as
"position was unprotected for N s".

The same check keeps a Binance spot holding's stop-loss (`venue=Venue.BINANCE_SPOT`, driven by
`trading.spot_stops`): one STOP_MARKET sell (Binance's STOP_LOSS) for the whole holding, not
reduce-only (spot has none), its spec under `protect:<mode>:binance_spot:<symbol>`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

from loguru import logger

from core.clock import Clock
from core.errors import TradingError
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.orders import Order, OrderRequest, OrderStatus, OrderType
from core.rounding import to_step
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.bracket_policy import BracketGuard
from trading.executor import OrderService, SubmitResult
from trading.store import StoredOrder

PROTECTIVE = (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Spec:
    """What protects one position: trigger prices ("" when none), the entry they came with (the
    protective orders' parent), the position's side, and since when it lacks them (None: it
    was protected when last checked)."""

    entry: str
    side: Side
    stop_loss: str
    take_profit: str
    bot: str | None
    since: float | None

    def dump(self) -> str:
        return json.dumps(
            {
                "entry": self.entry, "side": self.side.value, "sl": self.stop_loss,
                "tp": self.take_profit, "bot": self.bot, "since": self.since,
            }
        )  # fmt: skip

    @staticmethod
    def load(raw: str) -> Spec:
        d = json.loads(raw)
        return Spec(d["entry"], Side(d["side"]), d["sl"], d["tp"], d["bot"], d["since"])


def is_protective(o: Order, venue: Venue = Venue.BINANCE_FUTURES) -> bool:
    if o.instrument.venue is not venue or o.type not in PROTECTIVE:
        return False
    return o.reduce_only or venue is Venue.BINANCE_SPOT  # spot orders are never reduce-only


class Protection:
    """`guard`: the failure policy for a protective order the venue refuses (without one, the
    refusal is only notified and the next check tries again)."""

    def __init__(
        self,
        svc: OrderService,
        kv: KeyValueStore,
        clock: Clock | None = None,
        guard: BracketGuard | None = None,
        venue: Venue = Venue.BINANCE_FUTURES,
    ) -> None:
        self.svc = svc
        self.venue = venue
        self.kv = kv
        self.clock = clock or svc.clock
        self.guard = guard
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None

    def _key(self, symbol: Symbol) -> str:
        mode = "paper" if self.svc.paper else "live"
        if self.venue is Venue.BINANCE_FUTURES:
            return f"protect:{mode}:{symbol}"
        return f"protect:{mode}:{self.venue.value}:{symbol}"  # BTC/USDT is on both venues

    async def spec(self, inst: Instrument) -> Spec | None:
        raw = await self.kv.get(self._key(inst.symbol))
        return Spec.load(raw) if raw else None

    async def adopt(self, entry: Order, stop_loss: str, take_profit: str) -> None:
        """Record the levels that protect the position `entry` opened (or added to), before
        any of its protective orders is sent."""
        spec = Spec(entry.client_id, entry.side, stop_loss, take_profit, entry.bot,
                    entry.updated_ts)  # fmt: skip
        await self.kv.set(self._key(entry.instrument.symbol), spec.dump())

    async def forget(self, inst: Instrument) -> None:
        """The position is being closed on purpose: nothing to protect any more."""
        await self.kv.set(self._key(inst.symbol), "")

    async def protective_ids(self) -> set[str]:
        """Client ids of the live orders protecting open futures positions."""
        held = {i for i, p in self.svc.positions.items() if p.qty != 0}
        return {
            s.order.client_id
            for s in await self.svc.store.open_orders(self.svc.paper)
            if is_protective(s.order, self.venue) and s.order.instrument in held
        }

    async def check(
        self, inst: Instrument | None = None, *, announce: bool = True, busy_ok: bool = False
    ) -> list[Instrument]:
        """Place what is missing; returns the instruments whose protection was re-placed.

        `busy_ok`: check an instrument even while one of its orders is in flight (the fill
        listener of that very order); the periodic and start-up checks leave those for later.
        """
        if self._held_here():
            return []  # reached again from inside a check or a close (an order's own fill)
        async with self.hold():
            return await self._check(inst, announce, busy_ok)

    def _held_here(self) -> bool:
        return self._holder is not None and self._holder is asyncio.current_task()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """No check runs meanwhile (a close cancels the stops before its order fills)."""
        if self._held_here():
            yield
            return
        async with self._lock:
            self._holder = asyncio.current_task()
            try:
                yield
            finally:
                self._holder = None

    async def _check(
        self, only: Instrument | None, announce: bool, busy_ok: bool
    ) -> list[Instrument]:
        if self.venue not in self.svc.brokers:
            return []
        open_orders = await self.svc.store.open_orders(self.svc.paper)
        # An order in flight, or a close still open, changes the position: checked after it.
        busy = {
            s.order.instrument
            for s in open_orders
            if s.order.client_id in self.svc.inflight or s.order.type is OrderType.MARKET
        }
        targets = {i for i in self.svc.positions if i.venue is self.venue}
        if only is not None:
            targets = {only}
        fixed = []
        for inst in sorted(targets, key=str):
            if inst in busy and not busy_ok:
                continue
            try:
                if await self._protect(inst, open_orders, announce):
                    fixed.append(inst)
            except TradingError as exc:
                logger.warning("{}: protection not checked: {}", inst, exc.reason)
        return fixed

    async def _protect(
        self, inst: Instrument, open_orders: list[StoredOrder], announce: bool
    ) -> bool:
        spec = await self.spec(inst)
        if spec is None:
            return False
        pos = self.svc.positions.get(inst)
        size = abs(pos.qty) if pos is not None else ZERO
        pos_side = None if pos is None or pos.qty == 0 else (Side.BUY if pos.qty > 0 else Side.SELL)
        if pos_side is not spec.side:
            await self.forget(inst)  # flat, or turned round: these levels protect nothing now
            return False
        rules = self.svc.rules.get(inst)
        if self.venue is Venue.BINANCE_SPOT and rules is not None:
            # a spot holding net of a fee taken in the coin is off the lot grid: the stop covers
            # what can be sold, so a dust remainder never reads as "missing"
            size = to_step(size, rules.step_size)
        exit_side = Side.SELL if spec.side is Side.BUY else Side.BUY
        live = [
            s.order
            for s in open_orders
            if s.order.instrument == inst and is_protective(s.order, self.venue)
            and s.order.side is exit_side
            and (s.order.status is not OrderStatus.INTENT or s.order.client_id in self.svc.inflight)
        ]  # fmt: skip
        missing: list[tuple[OrderType, str, Decimal]] = []
        for typ, level in ((OrderType.STOP_MARKET, spec.stop_loss),
                           (OrderType.TAKE_PROFIT_MARKET, spec.take_profit)):  # fmt: skip
            if not level:
                continue
            mine = [o for o in live if o.type is typ]
            covered = sum((o.qty - o.filled_qty for o in mine), ZERO)
            if covered == size:
                continue
            if covered > size:  # the position shrank: one order for what is left
                for o in mine:
                    await self.svc.cancel(o.client_id)
                covered = ZERO
            missing.append((typ, level, size - covered))
        if not missing:
            if spec.since is not None:
                await self.kv.set(self._key(inst.symbol), _with_since(spec, None))
            return False
        since = spec.since if spec.since is not None else await self._lost_since(spec)
        await self.kv.set(self._key(inst.symbol), _with_since(spec, since))
        placed = []
        for typ, level, qty in missing:
            self.svc._crash_point("before_bracket")
            req = OrderRequest(
                inst, exit_side, typ, qty=qty, trigger_price=Decimal(level),
                reduce_only=self.venue is Venue.BINANCE_FUTURES, bot=spec.bot,
                reason=f"{typ.value} for {spec.entry}",
            )  # fmt: skip
            res = await self.svc.submit(req, parent=spec.entry)
            if not res.accepted and self.guard is not None and await self._refused_for_good(res):
                retried = await self._refused(inst, req, spec, res)
                if retried is None:
                    break  # closed, or the user alerted: nothing more to place now
                res = retried
            if res.accepted:
                placed.append(typ)
                continue
            text = Text.of(
                "risk.no_bracket", symbol=inst.symbol, what=Text.of(f"risk.bracket.{typ.value}"),
                reason=res.reason,
            )  # fmt: skip
            logger.error("{} position open without its {}: {}", inst, typ, res.reason)
            key = f"no-bracket-{spec.entry}-{typ.value}-{since}"  # once per episode
            self.svc.notify(Notification(NotificationKind.RISK, text, dedup_key=key))
        if len(placed) == len(missing):
            await self.kv.set(self._key(inst.symbol), _with_since(spec, None))
        if placed and announce:
            seconds = max(0.0, self.clock.now() - since)
            what = (
                Text.of(f"risk.bracket.{placed[0].value}")
                if len(placed) == 1
                else Text.of("risk.bracket.both")
            )
            logger.warning("{} was unprotected for {:.0f}s: {} placed again", inst, seconds, what)
            self.svc.notify(
                Notification(
                    NotificationKind.RISK,
                    Text.of(
                        "risk.unprotected", symbol=inst.symbol, seconds=f"{seconds:.0f}", what=what
                    ),
                )
            )
        return bool(placed)

    async def _refused_for_good(self, res: SubmitResult) -> bool:
        """Refused, not "outcome unknown" (that order may be live: the tracker settles it)."""
        if res.order is None:
            return True  # refused before it was written (validation, risk)
        stored = await self.svc.store.get(res.order.client_id)
        return stored is None or stored.order.status is OrderStatus.REJECTED

    async def _refused(
        self, inst: Instrument, req: OrderRequest, spec: Spec, res: SubmitResult
    ) -> SubmitResult | None:
        """The venue refused a protective order: the policy says place it again once (the
        result of that), or it closed the position / alerted the user (None)."""
        assert self.guard is not None
        why = Text.of("bracket.why.refused", reason=res.reason)
        if not await self.guard.failed(inst, req.type, spec.bot, why):
            return None
        again = await self.svc.submit(req, parent=spec.entry)
        if again.accepted:
            return again
        why = Text.of("bracket.why.refused", reason=again.reason)
        await self.guard.failed(inst, req.type, spec.bot, why)
        return None

    async def _lost_since(self, spec: Spec) -> float:
        """When a protected position lost its protection: its protective orders' last change."""
        ends = [
            s.order.updated_ts
            for s in await self.svc.store.children(spec.entry)
            if s.order.status.is_final
        ]
        return max(ends) if ends else self.clock.now()

    async def run(self, interval: float = 30.0) -> None:
        """The periodic check (a supervised component)."""
        while True:
            await self.clock.sleep(interval)
            await self.check(announce=True)


def _with_since(spec: Spec, since: float | None) -> str:
    return Spec(spec.entry, spec.side, spec.stop_loss, spec.take_profit, spec.bot, since).dump()
