"""What each leg of a hedge holds, from the fills of the hedge's own orders.

The hedge never keeps quantities of its own: the order service's fills (recorded once per venue
fill id, crash-safe) are the truth, read through the hedge's client ids. So the executor, the
start-up repair and the accounting all see the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
        stored = await svc.store.get(ho.client_id)
        if stored is None:
            continue  # recorded for the hedge, the crash came before its intent: never sent
        if not stored.order.status.is_final:
            pending.append(stored.order)
        for row in await svc.store.fills_of(ho.client_id):
            entries.append(LegEntry(ho.phase, row.fill))
    entries.sort(key=lambda e: e.fill.ts)
    return HedgeBook(tuple(entries), tuple(pending))


def average(entries: list[LegEntry]) -> Decimal | None:
    qty = sum((e.fill.qty for e in entries), ZERO)
    if qty <= 0:
        return None
    return sum((e.fill.qty * e.fill.price for e in entries), ZERO) / qty
