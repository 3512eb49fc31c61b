"""A partial close: both legs of an open hedge reduced by the same coin quantity.

The part is put on both venues' lot grids, and both it and what stays open must clear each
venue's minimums (`sizing.reduce_qty`). The reducing orders are written with the hedge before
they are sent, with the reference prices they were decided on (`HedgeStore.add_refs`: the PnL
split values them against it, the rest of the hedge keeps its open reference). While they are
in flight the hedge reads `opening`: a crash then is repaired at start-up like a crash while
opening (both legs held: brought back within the mismatch and kept open). A leg that fails is
answered by the usual top-up / trim of the futures leg, so the legs stay equal either way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from loguru import logger

from core.hedge import HedgeOutcome, HedgeResult
from core.market import Side
from core.numbers import Money
from core.rounding import MarketRules
from core.symbols import Instrument, Venue
from core.text import Text
from trading.executor import OrderService
from trading.hedge.leg import FUT, SPOT, fut_inst, spot_inst
from trading.hedge.legs import HedgeBook
from trading.hedge.sizing import reduce_qty
from trading.hedge.store import HedgeRecord, HedgeState, HedgeStore, Phase, Ref


class HedgeExecutor(Protocol):
    """What a partial close uses of `trading.hedge.executor.HedgeExecutor` (declared here: the
    executor calls this module, so importing it back would make a cycle)."""

    svc: OrderService
    store: HedgeStore

    async def rules(self, coin: str) -> tuple[MarketRules, MarketRules]: ...

    async def price(self, inst: Instrument, side: Side | None = None) -> Decimal: ...

    async def mark(self, coin: str) -> Ref: ...

    async def send(
        self,
        rec: HedgeRecord,
        legs: dict[Venue, tuple[Side, Decimal]],
        phase: Phase,
        *,
        create: bool = False,
        reduce_only: bool = False,
        ref: Ref | None = None,
    ) -> tuple[HedgeBook, dict[Venue, Text]]: ...

    async def unknown(self, rec: HedgeRecord, book: HedgeBook) -> HedgeResult: ...

    async def balance(self, rec: HedgeRecord, book: HedgeBook, rules: MarketRules) -> HedgeBook: ...

    async def result(self, rec: HedgeRecord, book: HedgeBook | None = None) -> HedgeResult: ...

    async def get(self, hedge_id: str) -> HedgeRecord: ...


async def reduce(ex: HedgeExecutor, rec: HedgeRecord, book: HedgeBook, qty: Decimal) -> HedgeResult:
    """Take `qty` coins off both legs (less than the hedge holds); the caller holds the lock."""
    spot_held, fut_held = book.held(SPOT), book.held(FUT)
    spot_rules, fut_rules = await ex.rules(rec.coin)
    spot_side = Side.SELL if spot_held > 0 else Side.BUY
    fut_side = Side.SELL if fut_held > 0 else Side.BUY
    spot_px = await ex.price(spot_inst(rec.coin), spot_side)
    fut_px = await ex.price(fut_inst(rec.coin), fut_side)
    part = reduce_qty(qty, abs(spot_held), spot_px, fut_px, spot_rules, fut_rules)
    ref = await ex.mark(rec.coin)
    now = ex.svc.clock.now
    await ex.store.set_state(rec.hedge_id, HedgeState.OPENING, now())
    legs = {SPOT: (spot_side, part), FUT: (fut_side, part)}
    book, failed = await ex.send(rec, legs, Phase.REDUCE, reduce_only=True, ref=ref)
    if book.pending:
        return await ex.unknown(rec, book)
    book = await ex.balance(rec, book, fut_rules)
    await ex.store.set_state(rec.hedge_id, HedgeState.OPEN, now())
    res = await ex.result(await ex.get(rec.hedge_id), book)
    if len(failed) == len(legs):  # nothing was taken off: the hedge is as it was
        why = next(iter(failed.values()))
        return HedgeResult(rec.hedge_id, HedgeOutcome.REFUSED, reason=why)
    reduced = abs(spot_held) - abs(book.held(SPOT))
    details = {**res.details, "reduced": str(reduced)}
    if failed:  # one leg failed; the top-up / trim put the legs back together
        venue, why = next(iter(failed.items()))
        details["note"] = why.key
        logger.warning("hedge {}: partial close, {} leg failed: {}", rec.hedge_id, venue, why.key)
    return HedgeResult(
        res.hedge_id, res.outcome, res.spot, res.futures, res.exposure_krw,
        Text.of("hedge.reduced", qty=Money(reduced, rec.coin)), details,
    )  # fmt: skip
