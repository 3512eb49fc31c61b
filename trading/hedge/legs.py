"""What each leg of a hedge holds, from the fills of the hedge's own orders.

The hedge never keeps quantities of its own: the order service's fills (recorded once per venue
fill id, crash-safe) are the truth, read through the hedge's client ids. So the executor, the
start-up repair and the accounting all see the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from core.hedge import LegFill
from core.market import Side
from core.orders import Fill, Order
from core.symbols import Venue
from trading.executor import OrderService
from trading.hedge.store import HedgeOrder, Phase

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LegEntry:
    """One fill of a hedge order, with the phase it belongs to."""

    phase: Phase
    fill: Fill

    @property
    def signed_qty(self) -> Decimal:
        """Coins the fill added to the leg (> 0 bought), net of a fee taken in the coin."""
        f = self.fill
        qty = f.qty if f.side is Side.BUY else -f.qty
        if f.fee_asset == f.instrument.symbol.base:
            qty -= f.fee
        return qty

    @property
    def fee_quote(self) -> Decimal:
        f = self.fill
        return f.fee * f.price if f.fee_asset == f.instrument.symbol.base else f.fee


@dataclass(frozen=True, slots=True)
class HedgeBook:
    """Every fill of a hedge's orders, and which of its orders are not final yet."""

    entries: tuple[LegEntry, ...]
    pending: tuple[Order, ...]  # not final (in flight, or outcome unknown after a crash)

    def held(self, venue: Venue) -> Decimal:
        """Signed coins the hedge holds on `venue` (> 0 long)."""
        return sum((e.signed_qty for e in self.entries if e.fill.instrument.venue is venue), ZERO)

    def of(self, venue: Venue, *phases: Phase) -> list[LegEntry]:
        return [
            e
            for e in self.entries
            if e.fill.instrument.venue is venue and (not phases or e.phase in phases)
        ]

    @property
    def net(self) -> Decimal:
        """Coins long across both legs: 0 when hedged; what is exposed otherwise."""
        return self.held(Venue.UPBIT) + self.held(Venue.BINANCE_FUTURES)


async def read_book(svc: OrderService, orders: list[HedgeOrder]) -> HedgeBook:
    entries: list[LegEntry] = []
    pending: list[Order] = []
    for ho in orders:
        if ho.phase is not Phase.OUTSIDE:  # an outside trade has fills but no order of ours
            stored = await svc.store.get(ho.client_id)
            if stored is None:
                continue  # recorded for the hedge, the crash came before its intent: never sent
            if not stored.order.status.is_final:
                pending.append(stored.order)
        cap = ho.qty  # an outside trade: only the coins this hedge claimed of it
        for row in await svc.store.fills_of(ho.client_id):
            f = row.fill
            if f.instrument.venue is not ho.venue:
                continue
            if cap is not None:
                if cap <= 0:
                    break
                if f.qty > cap:
                    f = replace(f, qty=cap, fee=f.fee * cap / f.qty)
                cap -= f.qty
            entries.append(LegEntry(ho.phase, f))
    entries.sort(key=lambda e: e.fill.ts)
    return HedgeBook(_clip_outside(entries), tuple(pending))


def _clip_outside(entries: list[LegEntry]) -> tuple[LegEntry, ...]:
    """An outside trade counts only as far as it closed the leg: a liquidation that closed
    several hedges' legs (or more) gives each hedge the part that brought its leg to zero."""
    held: dict[Venue, Decimal] = {}
    out: list[LegEntry] = []
    for e in entries:
        venue = e.fill.instrument.venue
        have = held.get(venue, ZERO)
        if e.phase is Phase.OUTSIDE:
            signed = e.signed_qty
            if have == 0 or (have > 0) == (signed > 0):
                continue  # it did not close anything of this leg
            take = min(abs(signed), abs(have))
            if take < e.fill.qty:
                f = e.fill
                e = LegEntry(e.phase, replace(f, qty=take, fee=f.fee * take / f.qty))
        held[venue] = have + e.signed_qty
        out.append(e)
    return tuple(out)


def average(entries: list[LegEntry]) -> Decimal | None:
    qty = sum((e.fill.qty for e in entries), ZERO)
    if qty <= 0:
        return None
    return sum((e.fill.qty * e.fill.price for e in entries), ZERO) / qty


def leg_fills(book: HedgeBook) -> tuple[LegFill | None, LegFill | None]:
    """Each leg as `core.hedge.LegFill`: what it holds now, at its average opening price, with
    every fee it paid and its client ids."""
    out: list[LegFill | None] = []
    for venue in (Venue.UPBIT, Venue.BINANCE_FUTURES):
        entries = book.of(venue)
        if not entries:
            out.append(None)
            continue
        first = entries[0].fill.side
        opening = [e for e in entries if e.fill.side is first]
        out.append(
            LegFill(
                venue.value, abs(book.held(venue)), average(opening) or ZERO,
                sum((e.fee_quote for e in entries), ZERO),
                tuple(dict.fromkeys(e.fill.client_id for e in entries)),
            )
        )  # fmt: skip
    return out[0], out[1]
