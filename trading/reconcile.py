"""Start-up reconciliation: our records against what the venue says, differences reported.

- orders we left open or as INTENT (a crash between writing and sending, or between sending
  and recording the answer) are looked up by client id and brought up to date, fills included;
- open orders on the venue that we did not place are reported (placed by hand);
- futures positions and spot holdings that differ from ours are reported and the venue's
  numbers adopted (trades made by hand, or fills we could not see).

`book_outside` (`trading/outside.py`) books a futures position that changed at the venue
without our seeing it; both this start-up pass and the tracker's periodic position check call
it before adopting.
"""

from __future__ import annotations

from decimal import Decimal

from loguru import logger

from core import numbers
from core.errors import NotFound, TradingError
from core.orders import OrderStatus, OrderType
from core.symbols import Instrument, Venue
from core.text import Text
from trading.executor import OrderService
from trading.outside import book_outside

__all__ = ["book_outside", "reconcile"]

ZERO = Decimal(0)


async def reconcile(svc: OrderService) -> list[Text]:
    """Returns one line per difference found (empty: all in agreement), for the app to word."""
    lines: list[Text] = []
    t = Text.of
    for stored in await svc.store.open_orders(svc.paper):
        o = stored.order
        broker = svc.brokers.get(o.instrument.venue)
        if broker is None:
            continue
        if o.status is OrderStatus.INTENT:
            vo = await svc.resolve(o)
            if vo is not None:
                await svc.apply(o.client_id, vo)
                cur = await svc.store.get(o.client_id)
                status: OrderStatus | str = cur.order.status if cur else "?"
                lines.append(t("reconcile.now", id=o.client_id, status=status))
            else:
                lines.append(t("reconcile.never_reached", id=o.client_id, venue=broker.venue))
            continue
        conditional = o.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
        try:
            vo = await broker.fetch(o.instrument.symbol, o.client_id, conditional)
        except NotFound:
            svc.risk.release(o.client_id)  # settled: no longer counts against the limits
            await svc.store.advance(
                o.client_id, OrderStatus.CANCELLED, svc.clock.now(), reason="gone from the venue"
            )
            lines.append(t("reconcile.gone", id=o.client_id, venue=broker.venue))
            continue
        except TradingError as exc:
            lines.append(t("reconcile.unchecked", id=o.client_id, reason=exc.reason))
            continue
        updated = await svc.apply(o.client_id, vo)
        if updated is not None and updated.status is not o.status:
            lines.append(t("reconcile.changed", id=o.client_id, old=o.status, new=updated.status))
    for venue, broker in svc.brokers.items():
        try:
            lines += await _venue_differences(svc, venue)
        except TradingError as exc:
            lines.append(t("reconcile.failed", venue=broker.venue, reason=exc.reason))
    for line in lines:
        logger.warning("reconcile: {} {}", line.key, dict(line.params))
    return lines


async def _venue_differences(svc: OrderService, venue: Venue) -> list[Text]:
    broker = svc.brokers[venue]
    t = Text.of
    name = broker.venue
    lines = []
    for vo in await broker.open_orders():
        if not vo.client_id or await svc.store.get(vo.client_id) is None:
            what = dict(
                venue=name,
                side=vo.side,
                qty=numbers.quantity(vo.qty),
                symbol=vo.symbol,
                type=vo.type,
            )
            if vo.price:
                lines.append(t("reconcile.foreign_at", price=numbers.price(vo.price), **what))
            else:
                lines.append(t("reconcile.foreign", **what))
    now = svc.clock.now()
    ours = {i: p for i, p in svc.positions.items() if i.venue is venue}
    if venue is Venue.BINANCE_FUTURES:
        theirs = {p.instrument: p for p in await broker.positions()}
        for inst in set(ours) | set(theirs):
            mine = ours[inst].qty if inst in ours else ZERO
            real = theirs[inst].qty if inst in theirs else ZERO
            if mine != real and await book_outside(svc, inst, mine, real):
                mine = svc.positions[inst].qty if inst in svc.positions else ZERO
            if mine != real:
                entry = theirs[inst].entry_price if inst in theirs else ZERO
                await svc.store.set_position_qty(inst, svc.paper, real, entry, now)
                lines.append(
                    t(
                        "reconcile.position_adopted",
                        venue=name,
                        symbol=inst.symbol,
                        ours=numbers.quantity(mine),
                        real=numbers.quantity(real),
                    )
                )
    else:
        held = {b.asset: b.total for b in await broker.balances()}
        for inst, pos in ours.items():
            real = held.get(inst.symbol.base, ZERO)
            if real < pos.qty:
                await svc.store.set_position_qty(inst, svc.paper, real, pos.entry_price, now)
                lines.append(
                    t(
                        "reconcile.holding_adopted",
                        venue=name,
                        symbol=inst.symbol,
                        ours=numbers.quantity(pos.qty),
                        real=numbers.quantity(real),
                    )
                )
    for p in await svc.store.positions(svc.paper):
        svc.positions[p.instrument] = p
    stale = [i for i in svc.positions if i.venue is venue and i not in _open(svc, venue)]
    for inst in stale:
        svc.positions.pop(inst, None)
    return lines


def _open(svc: OrderService, venue: Venue) -> set[Instrument]:
    return {i for i, p in svc.positions.items() if i.venue is venue and p.qty != 0}
