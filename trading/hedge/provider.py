"""The hedge desk the app talks to (`facade.hedges`): the gateway a hedge bot is wired to, the
/hedge command's manual open and close, and the views (list, detail, PnL split) of /hedge,
/positions, /profit and the daily report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from core.errors import TradingError
from core.hedge import HedgeDirection, HedgeGateway, HedgeRequest, HedgeResult
from core.symbols import Venue
from trading.hedge.executor import FUT, SPOT, HedgeExecutor, fut_inst
from trading.hedge.legs import HedgeBook, read_book
from trading.hedge.pnl import HedgePnl, hedge_pnl
from trading.hedge.store import HedgeOrder, HedgeRecord

ZERO = Decimal(0)
FUNDING_PREFIX = "funding-"  # the ledger's funding bookings (trading.ledger.book_funding)


@dataclass(frozen=True, slots=True)
class HedgeView:
    record: HedgeRecord
    spot_qty: Decimal  # signed coins the spot leg holds now
    fut_qty: Decimal  # signed coins the futures leg holds now
    pnl: HedgePnl
    orders: tuple[HedgeOrder, ...]
    book: HedgeBook


class HedgeDesk:
    def __init__(self, executor: HedgeExecutor, default_leverage: int = 1) -> None:
        self.executor = executor
        self.default_leverage = default_leverage

    @property
    def paper(self) -> bool:
        return self.executor.svc.paper

    def now(self) -> float:
        return self.executor.svc.clock.now()

    def hedge_gateway(self) -> HedgeGateway:
        """What a hedge bot trades through (`core.hedge.HedgeSource`)."""
        return self.executor

    async def open(self, coin: str, size_krw: Decimal, reverse: bool = False) -> HedgeResult:
        """/hedge open: a hedge nobody manages (no bot), at the manual leverage."""
        req = HedgeRequest(
            hedge_id=f"h{secrets.token_hex(3)}", bot="", coin=coin.upper(),
            direction=HedgeDirection.REVERSE if reverse else HedgeDirection.FORWARD,
            opening=True, size_krw=size_krw, leverage=self.default_leverage,
        )  # fmt: skip
        return await self.executor.submit(req)

    async def close(self, hedge_id: str) -> HedgeResult:
        rec = await self.executor.store.get(hedge_id)
        req = HedgeRequest(
            hedge_id=hedge_id, bot=(rec.bot or "") if rec else "", coin=rec.coin if rec else "",
            direction=rec.direction if rec else HedgeDirection.FORWARD, opening=False,
        )  # fmt: skip
        return await self.executor.submit(req)

    async def hedges(self, active: bool | None = None, limit: int = 20) -> list[HedgeView]:
        recs = await self.executor.store.hedges(self.paper, active=active, limit=limit)
        return [await self._view(r) for r in recs]

    async def detail(self, hedge_id: str) -> HedgeView | None:
        rec = await self.executor.store.get(hedge_id)
        if rec is None or rec.paper != self.paper:
            return None
        return await self._view(rec)

    async def _view(self, rec: HedgeRecord) -> HedgeView:
        ex = self.executor
        orders = await ex.store.orders(rec.hedge_id)
        book = await read_book(ex.svc, orders)
        mark = None
        if rec.state.active:
            try:
                mark = await ex.mark(rec.coin)
            except TradingError:
                mark = None
        pnl = hedge_pnl(rec, book, await self._funding(rec, book), mark)
        return HedgeView(rec, book.held(SPOT), book.held(FUT), pnl, tuple(orders), book)

    async def _funding(self, rec: HedgeRecord, book: HedgeBook) -> Decimal:
        """Funding booked on the coin's futures position while the hedge held its leg (the
        ledger books each payment as a fill of no quantity whose fee is what was paid). A
        position shared with other trades gets the hedge's share of it."""
        fut_entries = book.of(Venue.BINANCE_FUTURES)
        if not fut_entries:
            return ZERO
        start = fut_entries[0].fill.ts
        end = rec.closed_ts or float("inf")
        svc = self.executor.svc
        total = ZERO
        pos = svc.positions.get(fut_inst(rec.coin))
        held = abs(book.held(FUT)) or abs(fut_entries[0].fill.qty)
        share = min(Decimal(1), held / abs(pos.qty)) if pos is not None and pos.qty else Decimal(1)
        for row in await svc.store.fills_for(fut_inst(rec.coin), svc.paper):
            f = row.fill
            if f.client_id.startswith(FUNDING_PREFIX) and start <= f.ts <= end:
                total -= f.fee * share  # fee = what was paid; received comes in negative
        return total
