"""One leg of a hedge: the order it sends, and its wait for the fill.

Each leg is an ordinary market order of the order service (validation, risk, intent before
send, lookup on a lost answer) under a client id the hedge recorded first.
"""

from __future__ import annotations

from decimal import Decimal

from core.market import Side
from core.orders import Order, OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.executor import OrderService
from trading.hedge.store import HedgeRecord, Phase

SPOT, FUT = Venue.UPBIT, Venue.BINANCE_FUTURES


def spot_inst(coin: str) -> Instrument:
    return Instrument(SPOT, Symbol(coin, "KRW"))


def fut_inst(coin: str) -> Instrument:
    return Instrument(FUT, Symbol(coin, "USDT"))


def said(reason: str | Text) -> Text:
    """A refusal as a `Text` (a venue's own words are kept as they are)."""
    return reason if isinstance(reason, Text) else Text.of("hedge.venue_said", why=reason)


def leg_request(
    rec: HedgeRecord, venue: Venue, side: Side, qty: Decimal, phase: Phase, reduce_only: bool
) -> OrderRequest:
    """The market order of one leg. Its reason is the plain tag the order layer keeps."""
    inst = spot_inst(rec.coin) if venue is SPOT else fut_inst(rec.coin)
    fut = venue is FUT
    return OrderRequest(
        inst, side, OrderType.MARKET, qty=qty, reduce_only=fut and reduce_only,
        leverage=rec.leverage if fut else None, bot=rec.bot,
        reason=f"hedge {rec.hedge_id} {phase.value}",
    )  # fmt: skip


async def send_leg(svc: OrderService, req: OrderRequest, cid: str, fill_wait: float) -> Text | None:
    """Send one leg and wait for its fill; None when something filled, else why not."""
    res = await svc.submit(req, client_id=cid)
    if not res.accepted or res.order is None:
        return said(res.reason or "refused")
    order = await await_final(svc, res.order, fill_wait)
    if order.filled_qty <= 0:
        return Text.of("hedge.not_filled", status=order.status.value)
    return None


async def await_final(svc: OrderService, order: Order, fill_wait: float) -> Order:
    """Upbit reports a market fill a moment after the order (the tracker polls); one still
    open after `fill_wait` is cancelled and taken for what filled."""
    waited = 0.0
    while not order.status.is_final and waited < fill_wait:
        svc.on_change()
        await svc.clock.sleep(0.05)
        waited += 0.05
        stored = await svc.store.get(order.client_id)
        order = stored.order if stored is not None else order
    if not order.status.is_final:
        res = await svc.cancel(order.client_id)
        order = res.order or order
    return order
