"""Book what changed a futures position at the venue without our seeing it.

A liquidation, ADL or a close by hand while the user stream was down shrinks or closes it; an
order placed in another app or the web UI can also grow it or turn it around. Each change is
booked through the ledger as forced fills (the position, its entry price, today's realised PnL
for the daily loss limit, a notice at once): from the venue's trades since our last fill that
we have not recorded, where the broker has a trade history; what they do not explain is priced
at the last mark and labelled ESTIMATED. A fill that turns the position around is booked as the
close of the old one (realised) and the opening of the new one, so both are accounted.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from loguru import logger

from core.account import AccountTrade, ForcedFill, ForcedKind
from core.broker import TradeHistory
from core.errors import TradingError
from core.market import Side
from core.orders import Fill
from core.symbols import Instrument
from trading.executor import OrderService

ZERO = Decimal(0)
HISTORY_DAYS = 7  # how far back the venue answers one trade-history query


async def book_outside(svc: OrderService, inst: Instrument, mine: Decimal, real: Decimal) -> bool:
    """Book the change of our position `mine` to the venue's `real`. True when anything was
    booked or tried (the caller adopts what is still different); False when they agree."""
    if mine == real:
        return False
    rows = await svc.store.fills_for(inst, svc.paper)
    booked = {r.fill.fill_id for r in rows}
    now = svc.clock.now()
    since = rows[-1].fill.ts if rows else now - HISTORY_DAYS * 86400
    pos = mine
    for trade in await _history(svc, inst, since):
        if pos == real:
            break
        fill = trade.fill
        toward = Side.BUY if real > pos else Side.SELL
        if fill.fill_id in booked or fill.side is not toward:
            continue
        part = replace(fill, qty=min(fill.qty, abs(real - pos)))
        pos = await _book(svc, pos, part, trade, ForcedKind.OUTSIDE, now)
    if pos != real:
        mark = svc.prices.price(inst)
        if mark is None:
            logger.warning("{}: {} -> {} at the venue, no price to estimate it", inst, pos, real)
            return True
        stamp = int(now * 1000)
        side = Side.BUY if real > pos else Side.SELL
        fill = Fill(
            f"estimated-{stamp}", f"estimated-{stamp}", inst, side, abs(real - pos), mark, ZERO,
            inst.symbol.quote, now, svc.paper,
        )  # fmt: skip
        await _book(svc, pos, fill, AccountTrade(fill, "", ZERO), ForcedKind.ESTIMATED, now)
    return True


async def _history(svc: OrderService, inst: Instrument, since: float) -> list[AccountTrade]:
    broker = svc.brokers.get(inst.venue)
    if not isinstance(broker, TradeHistory):
        return []
    try:
        return await broker.account_trades(inst.symbol, since)
    except TradingError as exc:
        logger.warning("{}: no trade history ({}); estimating", inst, exc.reason)
        return []


async def _book(
    svc: OrderService, pos: Decimal, fill: Fill, trade: AccountTrade, kind: ForcedKind, now: float
) -> Decimal:
    """Book `fill` (all or part of `trade`) on a position of `pos`; returns the position after
    it. One that crosses zero is booked as two fills (the ledger keeps a forced close from
    flipping a position); the venue's realised PnL goes with the closing part."""
    order_id, realized = trade.order_id, trade.realized_pnl
    signed = fill.qty if fill.side is Side.BUY else -fill.qty
    crosses = pos != 0 and (pos > 0) != (signed > 0) and abs(signed) > abs(pos)
    if crosses:
        share = abs(pos) / fill.qty
        close = replace(fill, qty=abs(pos), fee=fill.fee * share)
        await svc.book_forced(ForcedFill(kind, close, order_id, realized, fill.ts, now))
        fill = replace(
            fill, fill_id=f"{fill.fill_id}:open", qty=fill.qty - abs(pos),
            fee=fill.fee - close.fee,
        )  # fmt: skip
        realized = ZERO
    opens = pos == 0 or (pos > 0) == (signed > 0)
    await svc.book_forced(
        ForcedFill(kind, fill, order_id, ZERO if opens else realized, fill.ts, now)
    )
    return pos + signed
