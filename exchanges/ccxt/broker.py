"""The live `Broker` over a ccxt async exchange: the venue-neutral part.

ccxt does the signing and the wire format; this class adds our client order id to every order,
maps exceptions to our error kinds and parses ccxt's unified dicts into `VenueOrder` / `Fill`.
The venues' differences live in their own packages: `exchanges.upbit.broker.UpbitBroker`,
`exchanges.binance.broker.BinanceSpotBroker` / `BinanceFuturesBroker`; the ccxt instance comes
from `exchanges.ccxt.exchange.make_exchange`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

import ccxt.async_support as ccxt
from loguru import logger

from core.broker import PlaceRequest, UpdateListener, VenueOrder
from core.clock import Clock
from core.errors import Rejected, TradingError
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, OrderType, Position
from core.rounding import MarketRules
from core.symbols import Instrument, Symbol, Venue
from exchanges.ccxt.gate import RateGate
from exchanges.ccxt.mapping import map_error

T = TypeVar("T")
ZERO = Decimal(0)
_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELLED,
    "expired": OrderStatus.CANCELLED,
    "rejected": OrderStatus.REJECTED,
}


def dec(value: Any) -> Decimal | None:
    """A ccxt number (float, str, None or "") as a Decimal, None when absent."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


class CcxtBroker:
    paper = False

    def __init__(self, venue: Venue, ex: Any, gate: RateGate, clock: Clock) -> None:
        self.venue = venue
        self.ex = ex
        self.gate = gate
        self.clock = clock
        self._rules: dict[Symbol, MarketRules] = {}
        self._listener: UpdateListener | None = None

    # --- plumbing -----------------------------------------------------------------------
    async def call(self, fn: Callable[[], Awaitable[T]], *, write: bool = False) -> T:
        try:
            return await fn()
        except ccxt.InvalidNonce as exc:  # the venue refused our timestamp: nothing was placed
            raise await self.clock_refused(exc, write) from None
        except Exception as exc:
            err = map_error(exc, write=write, retry_after=self.gate.retry_after() or None)
            logger.debug("{} {}: {}", self.venue.label, type(exc).__name__, err.reason)
            raise err from None

    async def clock_refused(self, exc: Exception, write: bool) -> TradingError:
        """The error for a request refused for its timestamp; a venue that signs with time
        re-synchronises here (Binance)."""
        return map_error(exc, write=write)

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}"

    async def start(self) -> None:
        await self.call(self.ex.load_markets)

    async def close(self) -> None:
        await self.ex.close()

    def set_listener(self, listener: UpdateListener) -> None:
        self._listener = listener

    # --- market rules -------------------------------------------------------------------
    async def rules(self, symbol: Symbol) -> MarketRules:
        rules = self._rules.get(symbol)
        if rules is None:
            if not self.ex.markets:
                await self.start()
            market = self.ex.markets.get(self.ccxt_symbol(symbol))
            if market is None:
                raise Rejected(f"{symbol} is not traded on {self.venue.label}.")
            rules = self.parse_rules(symbol, market)
            self._rules[symbol] = rules
        return rules

    def parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        """Binance PRICE_FILTER / LOT_SIZE / (MIN_)NOTIONAL / MARKET_LOT_SIZE from exchangeInfo."""
        filters = {f.get("filterType"): f for f in market.get("info", {}).get("filters", [])}
        price_f = filters.get("PRICE_FILTER", {})
        lot = filters.get("LOT_SIZE", {})
        mlot = filters.get("MARKET_LOT_SIZE", {})
        notional = filters.get("NOTIONAL") or filters.get("MIN_NOTIONAL") or {}
        min_notional = notional.get("minNotional") or notional.get("notional") or "0"
        taker = dec(market.get("taker")) or Decimal("0.001")
        maker = dec(market.get("maker")) or taker
        return MarketRules(
            base=symbol.base,
            quote=symbol.quote,
            tick_size=Decimal(price_f.get("tickSize", "0.01")),
            step_size=Decimal(lot.get("stepSize", "0.00001")),
            min_qty=Decimal(lot.get("minQty", "0")),
            max_qty=Decimal(lot.get("maxQty", "0")),
            min_notional=Decimal(min_notional),
            max_notional=Decimal(notional.get("maxNotional", "0")),
            min_price=Decimal(price_f.get("minPrice", "0")),
            max_price=Decimal(price_f.get("maxPrice", "0")),
            market_max_qty=Decimal(mlot.get("maxQty", "0")),
            taker_fee=taker,
            maker_fee=maker,
        )

    async def last_price(self, symbol: Symbol) -> Decimal:
        t = await self.call(lambda: self.ex.fetch_ticker(self.ccxt_symbol(symbol)))
        last = dec(t.get("last")) or dec(t.get("close"))
        if last is None:
            raise Rejected(f"{self.venue.label} gave no price for {symbol}.")
        return last

    # --- orders ---------------------------------------------------------------------------
    def order_params(self, req: PlaceRequest) -> dict[str, Any]:
        return {"newClientOrderId": req.client_id}

    async def place(self, req: PlaceRequest) -> VenueOrder:
        sym = self.ccxt_symbol(req.symbol)
        params = self.order_params(req)
        typ = "limit" if req.type is OrderType.LIMIT else "market"
        amount = float(req.qty) if req.qty is not None else None
        price = float(req.price) if req.price is not None else None
        if req.quote_amount is not None:
            params["cost"] = float(req.quote_amount)
        raw = await self.call(
            lambda: self.ex.create_order(sym, typ, req.side.value, amount, price, params),
            write=True,
        )
        return self.parse_order(raw, req.symbol)

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        raw = await self.call(
            lambda: self.ex.fetch_order(
                "", self.ccxt_symbol(symbol), {"origClientOrderId": client_id}
            )
        )
        return self.parse_order(raw, symbol)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        raw = await self.call(
            lambda: self.ex.cancel_order(
                "", self.ccxt_symbol(symbol), {"origClientOrderId": client_id}
            ),
            write=True,
        )
        vo = self.parse_order(raw, symbol)
        if vo.status is OrderStatus.OPEN:  # some answers omit the new status
            return await self.fetch(symbol, client_id, conditional)
        return vo

    async def fills(self, order: VenueOrder) -> list[Fill]:
        if order.exchange_id is None:
            return []
        sym = self.ccxt_symbol(order.symbol)
        trades = await self.call(
            lambda: self.ex.fetch_my_trades(sym, None, None, {"orderId": order.exchange_id})
        )
        return [self.parse_fill(t, order) for t in trades]

    async def open_orders(self) -> list[VenueOrder]:
        self.ex.options["warnOnFetchOpenOrdersWithoutSymbol"] = False
        raws = await self.call(lambda: self.ex.fetch_open_orders())
        out = []
        for raw in raws:
            sym = self.symbol_of(raw.get("symbol", ""))
            if sym is not None:
                out.append(self.parse_order(raw, sym))
        return out

    async def balances(self) -> list[Balance]:
        raw = await self.call(lambda: self.ex.fetch_balance())
        out = []
        for asset, free in (raw.get("free") or {}).items():
            used = (raw.get("used") or {}).get(asset) or 0
            if free or used:
                out.append(Balance(asset, Decimal(str(free or 0)), Decimal(str(used))))
        return out

    async def positions(self) -> list[Position]:
        return []

    async def set_leverage(self, symbol: Symbol, leverage: int) -> None:
        raise Rejected(f"{self.venue.label} has no leverage.")

    # --- parsing -----------------------------------------------------------------------------
    def symbol_of(self, ccxt_symbol: str) -> Symbol | None:
        base, _, rest = ccxt_symbol.partition("/")
        quote = rest.split(":", 1)[0]
        return Symbol(base, quote) if base and quote else None

    def parse_order(self, raw: dict[str, Any], symbol: Symbol) -> VenueOrder:
        status = _STATUS.get(raw.get("status") or "open", OrderStatus.OPEN)
        filled = dec(raw.get("filled")) or ZERO
        if status is OrderStatus.OPEN and filled > 0:
            status = OrderStatus.PARTIALLY_FILLED
        typ = OrderType.LIMIT if raw.get("type") == "limit" else OrderType.MARKET
        cid = raw.get("clientOrderId") or ""
        vo = VenueOrder(
            client_id=cid,
            exchange_id=str(raw["id"]) if raw.get("id") is not None else None,
            symbol=symbol,
            side=Side(raw.get("side") or "buy"),
            type=typ,
            status=status,
            qty=dec(raw.get("amount")) or filled,
            filled_qty=filled,
            avg_price=dec(raw.get("average")),
            price=dec(raw.get("price")),
            trigger_price=dec(raw.get("triggerPrice")),
            reason="expired" if raw.get("status") == "expired" else "",
        )
        trades = [t for t in raw.get("trades") or [] if t.get("id")]
        if trades:
            vo = replace(vo, fills=tuple(self.parse_fill(t, vo) for t in trades))
        return vo

    def parse_fill(self, t: dict[str, Any], order: VenueOrder) -> Fill:
        fee = t.get("fee") or {}
        ts = t.get("timestamp")
        return Fill(
            fill_id=str(t["id"]),
            client_id=order.client_id,
            instrument=Instrument(self.venue, order.symbol),
            side=Side(t.get("side") or order.side.value),
            qty=Decimal(str(t["amount"])),
            price=Decimal(str(t["price"])),
            fee=dec(fee.get("cost")) or ZERO,
            fee_asset=fee.get("currency") or order.symbol.quote,
            ts=ts / 1000 if ts else self.clock.now(),
            paper=False,
        )
