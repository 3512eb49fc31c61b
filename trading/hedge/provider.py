"""The hedge desk the app talks to (`facade.hedges`): the gateway a hedge bot is wired to, the
/hedge command's manual open and close, and the views (list, detail, PnL split) of /hedge,
/positions, /profit and the daily report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from core.errors import TradingError
from core.hedge import HedgeDirection, HedgeGateway, HedgeRequest, HedgeResult
from trading.hedge.executor import HedgeExecutor
from trading.hedge.leg import FUT, SPOT
from trading.hedge.legs import HedgeBook, read_book
from trading.hedge.pnl import HedgePnl, funding_usdt, hedge_pnl
from trading.hedge.store import HedgeOrder, HedgeRecord

ZERO = Decimal(0)


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

    @property
    def max_leverage(self) -> int:
        """MAX_LEVERAGE: the cap of a manual hedge's `lev=N` (the executor refuses above it)."""
        return self.executor.futures.max_leverage

    def hedge_gateway(self) -> HedgeGateway:
        """What a hedge bot trades through (`core.hedge.HedgeSource`)."""
        return self.executor

    async def open(
        self, coin: str, size_krw: Decimal, reverse: bool = False, leverage: int | None = None
    ) -> HedgeResult:
        """/hedge open: a hedge nobody manages (no bot), at `leverage` (None: the manual
        default, HEDGE_DEFAULT_LEVERAGE)."""
        req = HedgeRequest(
            hedge_id=f"h{secrets.token_hex(3)}", bot="", coin=coin.upper(),
            direction=HedgeDirection.REVERSE if reverse else HedgeDirection.FORWARD,
            opening=True, size_krw=size_krw, leverage=leverage or self.default_leverage,
        )  # fmt: skip
        return await self.executor.submit(req)

    async def close(self, hedge_id: str, qty: Decimal | None = None) -> HedgeResult:
        """Both legs flattened; `qty`: only that many coins of each (a partial close)."""
        rec = await self.executor.store.get(hedge_id)
        req = HedgeRequest(
            hedge_id=hedge_id, bot=(rec.bot or "") if rec else "", coin=rec.coin if rec else "",
            direction=rec.direction if rec else HedgeDirection.FORWARD, opening=False, qty=qty,
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
        funding = await funding_usdt(ex.svc, rec, book)
        pnl = hedge_pnl(rec, book, funding, mark, await ex.store.refs(rec.hedge_id))
        return HedgeView(rec, book.held(SPOT), book.held(FUT), pnl, tuple(orders), book)
