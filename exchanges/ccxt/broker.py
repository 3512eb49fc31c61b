"""The live `Broker` over a ccxt async exchange: Upbit, Binance spot and Binance USDT-M.

ccxt does the signing and the wire format; this class points it at the configured URLs, adds
our client order id to every order, paces requests with `RateGate`, maps exceptions to our
error kinds and parses ccxt's unified dicts into `VenueOrder` / `Fill` right here.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

import ccxt.async_support as ccxt
from loguru import logger

from core.broker import PlaceRequest, UpdateListener, VenueOrder
from core.clock import Clock
from core.errors import NotFound, Rejected
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, OrderType, Position
from core.rounding import MarketRules, upbit_rules
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


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _num(value: Decimal) -> str:
    return format(value, "f")


def _gated(cls: type[Any]) -> type[Any]:
    """A ccxt exchange class whose every request waits on, and reports to, `self.gate`."""

    class Gated(cls):
        gate: RateGate

        async def throttle(self, cost: Any = None) -> Any:
            # ccxt's leaky bucket restarts its clock when it goes idle, so tokens never refill
            # between requests and every call waits cost x rateLimit (~11 ms for an order).
            # Credit the idle time (capped at the bucket's capacity): same pacing under load,
            # no needless wait for the first request after a pause.
            t = self.throttler
            idle_since = getattr(self, "_idle_since", None)
            if not t.running and idle_since is not None:
                cfg = t.config
                refill = (time.time() * 1000 - idle_since) * cfg["refillRate"]
                cfg["tokens"] = min(cfg["tokens"] + refill, cfg["capacity"])
            result = await super().throttle(cost)
            self._idle_since = time.time() * 1000
            return result

        async def fetch(
            self, url: str, method: str = "GET", headers: Any = None, body: Any = None
        ) -> Any:
            await self.gate.wait()
            return await super().fetch(url, method, headers, body)

        def on_rest_response(
            self,
            code: int,
            reason: str,
            url: str,
            method: str,
            response_headers: Any,
            response_body: Any,
            request_headers: Any,
            request_body: Any,
        ) -> Any:
            self.gate.on_response(code, response_headers or {})
            return super().on_rest_response(
                code, reason, url, method, response_headers, response_body,
                request_headers, request_body,
            )  # fmt: skip

    Gated.__name__ = f"Gated{cls.__name__}"
    return Gated


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
    async def _call(self, fn: Callable[[], Awaitable[T]], *, write: bool = False) -> T:
        try:
            return await fn()
        except Exception as exc:
            err = map_error(exc, write=write, retry_after=self.gate.retry_after() or None)
            logger.debug("{} {}: {}", self.venue.label, type(exc).__name__, err.reason)
            raise err from None

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}"

    async def start(self) -> None:
        await self._call(self.ex.load_markets)

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
            rules = self._parse_rules(symbol, market)
            self._rules[symbol] = rules
        return rules

    def _parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        """Binance PRICE_FILTER / LOT_SIZE / (MIN_)NOTIONAL / MARKET_LOT_SIZE from exchangeInfo."""
        filters = {f.get("filterType"): f for f in market.get("info", {}).get("filters", [])}
        price_f = filters.get("PRICE_FILTER", {})
        lot = filters.get("LOT_SIZE", {})
        mlot = filters.get("MARKET_LOT_SIZE", {})
        notional = filters.get("NOTIONAL") or filters.get("MIN_NOTIONAL") or {}
        min_notional = notional.get("minNotional") or notional.get("notional") or "0"
        taker = _dec(market.get("taker")) or Decimal("0.001")
        maker = _dec(market.get("maker")) or taker
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
        t = await self._call(lambda: self.ex.fetch_ticker(self.ccxt_symbol(symbol)))
        last = _dec(t.get("last")) or _dec(t.get("close"))
        if last is None:
            raise Rejected(f"{self.venue.label} gave no price for {symbol}.")
        return last

    # --- orders ---------------------------------------------------------------------------
    def _order_params(self, req: PlaceRequest) -> dict[str, Any]:
        return {"newClientOrderId": req.client_id}

    async def place(self, req: PlaceRequest) -> VenueOrder:
        sym = self.ccxt_symbol(req.symbol)
        params = self._order_params(req)
        typ = "limit" if req.type is OrderType.LIMIT else "market"
        amount = float(req.qty) if req.qty is not None else None
        price = float(req.price) if req.price is not None else None
        if req.quote_amount is not None:
            params["cost"] = float(req.quote_amount)
        raw = await self._call(
            lambda: self.ex.create_order(sym, typ, req.side.value, amount, price, params),
            write=True,
        )
        return self.parse_order(raw, req.symbol)

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        raw = await self._call(
            lambda: self.ex.fetch_order(
                "", self.ccxt_symbol(symbol), {"origClientOrderId": client_id}
            )
        )
        return self.parse_order(raw, symbol)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        raw = await self._call(
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
        trades = await self._call(
            lambda: self.ex.fetch_my_trades(sym, None, None, {"orderId": order.exchange_id})
        )
        return [self.parse_fill(t, order) for t in trades]

    async def open_orders(self) -> list[VenueOrder]:
        self.ex.options["warnOnFetchOpenOrdersWithoutSymbol"] = False
        raws = await self._call(lambda: self.ex.fetch_open_orders())
        out = []
        for raw in raws:
            sym = self._symbol_of(raw.get("symbol", ""))
            if sym is not None:
                out.append(self.parse_order(raw, sym))
        return out

    async def balances(self) -> list[Balance]:
        raw = await self._call(lambda: self.ex.fetch_balance())
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
    def _symbol_of(self, ccxt_symbol: str) -> Symbol | None:
        base, _, rest = ccxt_symbol.partition("/")
        quote = rest.split(":", 1)[0]
        return Symbol(base, quote) if base and quote else None

    def parse_order(self, raw: dict[str, Any], symbol: Symbol) -> VenueOrder:
        status = _STATUS.get(raw.get("status") or "open", OrderStatus.OPEN)
        filled = _dec(raw.get("filled")) or ZERO
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
            qty=_dec(raw.get("amount")) or filled,
            filled_qty=filled,
            avg_price=_dec(raw.get("average")),
            price=_dec(raw.get("price")),
            trigger_price=_dec(raw.get("triggerPrice")),
            reason="expired" if raw.get("status") == "expired" else "",
        )
        trades = [t for t in raw.get("trades") or [] if t.get("id")]
        if trades:
            from dataclasses import replace

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
            fee=_dec(fee.get("cost")) or ZERO,
            fee_asset=fee.get("currency") or order.symbol.quote,
            ts=ts / 1000 if ts else self.clock.now(),
            paper=False,
        )


def point_urls(ex: Any, rest_base: str, fapi_base: str | None = None) -> None:
    """PROTOCOLS 8.3: keep each path (/api/v3, /fapi/v1, ...) and swap scheme + host."""
    new: dict[str, Any] = {}
    for key, val in ex.urls["api"].items():
        if isinstance(val, str):
            base = fapi_base if (fapi_base and key.startswith("fapi")) else rest_base
            new[key] = base.rstrip("/") + urlsplit(val).path
        else:
            new[key] = val
    ex.urls["api"] = new


def make_exchange(
    venue: Venue,
    *,
    api_key: str | None,
    secret: str | None,
    rest_url: str,
    timeout_s: float = 10.0,
    session: Any = None,
) -> tuple[Any, RateGate]:
    """A ccxt instance for `venue`, pointed at `rest_url`, with a rate gate attached.

    `session`: an aiohttp ClientSession to use (the benchmark's carries trace hooks).
    """
    common: dict[str, Any] = {"enableRateLimit": True, "timeout": int(timeout_s * 1000)}
    if session is not None:
        common["session"] = session
    if api_key and secret:
        common |= {"apiKey": api_key, "secret": secret}
    if venue is Venue.UPBIT:
        ex = _gated(ccxt.upbit)(common)
        base = rest_url.rstrip("/")
        ex.urls["api"] = {"public": base, "private": base}
        gate = RateGate("upbit")
    elif venue is Venue.BINANCE_SPOT:
        opts = {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False}
        ex = _gated(ccxt.binance)(common | {"options": opts | {"fetchMargins": False}})
        point_urls(ex, rest_url)
        gate = RateGate("binance", weight_limit=6000)
    else:
        opts = {"fetchCurrencies": False, "fetchMargins": False}
        ex = _gated(ccxt.binanceusdm)(common | {"options": opts})
        point_urls(ex, rest_url, rest_url)
        gate = RateGate("binance_futures", weight_limit=2400)
    ex.gate = gate
    return ex, gate


class UpbitBroker(CcxtBroker):
    """Upbit: client id is `identifier`; market buys are by KRW total; KRW tick table."""

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}"

    def _parse_rules(self, symbol: Symbol, market: dict[str, Any]) -> MarketRules:
        return upbit_rules(symbol.base, symbol.quote)

    def _order_params(self, req: PlaceRequest) -> dict[str, Any]:
        return {"clientOrderId": req.client_id}

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        # ccxt's fetch_order only takes a uuid; the implicit endpoint takes `identifier`.
        raw = await self._call(lambda: self.ex.privateGetOrder({"identifier": client_id}))
        return self._parse_upbit(raw, symbol)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        await self._call(lambda: self.ex.privateDeleteOrder({"identifier": client_id}), write=True)
        return await self.fetch(symbol, client_id, conditional)

    async def place(self, req: PlaceRequest) -> VenueOrder:
        vo = await super().place(req)
        return vo if vo.client_id else _with_cid(vo, req.client_id)

    async def fills(self, order: VenueOrder) -> list[Fill]:
        return list((await self.fetch(order.symbol, order.client_id, False)).fills)

    def _parse_upbit(self, raw: dict[str, Any], symbol: Symbol) -> VenueOrder:
        parsed = self.ex.parse_order(raw)
        vo = self.parse_order(parsed, symbol)
        if not vo.fills:
            return vo
        # Upbit trades carry no fee; split the order's paid_fee by each trade's funds.
        paid = _dec(raw.get("paid_fee")) or ZERO
        funds = [f.qty * f.price for f in vo.fills]
        total = sum(funds, ZERO)
        from dataclasses import replace

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
    from dataclasses import replace

    return replace(vo, client_id=cid)


class BinanceSpotBroker(CcxtBroker):
    pass


class BinanceFuturesBroker(CcxtBroker):
    """USDT-M: `BTC/USDT:USDT`; STOP_MARKET / TAKE_PROFIT_MARKET go to /fapi/v1/algoOrder."""

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}:{symbol.quote}"

    def _order_params(self, req: PlaceRequest) -> dict[str, Any]:
        params: dict[str, Any] = {"newClientOrderId": req.client_id}
        if req.reduce_only:
            params["reduceOnly"] = True
        if req.conditional:
            assert req.trigger_price is not None
            key = "stopLossPrice" if req.type is OrderType.STOP_MARKET else "takeProfitPrice"
            params = {"clientAlgoId": req.client_id, key: float(req.trigger_price)}
            params["reduceOnly"] = True
        return params

    async def place(self, req: PlaceRequest) -> VenueOrder:
        vo = await super().place(req)
        if req.conditional:
            from dataclasses import replace

            return replace(vo, client_id=req.client_id, type=req.type)
        return vo

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:
            return await super().fetch(symbol, client_id, conditional)
        sym = self.ccxt_symbol(symbol)
        raw = await self._call(
            lambda: self.ex.fetch_order("", sym, {"clientAlgoId": client_id, "trigger": True})
        )
        info = raw.get("info") or {}
        algo = info.get("algoStatus")
        typ = (
            OrderType.STOP_MARKET
            if info.get("orderType") == "STOP_MARKET"
            else OrderType.TAKE_PROFIT_MARKET
        )
        base = self.parse_order(raw, symbol)
        from dataclasses import replace

        base = replace(base, client_id=client_id, type=typ, filled_qty=ZERO, fills=())
        if algo in ("NEW", "TRIGGERED", None):
            return replace(base, status=OrderStatus.OPEN)
        if algo in ("CANCELED", "EXPIRED"):
            return replace(base, status=OrderStatus.CANCELLED, reason=algo.lower())
        # FINISHED: the triggered market order carries our id; its state is the truth.
        try:
            actual = await super().fetch(symbol, client_id, False)
        except NotFound:
            return replace(base, status=OrderStatus.OPEN)
        return replace(actual, type=typ, trigger_price=base.trigger_price)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:
            return await super().cancel(symbol, client_id, conditional)
        sym = self.ccxt_symbol(symbol)
        await self._call(
            lambda: self.ex.cancel_order("", sym, {"clientAlgoId": client_id, "trigger": True}),
            write=True,
        )
        return await self.fetch(symbol, client_id, True)

    async def positions(self) -> list[Position]:
        raws = await self._call(lambda: self.ex.fetch_positions())
        out = []
        for p in raws:
            sym = self._symbol_of(p.get("symbol", ""))
            contracts = _dec(p.get("contracts")) or ZERO
            if sym is None or contracts == 0:
                continue
            qty = contracts if p.get("side") == "long" else -contracts
            out.append(
                Position(
                    Instrument(self.venue, sym),
                    qty,
                    _dec(p.get("entryPrice")) or ZERO,
                    int(p.get("leverage") or 1),
                    paper=False,
                )
            )
        return out

    async def set_leverage(self, symbol: Symbol, leverage: int) -> None:
        await self._call(lambda: self.ex.set_leverage(leverage, self.ccxt_symbol(symbol)))

    async def set_margin_mode(self, symbol: Symbol, mode: str) -> None:
        try:
            await self._call(lambda: self.ex.set_margin_mode(mode, self.ccxt_symbol(symbol)))
        except Rejected as exc:
            why = exc.reason if isinstance(exc.reason, str) else ""  # venue errors are str
            if "-4046" not in why and "No need" not in why:
                raise

    async def listen_key(self) -> str:
        raw = await self._call(lambda: self.ex.fapiPrivatePostListenKey())
        return str(raw["listenKey"])

    async def keepalive_listen_key(self) -> None:
        await self._call(lambda: self.ex.fapiPrivatePutListenKey())
