"""Bithumb's live broker: API 2.0 through unmodified ccxt (`bithumb`, generation 2).

ccxt signs (HS256 JWT with the SHA-512 `query_hash`) and sends; the calls are its v2
endpoints by name (`privatePostV2Orders`, `privateGetV1Order`, `privateDeleteV2Order`,
`privateGetV1Orders`, `privateGetV1Accounts`) rather than its unified methods: the unified
`create_order` rounds a price to 4 significant digits and a volume to 4 decimals (ccxt
describes every Bithumb market with precision 4 in SIGNIFICANT_DIGITS mode), which would send
150,100,000 for a validated 150,123,000, and its parse of a v2 order drops the trades.

Our client id travels as `client_order_id` (Bithumb, 2026-03-12): a lookup after a timeout or
a crash finds the order by it, never by resending. Market buys are by KRW total
(`ord_type=price`), like Upbit's; the fee is in KRW, per order, shared out over its trades.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.broker import PlaceRequest, VenueOrder
from core.errors import Rejected
from core.market import Side
from core.orders import Balance, Fill, OrderType
from core.rounding import MarketRules, upbit_rules
from core.symbols import Symbol
from exchanges.bithumb.orders import market_of, parse_accounts, parse_order, parse_receipt
from exchanges.ccxt.broker import CcxtBroker

# Bithumb's headline KRW fee (0.25 %, also ccxt's); fee coupons take an account down to 0.04 %.
# The higher rate only makes the funds check cautious: fills carry what was really paid.
TAKER_FEE = Decimal("0.0025")
OPEN_LIMIT = 100  # orders per page of GET /v1/orders


def wire(value: Decimal) -> str:
    """A validated Decimal as the plain string Bithumb takes (never an exponent)."""
    text = format(value.normalize(), "f")
    return text if text not in ("", "-0") else "0"


class BithumbBroker(CcxtBroker):
    """Bithumb KRW spot (see module docstring)."""

    def parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        # Bithumb publishes no tick sizes over the API; its KRW grid and 5,000 KRW minimum
        # follow the same table as Upbit's (the venue's refusal names the tick otherwise).
        return upbit_rules(symbol.base, symbol.quote, TAKER_FEE)

    def order_body(self, req: PlaceRequest) -> dict[str, Any]:
        """The `POST /v2/orders` body, every number as the exact validated string."""
        body: dict[str, Any] = {
            "market": req.symbol.to_upbit(),
            "side": "bid" if req.side is Side.BUY else "ask",
        }
        if req.type is OrderType.LIMIT:
            if req.price is None or req.qty is None:
                raise Rejected("A limit order needs a price and a quantity.")
            body |= {"order_type": "limit", "price": wire(req.price), "volume": wire(req.qty)}
        elif req.type is OrderType.MARKET and req.side is Side.BUY:
            if req.quote_amount is None:
                raise Rejected("A Bithumb market buy needs its KRW total.")
            body |= {"order_type": "price", "price": wire(req.quote_amount)}
        elif req.type is OrderType.MARKET:
            if req.qty is None:
                raise Rejected("A market sell needs a quantity.")
            body |= {"order_type": "market", "volume": wire(req.qty)}
        else:
            raise Rejected(f"{self.venue.label} has no {req.type.value} orders.")
        return body | {"client_order_id": req.client_id}

    async def place(self, req: PlaceRequest) -> VenueOrder:
        body = self.order_body(req)
        raw = await self.call(lambda: self.ex.privatePostV2Orders(body), write=True)
        vo = parse_receipt(raw if isinstance(raw, dict) else {}, req.symbol, req.client_id)
        qty = req.qty if req.qty is not None else vo.qty
        return replace(vo, qty=qty, price=req.price)

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        raw = await self.call(lambda: self.ex.privateGetV1Order({"client_order_id": client_id}))
        return parse_order(raw, self.venue, symbol, client_id, self.clock.now())

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        await self.call(
            lambda: self.ex.privateDeleteV2Order({"client_order_id": client_id}), write=True
        )
        return await self.fetch(symbol, client_id, conditional)

    async def fills(self, order: VenueOrder) -> list[Fill]:
        return list((await self.fetch(order.symbol, order.client_id, False)).fills)

    async def open_orders(self) -> list[VenueOrder]:
        params = {"state": "wait", "limit": OPEN_LIMIT}
        rows = await self.call(lambda: self.ex.privateGetV1Orders(params))
        now = self.clock.now()
        out = []
        for raw in rows if isinstance(rows, list) else []:
            sym = market_of(raw) if isinstance(raw, dict) else None
            if sym is not None:
                out.append(parse_order(raw, self.venue, sym, "", now))
        return out

    async def balances(self) -> list[Balance]:
        return parse_accounts(await self.call(self.ex.privateGetV1Accounts))
