"""The watch on open hedges: a leg taken away outside the hedge.

The hedge's own orders say what each leg should hold; the account says what is there. When a
forward hedge's coins leave Upbit (sold by hand, withdrawn), its futures short is no longer a
hedge but a naked short; when its futures position is gone (closed by hand, liquidated), the
spot leg is unhedged. The user is told at once and the policy runs on the leg that is left:
`unwind` flattens it, `alert` keeps it (the hedge is `exposed`; /hedge close <id> flattens).
Both legs gone: the hedge was closed outside; it is marked closed.

A stop-loss is deliberately never placed on the futures leg (the spot coins are its cover, and
a stop would turn the hedge into a naked spot position exactly when the premium moves); the
protection check keeps levels only for positions opened with them, so it never flags it.
"""

from __future__ import annotations

from decimal import Decimal

from core.hedge import HedgeDirection
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.numbers import Money
from core.symbols import Venue
from core.text import Text
from trading.hedge.executor import FailurePolicy, HedgeExecutor
from trading.hedge.leg import FUT, SPOT, fut_inst, spot_inst
from trading.hedge.legs import HedgeBook, read_book
from trading.hedge.store import HedgeOrder, HedgeRecord, HedgeState, Phase

ZERO = Decimal(0)
SLACK = Decimal("0.99")  # a leg counts as there while at least 99 % of it is


async def watch(ex: HedgeExecutor) -> list[Text]:
    """One pass over the open hedges; returns what the user was told. What the account holds
    is handed out to the hedges oldest first: the ones it no longer covers lost a leg."""
    recs = [
        r for r in await ex.store.hedges(ex.svc.paper, active=True) if r.state is HedgeState.OPEN
    ]
    if not recs:
        return []
    recs.sort(key=lambda r: (r.opened_ts, r.hedge_id))
    if any(r.direction is HedgeDirection.FORWARD for r in recs):
        await ex.svc.refresh_balances(Venue.UPBIT)
    balances = ex.svc.balances.get(Venue.UPBIT, {})
    spot_left: dict[str, Decimal] = {}
    fut_left: dict[str, Decimal] = {}
    out: list[Text] = []
    for rec in recs:
        book = await read_book(ex.svc, await ex.store.orders(rec.hedge_id))
        coin = rec.coin
        if coin not in fut_left:
            pos = ex.svc.positions.get(fut_inst(coin))
            fut_left[coin] = pos.qty if pos is not None else ZERO
            spot_left[coin] = sum(balances.get(coin, (ZERO, ZERO)), ZERO)
        need = book.held(FUT)
        fut_gone = need != 0 and not _covers(fut_left[coin], need)
        if not fut_gone:
            fut_left[coin] -= need
        spot_gone = False
        if rec.direction is HedgeDirection.FORWARD:
            spot_gone = not _covers(spot_left[coin], book.held(SPOT))
            if not spot_gone:
                spot_left[coin] -= book.held(SPOT)
        if not (fut_gone or spot_gone):
            continue
        async with ex.lock(rec.hedge_id):
            text = await _lost(ex, rec, book, spot_gone, fut_gone, spot_left[coin])
        ex.svc.notify(Notification(NotificationKind.RISK, text, dedup_key=f"lost-{rec.hedge_id}"))
        out.append(text)
    return out


async def claim_outside(ex: HedgeExecutor, rec: HedgeRecord, book: HedgeBook, venue: Venue) -> None:
    """The trades that took the leg on `venue` away (booked by the ledger: a close by hand,
    or a liquidation / close at the venue booked from its trades, `trading.outside`), claimed
    for the hedge so its PnL, and /hedge, /profit and the report with it, count what they
    realised: after the leg's last fill, on the closing side, not another hedge's, until they
    cover what the leg held (`legs.read_book` counts each only as far as it closed the leg)."""
    need = book.held(venue)
    if need == 0:
        return
    inst = fut_inst(rec.coin) if venue is FUT else spot_inst(rec.coin)
    start = max((e.fill.ts for e in book.of(venue)), default=rec.opened_ts)
    own, used = await ex.store.claimed()
    toward = Side.BUY if need < 0 else Side.SELL
    left = abs(need)
    free: dict[str, Decimal] = {}  # per client id (an order may have several fills)
    for row in await ex.svc.store.fills_for(inst, ex.svc.paper):
        f = row.fill
        if f.ts >= start and f.client_id not in own and f.side is toward and f.qty > 0:
            free[f.client_id] = free.get(f.client_id, ZERO) + f.qty
    claims: list[HedgeOrder] = []
    for cid, qty in free.items():
        take = min(qty - used.get(cid, ZERO), left)
        if take <= 0:
            continue
        claims.append(HedgeOrder(cid, rec.hedge_id, Phase.OUTSIDE, venue, start, take))
        left -= take
        if left <= 0:
            break
    if claims:
        await ex.store.add_outside(rec.hedge_id, claims)


def _covers(left: Decimal, need: Decimal) -> bool:
    """What is left on the account still holds (nearly all of) `need`, on the same side."""
    return need == 0 or (left * need > 0 and abs(left) >= abs(need) * SLACK)


async def _lost(
    ex: HedgeExecutor, rec: HedgeRecord, book: HedgeBook, spot_gone: bool, fut_gone: bool,
    held: Decimal,
) -> Text:  # fmt: skip
    now = ex.svc.clock.now()
    hid, coin = rec.hedge_id, rec.coin
    for venue, gone in ((SPOT, spot_gone), (FUT, fut_gone)):
        if gone:
            await claim_outside(ex, rec, book, venue)
    book = await read_book(ex.svc, await ex.store.orders(hid))
    if spot_gone and fut_gone:
        await ex.store.set_state(hid, HedgeState.CLOSED, now, note="hedge.closed_outside",
                                 closed=True)  # fmt: skip
        return Text.of("hedge.both_gone", id=hid, coin=coin)
    left = FUT if spot_gone else SPOT
    key = "hedge.spot_gone" if spot_gone else "hedge.fut_gone"
    note = "hedge.spot_gone_note" if spot_gone else "hedge.fut_gone_note"
    action = Text.of("hedge.kept", id=hid)
    state = HedgeState.EXPOSED
    if ex.policy is FailurePolicy.UNWIND:
        qty = book.held(left)
        _book, failed = await ex.send(
            rec,
            {left: (Side.SELL if qty > 0 else Side.BUY, abs(qty))},
            Phase.UNWIND,
            reduce_only=True,
        )
        if not failed:
            state, action = HedgeState.UNWOUND, Text.of("hedge.flattened", venue=left)
    await ex.store.set_state(hid, state, now, note=note, closed=state is HedgeState.UNWOUND)
    return Text.of(key, id=hid, coin=coin, held=Money(held, coin), action=action)
