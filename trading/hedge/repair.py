"""Start-up repair of hedges a crash left half done, and the watch on open hedges' spot legs.

Runs after the order reconciliation (`trading.reconcile`), which has already settled every
order the crash left as an intent or in flight, so each hedge's fills are the whole truth:
- `opening` with both legs held: completed before the crash; it is open (top-up if uneven);
- `opening` with one leg held: policy `unwind` flattens it; policy `alert` places the missing
  leg (the hedge is completed). Never left one-sided without the user told;
- `opening` with nothing held: nothing happened; it is marked refused;
- `closing`: what is left of either leg is flattened (the close is finished).
Each repair is one line of the report the app sends to the user.

`watch` checks open forward hedges against the Upbit balance: when the coins of the spot leg
are gone (sold by hand, withdrawn), the futures short is no longer a hedge but a naked short;
the policy then flattens it (`unwind`) or tells the user (`alert`).
"""

from __future__ import annotations

from decimal import Decimal

from loguru import logger

from core.errors import TradingError
from core.hedge import HedgeDirection
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.numbers import Money
from core.symbols import Venue
from core.text import Text
from trading.hedge.executor import FUT, SPOT, FailurePolicy, HedgeExecutor
from trading.hedge.legs import HedgeBook, read_book
from trading.hedge.sizing import fut_adjustment
from trading.hedge.store import HedgeRecord, HedgeState, Phase

ZERO = Decimal(0)


async def repair(ex: HedgeExecutor) -> list[Text]:
    lines: list[Text] = []
    for rec in await ex.store.hedges(ex.svc.paper, active=True):
        if rec.state not in (HedgeState.OPENING, HedgeState.CLOSING):
            continue
        try:
            line = await _repair_one(ex, rec)
        except TradingError as exc:
            line = Text.of("hedge.repair_failed", id=rec.hedge_id, reason=exc.reason)
        logger.warning("hedge repair: {} {}", line.key, dict(line.params))
        lines.append(line)
    return lines


async def _repair_one(ex: HedgeExecutor, rec: HedgeRecord) -> Text:
    book = await read_book(ex.svc, await ex.store.orders(rec.hedge_id))
    now = ex.svc.clock.now
    hid = rec.hedge_id
    if book.pending:
        return Text.of("hedge.repair_pending", id=hid)
    spot, fut = book.held(SPOT), book.held(FUT)
    if rec.state is HedgeState.CLOSING:
        book, failed = await ex.flatten_legs(rec, book, Phase.REPAIR)
        if failed:
            return await _exposed(ex, rec, book)
        await ex.store.set_state(hid, HedgeState.CLOSED, now(), closed=True)
        return Text.of("hedge.repaired_closed", id=hid, coin=rec.coin)
    if spot == 0 and fut == 0:
        await ex.store.set_state(hid, HedgeState.REFUSED, now(), note="hedge.nothing_filled")
        return Text.of("hedge.repaired_nothing", id=hid, coin=rec.coin)
    if spot != 0 and fut != 0:
        _spot_rules, fut_rules = await ex.rules(rec.coin)
        await ex.balance(rec, book, fut_rules)
        await ex.store.set_state(hid, HedgeState.OPEN, now())
        return Text.of("hedge.repaired_both", id=hid, coin=rec.coin)
    lone = SPOT if spot != 0 else FUT
    if ex.policy is FailurePolicy.UNWIND:
        book, failed = await ex.flatten_legs(rec, book, Phase.REPAIR)
        if failed:
            return await _exposed(ex, rec, book)
        await ex.store.set_state(hid, HedgeState.UNWOUND, now(), note="hedge.crashed",
                                 closed=True)  # fmt: skip
        return Text.of("hedge.repaired_flattened", id=hid, coin=rec.coin, venue=lone)
    held = spot if lone is SPOT else fut
    missing = FUT if lone is SPOT else SPOT
    side = Side.SELL if held > 0 else Side.BUY
    _spot_rules, fut_rules = await ex.rules(rec.coin)
    # the futures leg trades whole lots: the nearest one, then topped up / trimmed as usual
    qty = fut_adjustment(held, fut_rules) if missing is FUT else abs(held)
    book, failed = await ex.send(rec, {missing: (side, qty)}, Phase.REPAIR)
    if failed:
        return await _exposed(ex, rec, book)
    await ex.balance(rec, book, fut_rules)
    await ex.store.set_state(hid, HedgeState.OPEN, now())
    return Text.of("hedge.repaired_completed", id=hid, coin=rec.coin, venue=missing)


async def _exposed(ex: HedgeExecutor, rec: HedgeRecord, book: HedgeBook) -> Text:
    await ex.store.set_state(rec.hedge_id, HedgeState.EXPOSED, ex.svc.clock.now(),
                             note="hedge.crashed")  # fmt: skip
    exposure = await ex.exposure_krw(rec.coin, book)
    return Text.of("hedge.repaired_exposed", id=rec.hedge_id, coin=rec.coin,
                   exposure=Money(exposure, "KRW"))  # fmt: skip


async def watch(ex: HedgeExecutor) -> list[Text]:
    """Open forward hedges whose spot coins are no longer on the Upbit account."""
    out: list[Text] = []
    recs = [
        r
        for r in await ex.store.hedges(ex.svc.paper, active=True)
        if r.state is HedgeState.OPEN and r.direction is HedgeDirection.FORWARD
    ]
    if not recs:
        return out
    await ex.svc.refresh_balances(Venue.UPBIT)
    balances = ex.svc.balances.get(Venue.UPBIT, {})
    needed: dict[str, Decimal] = {}
    books: dict[str, HedgeBook] = {}
    for rec in recs:
        books[rec.hedge_id] = await read_book(ex.svc, await ex.store.orders(rec.hedge_id))
        needed[rec.coin] = needed.get(rec.coin, ZERO) + books[rec.hedge_id].held(SPOT)
    for rec in recs:
        free, locked = balances.get(rec.coin, (ZERO, ZERO))
        book = books[rec.hedge_id]
        if free + locked >= needed[rec.coin] * Decimal("0.99") or book.held(FUT) == 0:
            continue
        text = Text.of("hedge.spot_gone", id=rec.hedge_id, coin=rec.coin,
                       held=Money(free + locked, rec.coin),
                       need=Money(needed[rec.coin], rec.coin))  # fmt: skip
        ex.svc.notify(
            Notification(NotificationKind.RISK, text, dedup_key=f"spot-gone-{rec.hedge_id}")
        )
        out.append(text)
        if ex.policy is FailurePolicy.UNWIND:
            fut = book.held(FUT)
            book, failed = await ex.send(
                rec, {FUT: (Side.BUY if fut < 0 else Side.SELL, abs(fut))}, Phase.UNWIND,
                reduce_only=True,
            )  # fmt: skip
            state = HedgeState.EXPOSED if failed else HedgeState.UNWOUND
            await ex.store.set_state(rec.hedge_id, state, ex.svc.clock.now(),
                                     note="hedge.spot_gone_note", closed=not failed)  # fmt: skip
        needed[rec.coin] -= book.held(SPOT)
    return out
