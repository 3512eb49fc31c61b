"""Upbit's live broker: ccxt's `upbit` with our client id as `identifier`; prices on the tick
grid the venue publishes (`exchanges.upbit.ticks`), the built-in table only as the fallback."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.broker import PlaceRequest, VenueOrder
from core.clock import Clock
from core.errors import Rejected
from core.orders import Fill, OrderStatus
from core.rounding import MarketRules, upbit_rules
from core.symbols import Symbol, Venue
from exchanges.ccxt.broker import ZERO, CcxtBroker, dec
from exchanges.ccxt.gate import RateGate
from exchanges.upbit.ticks import REFRESH_S, TickBook


class UpbitBroker(CcxtBroker):
    """Upbit: client id is `identifier`; market buys are by KRW total; the venue's tick."""

    def __init__(
        self,
        venue: Venue,
        ex: Any,
        gate: RateGate,
        clock: Clock,
        *,
        tick_refresh_s: float = REFRESH_S,
    ) -> None:
        super().__init__(venue, ex, gate, clock)
        self.ticks = TickBook(self._fetch_ticks, clock, tick_refresh_s)

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}"

    def parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        return upbit_rules(symbol.base, symbol.quote)

    async def rules(self, symbol: Symbol) -> MarketRules:
        rules = await super().rules(symbol)
        return replace(rules, venue_tick=await self.ticks.get(symbol.to_upbit()))

    async def _fetch_ticks(self, codes: list[str]) -> tuple[list[Any], list[Any]]:
        markets = {"markets": ",".join(codes)}
        instruments = await self.call(lambda: self.ex.publicGetOrderbookInstruments(markets))
        tickers = await self.call(lambda: self.ex.publicGetTicker(markets))
        return instruments, tickers

    def order_params(self, req: PlaceRequest) -> dict[str, Any]:
        return {"clientOrderId": req.client_id}

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        # ccxt's fetch_order only takes a uuid; the implicit endpoint takes `identifier`.
        raw = await self.call(lambda: self.ex.privateGetOrder({"identifier": client_id}))
        return self._parse_upbit(raw, symbol)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        await self.call(lambda: self.ex.privateDeleteOrder({"identifier": client_id}), write=True)
        return await self.fetch(symbol, client_id, conditional)

    async def place(self, req: PlaceRequest) -> VenueOrder:
        try:
            vo = await super().place(req)
        except Rejected as exc:
            if "invalid_price" in str(exc.reason):  # the grid moved: read it again
                self.ticks.forget(req.symbol.to_upbit())
            raise
        return vo if vo.client_id else _with_cid(vo, req.client_id)

    async def fills(self, order: VenueOrder) -> list[Fill]:
        return list((await self.fetch(order.symbol, order.client_id, False)).fills)

    def _parse_upbit(self, raw: dict[str, Any], symbol: Symbol) -> VenueOrder:
        parsed = self.ex.parse_order(raw)
        vo = self.parse_order(parsed, symbol)
        if not vo.fills:
            return vo
        # Upbit trades carry no fee; split the order's paid_fee by each trade's funds.
        paid = dec(raw.get("paid_fee")) or ZERO
        funds = [f.qty * f.price for f in vo.fills]
        total = sum(funds, ZERO)
        fills = tuple(
            replace(f, fee=(paid * fu / total) if total else ZERO, fee_asset=symbol.quote)
            for f, fu in zip(vo.fills, funds, strict=True)
        )
        # A market buy by KRW total that is done can end as "cancel" with dust left over.
        status = vo.status
        if raw.get("ord_type") == "price" and raw.get("state") in ("cancel", "done"):
            status = OrderStatus.FILLED if vo.filled_qty > 0 else status
        return replace(vo, fills=fills, status=status)


def _with_cid(vo: VenueOrder, cid: str) -> VenueOrder:
    return replace(vo, client_id=cid)
