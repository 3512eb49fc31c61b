"""The simulated Binance USDT-M futures venue: REST `/fapi/*` and the split stream routes.

Streams: `/public/ws/...` and `/public/stream?streams=` (bookTicker, depth, trade),
`/market/ws/...` and `/market/stream?streams=` (aggTrade, markPrice, kline, ticker, miniTicker),
`/private/ws?listenKey=<key>&events=A/B` (also `/private/ws/<listenKey>` and the combined
`/private/stream?listenKey=<k1>&events=A&listenKey=<k2>&events=B`) for user data. The legacy
`/ws/<listenKey>` was retired on 2026-04-23 and is not served. One-way position mode only; conditional orders live on the algo-order API.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
from decimal import Decimal
from typing import Any

from aiohttp import web

from peers.exchange_sim.binance_auth import BinanceError, Call, RestRouter, Security, WeightMeter
from peers.exchange_sim.binance_futures_account import FuturesAccountRoutes
from peers.exchange_sim.binance_futures_engine import FuturesEngine
from peers.exchange_sim.binance_futures_models import FuturesOrder
from peers.exchange_sim.binance_futures_user import UserStreams
from peers.exchange_sim.binance_futures_wire import (
    order_json,
)
from peers.exchange_sim.binance_info import futures_exchange_info
from peers.exchange_sim.binance_market_data import (
    FUTURES_INTERVALS,
    Fmt,
    book_ticker,
    depth,
    klines,
    lookup,
    per_symbol,
    premium_index,
    price_ticker,
    ticker_24h,
)
from peers.exchange_sim.binance_rules import rules_from_model
from peers.exchange_sim.binance_spot import OrderCounter, depth_weight
from peers.exchange_sim.binance_spot_orders import check_client_id, new_client_id
from peers.exchange_sim.binance_streams import (
    FUTURES_MARKET_ALL,
    FUTURES_MARKET_TYPES,
    FUTURES_PUBLIC_TYPES,
    StreamPublisher,
    make_canonical,
)
from peers.exchange_sim.binance_ws import StreamHub, WsConfig
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import BINANCE_FUTURES, MarketEvent, MarketModel, SimBook, SimTrade

VENUE = "binance_futures"
CONDITIONAL = ("STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET")
FUTURES_WS = WsConfig(ping_interval=180.0, pong_timeout=600.0, max_incoming_per_s=10)


class BinanceFuturesVenue(FuturesAccountRoutes):
    """Binance USDT-M futures (see module docstring). Futures wallets start at `wallet` USDT."""

    def __init__(
        self,
        market: MarketModel,
        clock: SimClock,
        faults: FaultController,
        api_keys: dict[str, tuple[str, str]],
        *,
        wallet: Decimal = Decimal(10_000),
        weight_limit: int = 2400,
        ws_config: WsConfig | None = None,
    ) -> None:
        self.market = market
        self.clock = clock
        self.faults = faults
        self.api_keys = api_keys
        self.rules = rules_from_model(market, BINANCE_FUTURES)
        self.fmt = Fmt(futures=True)
        self._base = {s: r.base for s, r in self.rules.items()}
        self.engine = FuturesEngine(self.rules, market.now_ms, self._mark, self._last, self._book)
        self.engine.algo_fate = lambda: faults.take_algo_fate(VENUE)
        if "binance" in api_keys:
            self.engine.account(api_keys["binance"][0], wallet)
        self.weights = WeightMeter(weight_limit)
        self.router = RestRouter(self._secrets, self.weights, self.server_ms, OrderCounter().tick)
        self._rng = random.Random(f"{market.seed}:binance-futures-ids")
        cfg = ws_config or dataclasses.replace(FUTURES_WS)
        self.public_hub = StreamHub(
            "binance-futures-public",
            make_canonical(self.rules, FUTURES_PUBLIC_TYPES, frozenset(), ()),
            faults, VENUE, cfg,
        )  # fmt: skip
        self.market_hub = StreamHub(
            "binance-futures-market",
            make_canonical(self.rules, FUTURES_MARKET_TYPES, FUTURES_MARKET_ALL, FUTURES_INTERVALS),
            faults, VENUE, cfg,
        )  # fmt: skip
        self.user = UserStreams(self.engine, self.rules, seed=str(market.seed))
        self.private_hub = StreamHub(
            "binance-futures-private", self.user.canonical, faults, VENUE, cfg
        )
        self.user.hub = self.private_hub
        self.publisher = StreamPublisher(
            market, BINANCE_FUTURES, self.rules, [self.public_hub, self.market_hub],
            futures=True, kline_period=0.25,
        )  # fmt: skip
        market.add_listener(self.publisher.on_event)
        market.add_listener(self._on_market)
        self._tasks: list[asyncio.Task[None]] = []
        # Hedge mode is the key_faults switch `hedge_mode` (the pre-flight check's position mode).
        self.dual_side_position = False

    # --- plumbing ----------------------------------------------------------------------------

    def _secrets(self) -> dict[str, str]:
        key = self.api_keys.get("binance")
        return {key[0]: key[1]} if key else {}

    def server_ms(self) -> int:
        return SimClock.wall_ms() + self.clock.skew_ms + self.faults.skew_ms(VENUE)

    def _mark(self, symbol: str) -> float:
        return self.market.futures_mark(self._base[symbol])

    def _last(self, symbol: str) -> float | None:
        t = self.market.last_trade(BINANCE_FUTURES, symbol)
        return t.price if t else None

    def _book(self, symbol: str) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        b = self.market.book(BINANCE_FUTURES, symbol)
        return b.bids, b.asks

    def _on_market(self, event: MarketEvent) -> None:
        if event.venue != BINANCE_FUTURES or event.market not in self.rules:
            return
        if isinstance(event, SimTrade):
            self.engine.on_trade(event.market, event.price)
        elif isinstance(event, SimBook):
            self.engine.on_mark(event.market)

    # --- lifecycle ---------------------------------------------------------------------------

    def install(self, app: web.Application) -> None:
        add = self.router.add
        n, s, u = Security.NONE, Security.SIGNED, Security.USER_STREAM
        for method, path, fn, weight, sec in (
            ("GET", "/fapi/v1/ping", self.ping, 1, n),
            ("GET", "/fapi/v1/time", self.time, 1, n),
            ("GET", "/fapi/v1/exchangeInfo", self.exchange_info, 1, n),
            ("GET", "/fapi/v1/depth", self.depth, depth_weight, n),
            ("GET", "/fapi/v1/klines", self.klines, 5, n),
            ("GET", "/fapi/v1/ticker/24hr", self.ticker_24hr, 1, n),
            ("GET", "/fapi/v1/ticker/price", self.ticker_price, 1, n),
            ("GET", "/fapi/v2/ticker/price", self.ticker_price, 1, n),
            ("GET", "/fapi/v1/ticker/bookTicker", self.book_ticker, 2, n),
            ("GET", "/fapi/v1/premiumIndex", self.premium_index, 1, n),
            ("GET", "/fapi/v1/fundingRate", self.funding_rate, 1, n),
            ("POST", "/fapi/v1/leverage", self.set_leverage, 1, s),
            ("POST", "/fapi/v1/marginType", self.set_margin_type, 1, s),
            ("GET", "/fapi/v1/leverageBracket", self.leverage_bracket, 1, s),
            ("GET", "/fapi/v1/positionSide/dual", self.dual_side, 30, s),
            ("GET", "/fapi/v1/multiAssetsMargin", self.multi_assets, 30, s),
            ("GET", "/fapi/v1/commissionRate", self.commission_rate, 20, s),
            ("GET", "/fapi/v1/order", self.get_order, 1, s),
            ("GET", "/fapi/v1/openOrder", self.get_open_order, 1, s),
            ("DELETE", "/fapi/v1/order", self.cancel_order, 1, s),
            ("GET", "/fapi/v1/openOrders", self.open_orders, 1, s),
            ("DELETE", "/fapi/v1/allOpenOrders", self.cancel_all, 1, s),
            ("GET", "/fapi/v1/allOrders", self.all_orders, 5, s),
            ("GET", "/fapi/v1/userTrades", self.user_trades, 5, s),
            ("GET", "/fapi/v1/algoOrder", self.get_algo, 1, s),
            ("DELETE", "/fapi/v1/algoOrder", self.cancel_algo, 1, s),
            ("GET", "/fapi/v1/openAlgoOrders", self.open_algos, 1, s),
            ("GET", "/fapi/v1/allAlgoOrders", self.all_algos, 5, s),
            ("DELETE", "/fapi/v1/algoOpenOrders", self.cancel_all_algos, 1, s),
            ("GET", "/fapi/v2/positionRisk", self.position_risk_v2, 5, s),
            ("GET", "/fapi/v3/positionRisk", self.position_risk_v3, 5, s),
            ("GET", "/fapi/v2/balance", self.balance, 5, s),
            ("GET", "/fapi/v3/balance", self.balance, 5, s),
            ("GET", "/fapi/v2/account", self.account_v2, 5, s),
            ("GET", "/fapi/v3/account", self.account_v3, 5, s),
            ("POST", "/fapi/v1/listenKey", self.listen_key_new, 1, u),
            ("PUT", "/fapi/v1/listenKey", self.listen_key_keepalive, 1, u),
            ("DELETE", "/fapi/v1/listenKey", self.listen_key_close, 1, u),
        ):
            add(app, method, path, fn, weight=weight, security=sec)
        add(app, "POST", "/fapi/v1/order", self.new_order, weight=1, security=s, order=True)
        add(app, "POST", "/fapi/v1/algoOrder", self.new_algo, weight=1, security=s, order=True)
        for prefix, hub in (("/public", self.public_hub), ("/market", self.market_hub)):
            app.router.add_get(prefix + "/ws", self._raw(hub))
            app.router.add_get(prefix + "/ws/{tail:.*}", self._raw(hub))
            app.router.add_get(prefix + "/stream", self._combined(hub))
        app.router.add_get("/private/ws", self.ws_private)
        app.router.add_get("/private/ws/{tail:.*}", self.ws_private)
        app.router.add_get("/private/stream", self.ws_private)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.publisher.run(), name="sim-binance-futures-streams"),
            asyncio.create_task(self._expiry_loop(), name="sim-binance-futures-listenkeys"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for hub in (self.public_hub, self.market_hub, self.private_hub):
            await hub.close_all()

    async def _expiry_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.user.expire_due()

    # --- streams -----------------------------------------------------------------------------

    @staticmethod
    def _raw(hub: StreamHub) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            tail = request.match_info.get("tail", "")
            streams = [tail] if tail and hub.canonical(tail) else []
            return await hub.serve(request, streams, combined=False)

        return handler

    @staticmethod
    def _combined(hub: StreamHub) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            names = [x for x in request.query.get("streams", "").split("/") if x]
            bad = [x for x in names if hub.canonical(x) is None]
            if bad:
                raise web.HTTPBadRequest(text=f"Invalid stream name(s): {', '.join(bad)}")
            return await hub.serve(request, names, combined=True)

        return handler

    async def ws_private(self, request: web.Request) -> web.StreamResponse:
        if self.user.refused:
            raise web.HTTPServiceUnavailable(text="503 Service Unavailable")
        keys = request.query.getall("listenKey", [])
        events: list[str | None] = list(request.query.getall("events", []))
        tail = request.match_info.get("tail", "")
        if not keys and tail:
            keys = [k for k in tail.split("/") if k]
        if len(events) > len(keys):
            raise web.HTTPBadRequest(text="Invalid events")
        events += [None] * (len(keys) - len(events))
        routes: list[str] = []
        for key, ev in zip(keys, events, strict=True):
            got = self.user.routes(key, ev)
            if got is None:
                raise web.HTTPBadRequest(text="Invalid listenKey or events")
            routes += got
        if not routes:
            raise web.HTTPBadRequest(text="Invalid listenKey")
        combined = request.path.startswith("/private/stream")
        return await self.private_hub.serve(request, routes, combined=combined)

    # --- public REST -------------------------------------------------------------------------

    async def ping(self, c: Call) -> Any:
        return {}

    async def time(self, c: Call) -> Any:
        return {"serverTime": self.server_ms()}

    async def exchange_info(self, c: Call) -> Any:
        return futures_exchange_info(self.rules, self.server_ms())

    async def depth(self, c: Call) -> Any:
        return depth(self.market, BINANCE_FUTURES, self.rules, c.params, self.fmt)

    async def klines(self, c: Call) -> Any:
        return klines(self.market, BINANCE_FUTURES, self.rules, c.params, self.fmt)

    async def ticker_24hr(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: ticker_24h(self.market, BINANCE_FUTURES, r, self.fmt)
        )

    async def ticker_price(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: price_ticker(self.market, BINANCE_FUTURES, r, self.fmt)
        )

    async def book_ticker(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: book_ticker(self.market, BINANCE_FUTURES, r, self.fmt)
        )

    async def premium_index(self, c: Call) -> Any:
        now = self.market.now_ms()
        return per_symbol(self.rules, c.params, lambda r: premium_index(self.market, r, now))

    async def funding_rate(self, c: Call) -> Any:
        return []

    # --- configuration -----------------------------------------------------------------------

    async def set_leverage(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        lev = c.params.integer("leverage")
        if lev is None:
            raise BinanceError(
                -1102, "Mandatory parameter 'leverage' was not sent, was empty/null, or malformed."
            )
        pos = self.engine.set_leverage(self.account(c), r.symbol, lev)
        cap = self.engine.brackets[r.symbol][0].notional_cap
        return {"leverage": pos.leverage, "maxNotionalValue": f"{cap:.0f}", "symbol": r.symbol}

    async def set_margin_type(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        mt = c.params.req("marginType").upper()
        self.engine.set_margin_type(self.account(c), r.symbol, "CROSSED" if mt == "CROSS" else mt)
        return {"code": 200, "msg": "success"}

    async def leverage_bracket(self, c: Call) -> Any:
        symbol = c.params.get("symbol")
        selected = [lookup(self.rules, symbol)] if symbol else list(self.rules.values())
        return [
            {"symbol": r.symbol, "notionalCoef": 1.0, "brackets": [
                {"bracket": b.bracket, "initialLeverage": b.initial_leverage,
                 "notionalCap": int(b.notional_cap), "notionalFloor": int(b.notional_floor),
                 "maintMarginRatio": float(b.maint_margin_ratio), "cum": float(b.cum)}
                for b in self.engine.brackets[r.symbol]]}
            for r in selected
        ]  # fmt: skip

    async def dual_side(self, c: Call) -> Any:
        return {"dualSidePosition": self.dual_side_position}

    async def multi_assets(self, c: Call) -> Any:
        return {"multiAssetsMargin": False}

    async def commission_rate(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        return {"symbol": r.symbol, "makerCommissionRate": str(self.engine.maker_fee),
                "takerCommissionRate": str(self.engine.taker_fee), "rpiCommissionRate": "0"}  # fmt: skip

    # --- orders ------------------------------------------------------------------------------

    async def new_order(self, c: Call) -> Any:
        p = c.params
        r = lookup(self.rules, p.get("symbol"))
        side = p.req("side").upper()
        if side not in ("BUY", "SELL"):
            raise BinanceError(-1117, "Invalid side.")
        otype = p.req("type").upper()
        if otype in CONDITIONAL:
            raise BinanceError(
                -4120,
                "Order type not supported for this endpoint. Please use the Algo Order API "
                "endpoints instead.",
            )
        if otype not in ("LIMIT", "MARKET"):
            raise BinanceError(-1116, "Invalid orderType.")
        if (p.get("positionSide") or "BOTH").upper() != "BOTH":
            raise BinanceError(-4061, "Order's position side does not match user's setting.")
        qty = p.dec("quantity", required=True)
        assert qty is not None
        price = p.dec("price")
        tif = (p.get("timeInForce") or "").upper()
        if otype == "LIMIT":
            if price is None:
                raise BinanceError(
                    -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."
                )
            if not tif:
                raise BinanceError(
                    -1102,
                    "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
                )
            if tif not in ("GTC", "IOC", "FOK", "GTX", "GTD"):
                raise BinanceError(-1115, "Invalid timeInForce.")
        elif price is not None:
            raise BinanceError(-1106, "Parameter 'price' sent when not required.")
        client_id = p.get("newClientOrderId")
        if client_id is not None:
            check_client_id("newClientOrderId", client_id)
        resp = (p.get("newOrderRespType") or "ACK").upper()
        order = self.engine.place(
            self.account(c), r.symbol, side, otype, qty, price,
            time_in_force="GTC" if tif == "GTD" else (tif or "GTC"),
            reduce_only=p.boolean("reduceOnly"),
            client_id=client_id or new_client_id(self._rng),
        )  # fmt: skip
        out = order_json(order, r, ack=resp == "ACK", reply=not self.faults.legacy_reply(VENUE))
        out.pop("time")
        return out

    def _find(self, c: Call) -> tuple[FuturesOrder, Any]:
        r = lookup(self.rules, c.params.get("symbol"))
        order_id = c.params.integer("orderId")
        client_id = c.params.get("origClientOrderId")
        if order_id is None and client_id is None:
            raise BinanceError(
                -1102,
                "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
            )
        order = self.engine.find(self.account(c), r.symbol, order_id, client_id)
        if order is None:
            raise BinanceError(-2013, "Order does not exist.")
        return order, r

    async def get_order(self, c: Call) -> Any:
        order, r = self._find(c)
        return order_json(order, r)

    async def get_open_order(self, c: Call) -> Any:
        order, r = self._find(c)
        if not order.is_open:
            raise BinanceError(-2013, "Order does not exist.")
        return order_json(order, r)

    async def cancel_order(self, c: Call) -> Any:
        try:
            order, r = self._find(c)
        except BinanceError as err:
            if err.code == -2013:
                raise BinanceError(-2011, "Unknown order sent.") from None
            raise
        self.engine.cancel(self.account(c), order)
        out = order_json(order, r, reply=not self.faults.legacy_reply(VENUE))
        out.pop("time")
        return out

    async def cancel_all(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        acct = self.account(c)
        for order in acct.open_orders(r.symbol):
            self.engine.cancel(acct, order)
        return {"code": 200, "msg": "The operation of cancel all open order is done."}

    async def open_orders(self, c: Call) -> Any:
        symbol = c.params.get("symbol")
        sym = lookup(self.rules, symbol).symbol if symbol else None
        return [order_json(o, self.rules[o.symbol]) for o in self.account(c).open_orders(sym)]

    async def all_orders(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        limit = max(1, min(c.params.integer("limit", 500) or 500, 1000))
        orders = [o for o in self.account(c).orders.values() if o.symbol == r.symbol]
        return [order_json(o, r) for o in orders[-limit:]]

    async def user_trades(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        acct = self.account(c)
        rows: list[dict[str, Any]] = [
            {"buyer": o.side == "BUY", "commission": f"{f.commission:.8f}",
             "commissionAsset": "USDT", "id": f.trade_id, "maker": f.maker, "orderId": o.order_id,
             "price": r.fmt_price(f.price), "qty": r.fmt_qty(f.qty),
             "quoteQty": f"{f.price * f.qty:.8f}", "realizedPnl": f"{f.realized_pnl:.8f}",
             "side": o.side, "positionSide": "BOTH", "symbol": r.symbol, "time": f.ts_ms}
            for o in acct.orders.values() if o.symbol == r.symbol
            for f in acct.fills.get(o.order_id, [])
        ]  # fmt: skip
        rows.sort(key=lambda t: t["id"])
        limit = max(1, min(c.params.integer("limit", 500) or 500, 1000))
        return rows[-limit:]
