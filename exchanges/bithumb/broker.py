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

A market's fee rates and minimum are the account's own, from `GET /v1/orders/chance`
(`chance.py`), asked once per market and kept for `CHANCE_TTL`; when that call fails the
headline 0.25 % is used, with a warning, and asked again after `CHANCE_RETRY`. Open orders are
read page by page (`GET /v1/orders` gives at most 100 a page).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from loguru import logger

from core.broker import PlaceRequest, VenueOrder
from core.clock import Clock
from core.errors import Rejected, TradingError
from core.market import Side
from core.orders import Balance, Fill, OrderType
from core.rounding import MarketRules, upbit_rules
from core.symbols import Symbol, Venue
from exchanges.bithumb.chance import AccountFees, parse_chance
from exchanges.bithumb.orders import market_of, parse_accounts, parse_order, parse_receipt
from exchanges.ccxt.broker import CcxtBroker
from exchanges.ccxt.gate import RateGate

# Bithumb's headline KRW fee (0.25 %, also ccxt's); fee coupons take an account down to 0.04 %.
# The higher rate only makes the funds check cautious: fills carry what was really paid.
TAKER_FEE = Decimal("0.0025")
OPEN_LIMIT = 100  # orders per page of GET /v1/orders
OPEN_PAGES = 50  # a bound on the pages read (5,000 open orders), so a venue bug cannot loop
CHANCE_TTL = 6 * 3600.0  # the account's rates change with its grade or a coupon, rarely
CHANCE_RETRY = 300.0  # after a failed /v1/orders/chance, the headline rate until then


def wire(value: Decimal) -> str:
    """A validated Decimal as the plain string Bithumb takes (never an exponent)."""
    text = format(value.normalize(), "f")
    return text if text not in ("", "-0") else "0"


class BithumbBroker(CcxtBroker):
    """Bithumb KRW spot (see module docstring)."""

    def __init__(self, venue: Venue, ex: Any, gate: RateGate, clock: Clock) -> None:
        super().__init__(venue, ex, gate, clock)
        # symbol -> (until when, the account's rates or None after a failed read)
        self._chance: dict[Symbol, tuple[float, AccountFees | None]] = {}

    def parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        # Bithumb publishes no tick sizes over the API; its KRW grid and 5,000 KRW minimum
        # follow the same table as Upbit's (the venue's refusal names the tick otherwise).
        return upbit_rules(symbol.base, symbol.quote, TAKER_FEE)

    async def rules(self, symbol: Symbol) -> MarketRules:
        """The market's rules with the account's own fee rates and minimum when known."""
        rules = await super().rules(symbol)
        fees = await self.account_fees(symbol)
        if fees is None:
            return rules
        out = replace(rules, taker_fee=fees.taker, maker_fee=fees.maker)
        return out if fees.min_total is None else replace(out, min_notional=fees.min_total)

    async def account_fees(self, symbol: Symbol) -> AccountFees | None:
        """`GET /v1/orders/chance` for `symbol`, cached; None (the headline rate) without keys
        or while the last attempt failed."""
        if not getattr(self.ex, "apiKey", None):
            return None
        now = self.clock.now()
        held = self._chance.get(symbol)
        if held is not None and now < held[0]:
            return held[1]
        params = {"market": symbol.to_upbit()}
        try:
            fees = parse_chance(await self.call(lambda: self.ex.privateGetV1OrdersChance(params)))
        except TradingError as exc:
            fees = None
            logger.warning(
                "Bithumb {}: the account's fee rates could not be read ({}); using the "
                "headline {}%", symbol, exc.reason, TAKER_FEE * 100,
            )  # fmt: skip
        self._chance[symbol] = (now + (CHANCE_TTL if fees is not None else CHANCE_RETRY), fees)
        return fees

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
        """Every open order, page by page (a full page means there may be another)."""
        out = []
        for page in range(1, OPEN_PAGES + 1):
            params = {"state": "wait", "limit": OPEN_LIMIT, "page": page}
            rows = await self.call(lambda p=params: self.ex.privateGetV1Orders(p))  # type: ignore[misc]
            rows = rows if isinstance(rows, list) else []
            now = self.clock.now()
            for raw in rows:
                sym = market_of(raw) if isinstance(raw, dict) else None
                if sym is not None:
                    out.append(parse_order(raw, self.venue, sym, "", now))
            if len(rows) < OPEN_LIMIT:
                break
        return out

    async def balances(self) -> list[Balance]:
        return parse_accounts(await self.call(self.ex.privateGetV1Accounts))
