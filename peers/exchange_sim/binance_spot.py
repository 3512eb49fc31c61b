"""The simulated Binance spot venue: REST `/api/v3/*`, the wallet status
`/sapi/v1/capital/config/getall` and market streams on the same port.

Streams: `/ws/<streamName>`, `/ws` and `/ws/<n>` (ccxt.pro connects there and SUBSCRIBEs),
`/stream?streams=a/b` (combined, wrapped as `{"stream","data"}`); the WebSocket API's user-data
subscription at `/ws-api/v3` (`binance_ws_api.py`; the real one is on its own host). Orders go to the shared spot
matching engine; fees 0.1 % taken from the received asset, as on Binance.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web

from peers.exchange_sim.binance_auth import (
    BinanceError,
    Call,
    RestRouter,
    Security,
    WeightMeter,
)
from peers.exchange_sim.binance_info import spot_exchange_info
from peers.exchange_sim.binance_market_data import (
    INTERVALS,
    Fmt,
    book_ticker,
    depth,
    klines,
    lookup,
    per_symbol,
    price_ticker,
    ticker_24h,
)
from peers.exchange_sim.binance_rules import rules_from_model
from peers.exchange_sim.binance_spot_orders import (
    check_client_id,
    f8,
    new_client_id,
    new_order_json,
    order_json,
    parse_order,
    trade_json,
)
from peers.exchange_sim.binance_streams import SPOT_ALL, SPOT_TYPES, StreamPublisher, make_canonical
from peers.exchange_sim.binance_ws import StreamHub, WsConfig
from peers.exchange_sim.binance_ws_api import BinanceWsApi
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import BINANCE, MarketModel
from peers.exchange_sim.matching import SimOrder, SimReject, SpotAccount, SpotEngine
from peers.exchange_sim.wallets import WalletBook

VENUE = "binance"


def depth_weight(p: Any) -> int:
    limit = p.integer("limit", 100) or 100
    return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250


class OrderCounter:
    """`X-MBX-ORDER-COUNT-10S` / `-1D` headers."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()
        self._day = -1
        self._day_count = 0

    def tick(self) -> dict[str, str]:
        now = time.time()
        self._times.append(now)
        while self._times and self._times[0] < now - 10:
            self._times.popleft()
        day = int(now // 86_400)
        self._day_count = self._day_count + 1 if day == self._day else 1
        self._day = day
        return {
            "X-MBX-ORDER-COUNT-10S": str(len(self._times)),
            "X-MBX-ORDER-COUNT-1D": str(self._day_count),
        }


class BinanceVenue:
    """Binance spot (see module docstring). `weights.limit` and `ws_config` are test knobs."""

    def __init__(
        self,
        market: MarketModel,
        clock: SimClock,
        faults: FaultController,
        engine: SpotEngine,
        api_keys: dict[str, tuple[str, str]],
        *,
        weight_limit: int = 6000,
        ws_config: WsConfig | None = None,
        wallets: WalletBook | None = None,
    ) -> None:
        self.market = market
        self.wallets = wallets or WalletBook(market)
        self.clock = clock
        self.faults = faults
        self.engine = engine
        self.api_keys = api_keys
        self.rules = rules_from_model(market, BINANCE)
        self.fmt = Fmt(futures=False)
        self.weights = WeightMeter(weight_limit)
        self._orders = OrderCounter()
        self.router = RestRouter(self._secrets, self.weights, self.server_ms, self._orders.tick)
        self._rng = random.Random(f"{market.seed}:binance-spot-ids")
        self._types: dict[int, str] = {}
        canonical = make_canonical(self.rules, SPOT_TYPES | {"kline"}, SPOT_ALL, INTERVALS)
        self.hub = StreamHub("binance-spot", canonical, faults, VENUE, ws_config or WsConfig())
        self.publisher = StreamPublisher(
            market, BINANCE, self.rules, [self.hub], futures=False, kline_period=2.0
        )
        market.add_listener(self.publisher.on_event)
        self.ws_api = BinanceWsApi(
            engine, self._secrets, self.server_ms, self._type_of, seed=str(market.seed)
        )
        self._task: asyncio.Task[None] | None = None

    def _secrets(self) -> dict[str, str]:
        key = self.api_keys.get("binance")
        return {key[0]: key[1]} if key else {}

    def server_ms(self) -> int:
        """Server time for `timestamp` checks and `/time`: wall clock plus injected skew."""
        return SimClock.wall_ms() + self.clock.skew_ms + self.faults.skew_ms(VENUE)

    # --- lifecycle ---------------------------------------------------------------------------

    def install(self, app: web.Application) -> None:
        add = self.router.add
        none, signed = Security.NONE, Security.SIGNED
        for method, path, fn, weight, sec in (
            ("GET", "/api/v3/ping", self.ping, 1, none),
            ("GET", "/api/v3/time", self.time, 1, none),
            ("GET", "/api/v3/exchangeInfo", self.exchange_info, 20, none),
            ("GET", "/api/v3/depth", self.depth, depth_weight, none),
            ("GET", "/api/v3/klines", self.klines, 2, none),
            ("GET", "/api/v3/uiKlines", self.klines, 2, none),
            ("GET", "/api/v3/trades", self.trades, 25, none),
            ("GET", "/api/v3/aggTrades", self.agg_trades, 4, none),
            ("GET", "/api/v3/avgPrice", self.avg_price, 2, none),
            ("GET", "/api/v3/ticker/price", self.ticker_price, _multi(2, 4), none),
            ("GET", "/api/v3/ticker/bookTicker", self.book_ticker, _multi(2, 4), none),
            ("GET", "/api/v3/ticker/24hr", self.ticker_24hr, _multi(2, 80), none),
            ("GET", "/api/v3/account", self.account, 20, signed),
            ("GET", "/api/v3/order", self.get_order, 4, signed),
            ("DELETE", "/api/v3/order", self.cancel_order, 1, signed),
            ("GET", "/api/v3/openOrders", self.open_orders, _multi(6, 80), signed),
            ("DELETE", "/api/v3/openOrders", self.cancel_all, 1, signed),
            ("GET", "/api/v3/allOrders", self.all_orders, 20, signed),
            ("GET", "/api/v3/myTrades", self.my_trades, 20, signed),
            ("POST", "/api/v3/order/test", self.test_order, 1, signed),
            ("GET", "/sapi/v1/capital/config/getall", self.capital_config, 10, signed),
        ):
            add(app, method, path, fn, weight=weight, security=sec)
        add(app, "POST", "/api/v3/order", self.new_order, weight=1, security=signed, order=True)
        app.router.add_get("/ws", self.ws_raw)
        app.router.add_get("/ws/{tail:.*}", self.ws_raw)
        app.router.add_get("/stream", self.ws_combined)
        self.ws_api.install(app)

    async def start(self) -> None:
        self._task = asyncio.create_task(self.publisher.run(), name="sim-binance-spot-streams")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.hub.close_all()
        await self.ws_api.close_all()

    # --- streams -----------------------------------------------------------------------------

    async def firehose(self, count: int, stream: str = "btcusdt@trade", batch: int = 1000) -> int:
        """Push `count` trade events to the subscribers of `stream` as fast as they drain.

        For stream benchmarks: payloads are real `trade` events (copies of the last trade with
        increasing trade ids). Returns the number of events published.
        """
        key = self.hub.canonical(stream)
        if key is None or not key.endswith("@trade") or count <= 0:
            return 0
        r = self.rules[key.partition("@")[0].upper()]
        last = self.market.last_trade(BINANCE, r.symbol)
        base = {"e": "trade", "E": self.market.now_ms(), "s": r.symbol, "t": 0,
                "p": f8(last.price if last else self.market.binance_mid(r.base)),
                "q": f8(last.qty if last else 0.001), "T": self.market.now_ms(), "m": True,
                "M": True}  # fmt: skip
        first = (last.trade_id if last else 0) + 1
        frames = [orjson.dumps({**base, "t": first + i}) for i in range(min(batch, count))]
        sent = 0
        while sent < count:
            n = min(batch, count - sent)
            for data in frames[:n]:
                self.hub.publish(key, data)
            sent += n
            while self.hub.backlog(key) > batch * 16:
                await asyncio.sleep(0)
        return sent

    async def ws_raw(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info.get("tail", "")
        streams = [tail] if tail and self.hub.canonical(tail) else []
        return await self.hub.serve(request, streams, combined=False)

    async def ws_combined(self, request: web.Request) -> web.StreamResponse:
        names = [s for s in request.query.get("streams", "").split("/") if s]
        bad = [n for n in names if self.hub.canonical(n) is None]
        if bad:
            raise web.HTTPBadRequest(text=f"Invalid stream name(s): {', '.join(bad)}")
        return await self.hub.serve(request, names, combined=True)

    # --- public REST -------------------------------------------------------------------------

    async def ping(self, c: Call) -> Any:
        return {}

    async def time(self, c: Call) -> Any:
        return {"serverTime": self.server_ms()}

    async def exchange_info(self, c: Call) -> Any:
        # markets switched off with MarketModel.delist are not listed
        listed = {k: r for k, r in self.rules.items() if self.market.has_market(BINANCE, k)}
        return spot_exchange_info(listed, c.params, self.server_ms())

    async def depth(self, c: Call) -> Any:
        return depth(self.market, BINANCE, self.rules, c.params, self.fmt)

    async def klines(self, c: Call) -> Any:
        return klines(self.market, BINANCE, self.rules, c.params, self.fmt)

    def _recent(self, c: Call) -> tuple[Any, list[Any]]:
        r = lookup(self.rules, c.params.get("symbol"))
        limit = max(1, min(c.params.integer("limit", 500) or 500, 1000))
        return r, self.market.trades(BINANCE, r.symbol)[-limit:]

    async def trades(self, c: Call) -> Any:
        _r, trades = self._recent(c)
        return [
            {"id": t.trade_id, "price": f8(t.price), "qty": f8(t.qty),
             "quoteQty": f8(t.price * t.qty), "time": t.ts_ms, "isBuyerMaker": t.is_buyer_maker,
             "isBestMatch": True}
            for t in trades
        ]  # fmt: skip

    async def agg_trades(self, c: Call) -> Any:
        _r, trades = self._recent(c)
        return [
            {"a": t.trade_id, "p": f8(t.price), "q": f8(t.qty), "f": t.trade_id, "l": t.trade_id,
             "T": t.ts_ms, "m": t.is_buyer_maker, "M": True}
            for t in trades
        ]  # fmt: skip

    async def avg_price(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        return {
            "mins": 5,
            "price": f8(self.market.binance_mid(r.base)),
            "closeTime": self.market.now_ms(),
        }

    async def ticker_price(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: price_ticker(self.market, BINANCE, r, self.fmt)
        )

    async def book_ticker(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: book_ticker(self.market, BINANCE, r, self.fmt)
        )

    async def ticker_24hr(self, c: Call) -> Any:
        return per_symbol(
            self.rules, c.params, lambda r: ticker_24h(self.market, BINANCE, r, self.fmt)
        )

    # --- account and orders ------------------------------------------------------------------

    def _account(self, c: Call) -> SpotAccount:
        assert c.api_key is not None
        return self.engine.account(c.api_key)

    async def account(self, c: Call) -> Any:
        acct = self._account(c)
        omit = c.params.boolean("omitZeroBalances")
        balances = [
            {"asset": a, "free": f8(b.free), "locked": f8(b.locked)}
            for a, b in sorted(acct.balances.items())
            if not omit or b.total > 0
        ]
        fee = "0.00100000"
        return {
            "makerCommission": 10, "takerCommission": 10, "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {"maker": fee, "taker": fee, "buyer": "0.00000000", "seller": "0.00000000"},
            "canTrade": True, "canWithdraw": True, "canDeposit": True, "brokered": False,
            "requireSelfTradePrevention": False, "preventSor": False,
            "updateTime": self.market.now_ms(), "accountType": "SPOT", "balances": balances,
            "permissions": ["SPOT"], "uid": 354937868,
        }  # fmt: skip

    async def capital_config(self, c: Call) -> Any:
        acct = self._account(c)
        balances = {a: (b.free, b.locked) for a, b in acct.balances.items()}
        return self.wallets.binance_coins(balances)

    def _validate(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        return parse_order(c.params, r, self.market.binance_mid(r.base), self._rng)

    async def test_order(self, c: Call) -> Any:
        self._validate(c)
        if c.params.boolean("computeCommissionRates"):
            rate = "0.00100000"
            return {
                "standardCommissionForOrder": {"maker": rate, "taker": rate},
                "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
                "discount": {"enabledForAccount": False, "enabledForSymbol": False,
                             "discountAsset": "BNB", "discount": "0.25000000"},
            }  # fmt: skip
        return {}

    async def new_order(self, c: Call) -> Any:
        req = self._validate(c)
        acct = self._account(c)
        if req.type == "LIMIT_MAKER":
            book = self.market.book(BINANCE, req.symbol, depth=1)
            assert req.price is not None
            if (req.side == "BUY" and book.asks and Decimal(str(book.asks[0][0])) <= req.price) or (
                req.side == "SELL" and book.bids and Decimal(str(book.bids[0][0])) >= req.price
            ):
                raise BinanceError(-2010, "Order would immediately match and take.")
        try:
            order = self.engine.place(
                acct, req.symbol, req.side.lower(),
                "market" if req.type in ("MARKET", "STOP_LOSS") else "limit",
                price=req.price, qty=req.qty, quote_amount=req.quote_qty,
                client_id=req.client_id, time_in_force=req.time_in_force,
                stop_price=req.stop_price,
            )  # fmt: skip
        except SimReject as exc:
            raise _reject(exc) from None
        self._types[order.seq] = req.type
        return new_order_json(order, req.type, req.resp_type)

    def _find(self, c: Call) -> SimOrder:
        r = lookup(self.rules, c.params.get("symbol"))
        order_id = c.params.integer("orderId")
        client_id = c.params.get("origClientOrderId")
        if order_id is None and client_id is None:
            raise BinanceError(
                -1102,
                "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
            )
        try:
            order = self.engine.get(self._account(c), order_id, client_id)
        except SimReject:
            raise BinanceError(-2013, "Order does not exist.") from None
        if order.market != r.symbol:
            raise BinanceError(-2013, "Order does not exist.")
        return order

    def _type_of(self, o: SimOrder) -> str:
        return self._types.get(o.seq, "MARKET" if o.ord_type == "market" else "LIMIT")

    def _json(self, o: SimOrder) -> dict[str, Any]:
        return order_json(o, self._type_of(o))

    async def get_order(self, c: Call) -> Any:
        return self._json(self._find(c))

    def _cancel(self, c: Call, o: SimOrder) -> dict[str, Any]:
        try:
            self.engine.cancel(self._account(c), o.seq)
        except SimReject:
            raise BinanceError(-2011, "Unknown order sent.") from None
        q = self._json(o)
        cancel_id = c.params.get("newClientOrderId")
        if cancel_id is not None:
            check_client_id("newClientOrderId", cancel_id)
        out = {"symbol": o.market, "origClientOrderId": o.client_id, "orderId": o.seq,
               "orderListId": -1, "clientOrderId": cancel_id or new_client_id(self._rng),
               "transactTime": self.market.now_ms()}  # fmt: skip
        for key in ("price", "origQty", "executedQty", "cummulativeQuoteQty", "status",
                    "timeInForce", "type", "side", "selfTradePreventionMode"):  # fmt: skip
            out[key] = q[key]
        return out

    async def cancel_order(self, c: Call) -> Any:
        try:
            order = self._find(c)
        except BinanceError as err:
            if err.code == -2013:
                raise BinanceError(-2011, "Unknown order sent.") from None
            raise
        return self._cancel(c, order)

    async def cancel_all(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        orders = self.engine.open_orders(self._account(c), r.symbol)
        if not orders:
            raise BinanceError(-2011, "Unknown order sent.")
        return [self._cancel(c, o) for o in orders]

    async def open_orders(self, c: Call) -> Any:
        symbol = c.params.get("symbol")
        market = lookup(self.rules, symbol).symbol if symbol else None
        return [self._json(o) for o in self.engine.open_orders(self._account(c), market)]

    def _window(self, c: Call, items: list[Any], key: Any) -> list[Any]:
        start, end = c.params.integer("startTime"), c.params.integer("endTime")
        limit = max(1, min(c.params.integer("limit", 500) or 500, 1000))
        items = [
            i
            for i in items
            if (start is None or key(i) >= start) and (end is None or key(i) <= end)
        ]
        return items[:limit] if start is not None else items[-limit:]

    async def all_orders(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        from_id = c.params.integer("orderId")
        orders = [o for o in self.engine.all_orders(self._account(c), r.symbol)
                  if from_id is None or o.seq >= from_id]  # fmt: skip
        return [self._json(o) for o in self._window(c, orders, lambda o: o.created_ms)]

    async def my_trades(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        only = c.params.integer("orderId")
        from_id = c.params.integer("fromId")
        rows = [
            trade_json(o, f)
            for o in self.engine.all_orders(self._account(c), r.symbol)
            if only is None or o.seq == only
            for f in o.fills
            if from_id is None or f.trade_id >= from_id
        ]
        rows.sort(key=lambda t: t["id"])
        return self._window(c, rows, lambda t: t["time"])


def _multi(one: int, many: int) -> Any:
    def weight(p: Any) -> int:
        return one if p.get("symbol") else many

    return weight


def _reject(exc: SimReject) -> BinanceError:
    if exc.code == "insufficient_funds":
        return BinanceError(-2010, "Account has insufficient balance for requested action.")
    if exc.code == "duplicate_client_id":
        return BinanceError(-2010, "Duplicate order sent.")
    if exc.code == "order_not_found":
        return BinanceError(-2013, "Order does not exist.")
    return BinanceError(-2010, exc.message)
