"""A hedge's PnL in KRW, split into premium change, slippage, fees and funding.

Every fill of the hedge is valued twice: at its real price (what the account got) and at the
reference price its phase was decided on (the mid of each book, recorded with the hedge before
the legs were sent). The futures leg counts in KRW at the USDT/KRW rate of that same moment.

- premium: the legs valued at the reference prices: for equal legs exactly
  qty × (change of the spot price minus the futures price in KRW), the premium's move;
- slippage: real fill prices against those references (spread and book depth);
- fees: both venues' trading fees;
- funding: funding payments on the coin's USDⓈ-M position while the hedge was open.
A leg closed outside the hedge (by hand, a liquidation) counts the trade that closed it
(`Phase.OUTSIDE`, claimed by the watch) at its own price: all of it in the premium part.
total = premium + slippage − fees + funding, exactly; the same figure as the two legs' cash
flows (fees included) plus funding. An open hedge is valued at the current mid prices (`mark`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.market import Side
from core.symbols import Venue
from trading.executor import OrderService
from trading.hedge.legs import HedgeBook
from trading.hedge.store import HedgeRecord, Phase, Ref

ZERO = Decimal(0)
FUNDING_PREFIX = "funding-"  # the ledger's funding bookings (trading.ledger.book_funding)


@dataclass(frozen=True, slots=True)
class HedgePnl:
    premium: Decimal
    slippage: Decimal
    fees: Decimal  # paid (> 0)
    funding: Decimal  # received (> 0) or paid (< 0)
    open_premium_pct: Decimal | None
    close_premium_pct: Decimal | None  # the mark's for an open hedge
    realized: bool  # False: valued at `mark` (open)

    @property
    def total(self) -> Decimal:
        return self.premium + self.slippage - self.fees + self.funding


def hedge_pnl(
    rec: HedgeRecord,
    book: HedgeBook,
    funding_usdt: Decimal,
    mark: Ref | None = None,
    refs: Mapping[str, Ref] | None = None,
) -> HedgePnl:
    """`mark`: current mid prices, valuing what the legs still hold (None: held coins count
    at the close reference, else at the open one: a closed hedge holds at most dust).
    `refs`: the reference of each partial close's orders, by client id (`HedgeStore.refs`)."""
    premium = slippage = fees = ZERO
    for e in book.entries:
        f = e.fill
        ref = (refs or {}).get(f.client_id)
        if ref is None:
            ref = rec.close_ref if e.phase is Phase.CLOSE and rec.close_ref else rec.open_ref
        if ref is None:
            continue
        fut = f.instrument.venue is Venue.BINANCE_FUTURES
        rate = ref.fx if fut else Decimal(1)
        ref_px = ref.fut if fut else ref.spot
        if e.phase is Phase.OUTSIDE:  # no decision of ours to measure slippage against
            ref_px = f.price
        sign = -1 if f.side is Side.BUY else 1  # cash in (+) on a sell
        premium += sign * f.qty * ref_px * rate
        slippage += sign * f.qty * (f.price - ref_px) * rate
        fees += e.fee_quote * rate
    value_at = mark or rec.close_ref or rec.open_ref
    if value_at is not None:
        premium += book.held(Venue.UPBIT) * value_at.spot
        premium += book.held(Venue.BINANCE_FUTURES) * value_at.fut * value_at.fx
    fx = (rec.close_ref or mark or rec.open_ref or Ref(ZERO, ZERO, ZERO)).fx
    last = rec.close_ref or mark
    return HedgePnl(
        premium, slippage, fees, funding_usdt * fx,
        rec.open_ref.premium_pct if rec.open_ref else None,
        last.premium_pct if last is not None else None,
        rec.close_ref is not None and mark is None,
    )  # fmt: skip


async def funding_usdt(svc: OrderService, rec: HedgeRecord, book: HedgeBook) -> Decimal:
    """Funding booked on the coin's futures position while the hedge held its leg (the ledger
    books each payment as a fill of no quantity whose fee is what was paid; received comes in
    negative). A position shared by several hedges gives each its share."""
    fut_entries = book.of(Venue.BINANCE_FUTURES)
    if not fut_entries:
        return ZERO
    start, end = fut_entries[0].fill.ts, rec.closed_ts or float("inf")
    inst = fut_entries[0].fill.instrument
    pos = svc.positions.get(inst)
    held = abs(book.held(Venue.BINANCE_FUTURES)) or abs(fut_entries[0].fill.qty)
    share = min(Decimal(1), held / abs(pos.qty)) if pos is not None and pos.qty else Decimal(1)
    total = ZERO
    for row in await svc.store.fills_for(inst, svc.paper):
        f = row.fill
        if f.client_id.startswith(FUNDING_PREFIX) and start <= f.ts <= end:
            total -= f.fee * share
    return total
