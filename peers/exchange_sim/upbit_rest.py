"""Upbit REST `/v1/...`: quotation and exchange endpoints with JWT auth and rate limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, unquote_plus

import orjson
from aiohttp import web

from peers.exchange_sim.market import UPBIT, MarketModel
from peers.exchange_sim.matching import SimOrder, SimReject, SpotAccount, SpotEngine
from peers.exchange_sim.ticks import fmt_decimal, krw_tick
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitError, UpbitRateLimiter, query_strings
from peers.exchange_sim.upbit_auth import remaining_header as _remaining
from peers.exchange_sim.upbit_payloads import UpbitPayloads, account_json, candle_rest, order_json
from peers.exchange_sim.wallets import WalletBook

MIN_TOTAL_KRW = Decimal(5000)
MAX_TOTAL_KRW = Decimal(1_000_000_000)
MINUTE_UNITS = (1, 3, 5, 10, 15, 30, 60, 240)
# market_event.caution keys as Upbit documents them (tests/data/real/upbit/rest_market_all.json)
CAUTION_FLAGS = (
    "PRICE_FLUCTUATIONS",
    "TRADING_VOLUME_SOARING",
    "DEPOSIT_AMOUNT_SOARING",
    "GLOBAL_PRICE_DIFFERENCES",
    "CONCENTRATION_OF_SMALL_ACCOUNTS",
)
Params = dict[str, Any]
Handler = Callable[[web.Request, Params, SpotAccount | None], Awaitable[Any]]


def _bad(message: str, name: str = "validation_error") -> UpbitError:
    return UpbitError(400, name, message)


def _dec(params: Params, name: str, required: bool = True) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise _bad(f"{name} is missing")
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise _bad(f"{name} is not a number: {raw!r}") from None
    if not value.is_finite() or value <= 0:
        raise _bad(f"{name} must be positive")
    return value


def _int(params: Params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise _bad(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise _bad(f"{name} must be between {low} and {high}")
    return value


def _list(params: Params, name: str) -> list[str]:
    value = params.get(name + "[]", params.get(name))
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _parse_time_ms(raw: str) -> int:
    text = raw.strip().replace(" ", "T")
    try:
        if text.isdigit():
            return int(text)
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f"to/time must be ISO 8601 (yyyy-MM-ddTHH:mm:ssZ), got {raw!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return int(parsed.timestamp() * 1000)


class UpbitRest:
    def __init__(
        self,
        market: MarketModel,
        engine: SpotEngine,
        auth: UpbitAuth,
        limiter: UpbitRateLimiter,
        payloads: UpbitPayloads,
        wallets: WalletBook | None = None,
        venue: str = UPBIT,
    ) -> None:
        self.venue = venue  # "bithumb" answers the same quotation wire (bithumb_rest.py)
        self.market = market
        self.engine = engine
        self.auth = auth
        self.limiter = limiter
        self.payloads = payloads
        self.wallets = wallets or WalletBook(market)
        # market -> (warning, caution flags set), see set_market_event
        self.market_events: dict[str, tuple[bool, frozenset[str]]] = {}

    # ----------------------------------------------------------------- plumbing
    def _wrap(self, group: str, private: bool, fn: Handler, status: int = 200) -> Any:
        async def handler(request: web.Request) -> web.Response:
            headers: dict[str, str] = {}
            try:
                params, hash_inputs = await self._params(request)
                account: SpotAccount | None = None
                identity = request.remote or "?"
                if private:
                    access = self.auth.verify(request.headers.get("Authorization"), hash_inputs)
                    account = self.engine.account(access)
                    identity = access
                left = self.limiter.take(group, identity)
                headers = _remaining(group, left)
                if left < 0:
                    return web.Response(status=429, text="Too many API requests.", headers=headers)
                data = await fn(request, params, account)
            except UpbitError as err:
                return err.response(headers)
            return web.Response(
                status=status, body=orjson.dumps(data), content_type="application/json",
                headers=headers,
            )  # fmt: skip

        return handler

    @staticmethod
    async def _params(request: web.Request) -> tuple[Params, set[str] | None]:
        params: Params = {}
        pairs: list[tuple[str, Any]] = []
        for key, value in request.query.items():
            pairs.append((key, value))
            if key.endswith("[]"):
                params.setdefault(key, []).append(value)
            else:
                params[key] = value
        inputs: set[str] = set()
        raw = request.rel_url.raw_query_string
        if raw:
            inputs |= {unquote(raw), unquote_plus(raw)} | query_strings(pairs)
        if request.method == "POST" and request.can_read_body:
            try:
                body = orjson.loads(await request.read())
            except orjson.JSONDecodeError:
                raise _bad("request body must be JSON") from None
            if not isinstance(body, dict):
                raise _bad("request body must be a JSON object")
            params.update(body)
            inputs |= query_strings(list(body.items()))
        return params, (inputs or None)

    def quotation_routes(self) -> list[tuple[str, str, Handler]]:
        """(path, rate-limit group, handler) of every public GET endpoint."""
        return [
            ("/v1/market/all", "market", self.market_all),
            ("/v1/ticker", "ticker", self.ticker),
            ("/v1/ticker/all", "ticker", self.ticker_all),
            ("/v1/orderbook", "orderbook", self.orderbook),
            ("/v1/orderbook/instruments", "orderbook", self.instruments),
            ("/v1/trades/ticks", "trade", self.trades),
            ("/v1/candles/minutes/{unit}", "candle", self.candles_minutes),
            ("/v1/candles/days", "candle", self.candles_days),
        ]

    def install(self, app: web.Application) -> None:
        for path, group, fn in self.quotation_routes():
            app.router.add_get(path, self._wrap(group, False, fn))
        self.install_exchange(app)

    def install_exchange(self, app: web.Application) -> None:
        """The signed account and order endpoints."""
        r = app.router
        w = self._wrap
        r.add_get("/v1/accounts", w("default", True, self.accounts))
        r.add_get("/v1/orders/chance", w("default", True, self.chance))
        r.add_post("/v1/orders", w("order", True, self.create_order, 201))
        r.add_post("/v1/orders/test", w("order", True, self.test_order, 201))
        r.add_get("/v1/order", w("default", True, self.get_order))
        r.add_delete("/v1/order", w("default", True, self.cancel_order))
        r.add_get("/v1/orders/open", w("default", True, self.open_orders))
        r.add_get("/v1/orders/closed", w("default", True, self.closed_orders))
        r.add_get("/v1/orders/uuids", w("default", True, self.orders_by_ids))
        r.add_get("/v1/orders", w("default", True, self.orders_legacy))
        r.add_get("/v1/status/wallet", w("default", True, self.wallet_status))
        r.add_get("/v1/withdraws/chance", w("default", True, self.withdraw_chance))

    def set_market_event(
        self, market: str, warning: bool = False, cautions: tuple[str, ...] = ()
    ) -> None:
        """Switch: the warning and caution flags `/v1/market/all?is_details=true` reports for
        `market` ("KRW-XRP"); no flags set clears them."""
        unknown = set(cautions) - set(CAUTION_FLAGS)
        if unknown:
            raise ValueError(f"unknown caution flags {sorted(unknown)}; known: {CAUTION_FLAGS}")
        if warning or cautions:
            self.market_events[market] = (warning, frozenset(cautions))
        else:
            self.market_events.pop(market, None)

    def _code(self, code: str) -> str:
        if not self.market.has_market(self.venue, code):
            raise UpbitError(404, "404", "Code not found")
        return code

    def _codes(self, params: Params, name: str = "markets") -> list[str]:
        raw = str(params.get(name, ""))
        codes = [c.strip() for c in raw.split(",") if c.strip()]
        if not codes:
            raise _bad(f"{name} is missing")
        return [self._code(c) for c in codes]

    # ----------------------------------------------------------------- quotation
    details_param = "is_details"  # Bithumb spells it isDetails

    async def market_all(self, request: web.Request, p: Params, _: Any) -> Any:
        details = str(p.get(self.details_param, "false")).lower() == "true"
        out = []
        for spec in self.market.markets(self.venue):
            coin = self.market.coin(spec.base)
            item: dict[str, Any] = {
                "market": spec.market,
                "korean_name": coin.korean_name or spec.base,
                "english_name": coin.english_name or spec.base,
            }
            if details:
                item |= self.market_details(spec.market)
            out.append(item)
        return out

    def market_details(self, market: str) -> dict[str, Any]:
        """What `is_details=true` adds to a market: Upbit's warning and caution flags."""
        warning, cautions = self.market_events.get(market, (False, frozenset()))
        return {
            "market_warning": "CAUTION" if warning else "NONE",
            "market_event": {
                "warning": warning,
                "caution": {flag: flag in cautions for flag in CAUTION_FLAGS},
            },
        }

    async def ticker(self, request: web.Request, p: Params, _: Any) -> Any:
        return [self.payloads.ticker(code, ws=False) for code in self._codes(p)]

    async def ticker_all(self, request: web.Request, p: Params, _: Any) -> Any:
        quotes = {q.strip().upper() for q in str(p.get("quote_currencies", "KRW")).split(",")}
        return [
            self.payloads.ticker(m.market, ws=False)
            for m in self.market.markets(self.venue)
            if m.quote in quotes
        ]

    async def orderbook(self, request: web.Request, p: Params, _: Any) -> Any:
        count = _int(p, "count", 30, 1, 30)
        return [
            self.payloads.orderbook(self.market.book(self.venue, code), count, ws=False)
            for code in self._codes(p)
        ]

    async def instruments(self, request: web.Request, p: Params, _: Any) -> Any:
        out = []
        for code in self._codes(p):
            tick = self.tick(code, Decimal(str(self.market.mid(self.venue, code))))
            # Strings, as the live venue sends them (tests/data/real/upbit/instruments_*).
            levels = ["0", *(fmt_decimal(tick * k) for k in (10, 100) if tick * k < 1000)]
            out.append(
                {"market": code, "quote_currency": "KRW", "tick_size": fmt_decimal(tick),
                 "supported_levels": levels}
            )  # fmt: skip
        return out

    def tick(self, code: str, price: Decimal) -> Decimal:
        """The market's tick at `price`: the one set for it (`UpbitVenue.set_tick`), else the
        KRW table."""
        spec = self.market.market_spec(self.venue, code)
        if spec.price_tick is not None:
            return Decimal(str(spec.price_tick))
        return krw_tick(price, spec.base)

    async def trades(self, request: web.Request, p: Params, _: Any) -> Any:
        code = self._code(str(p.get("market", "")))
        count = _int(p, "count", 1, 1, 500)
        recent = self.market.trades(self.venue, code)[-count:]
        return [self.payloads.trade(t, ws=False) for t in reversed(recent)]

    def _candles(self, p: Params, interval_s: int, unit: int | None) -> list[dict[str, Any]]:
        code = self._code(str(p.get("market", "")))
        count = _int(p, "count", 1, 1, 200)
        to = p.get("to")
        end_ms = self.to_ms(str(to)) - 1 if to else self.market.now_ms()
        bars = self.market.candles(self.venue, code, interval_s, end_ms, count + 1)
        out = []
        for i in range(len(bars) - 1, 0 if len(bars) > count else -1, -1):
            prev = bars[i - 1].close if i > 0 else None
            out.append(candle_rest(code, bars[i], unit, prev))
        return out[:count]

    @staticmethod
    def to_ms(raw: str) -> int:
        """The candle endpoints' `to`: ISO 8601, UTC unless it says otherwise (Upbit)."""
        return _parse_time_ms(raw)

    async def candles_minutes(self, request: web.Request, p: Params, _: Any) -> Any:
        try:
            unit = int(request.match_info["unit"])
        except ValueError:
            unit = -1
        if unit not in MINUTE_UNITS:
            raise _bad(f"unit must be one of {MINUTE_UNITS}")
        return self._candles(p, unit * 60, unit)

    async def candles_days(self, request: web.Request, p: Params, _: Any) -> Any:
        return self._candles(p, 86_400, None)

    # ----------------------------------------------------------------- exchange
    async def accounts(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        held = (c for c, b in acct.balances.items() if c != "KRW" and (b.free > 0 or b.locked > 0))
        currencies = ["KRW", *sorted(held)]
        return [account_json(acct, c) for c in currencies]

    async def chance(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        code = self._code(str(p.get("market", "")))
        spec = self.market.market_spec(self.venue, code)
        fee = fmt_decimal(self.engine.fee_rate)
        return {
            "bid_fee": fee, "ask_fee": fee, "maker_bid_fee": fee, "maker_ask_fee": fee,
            "market": {
                "id": code, "name": f"{spec.base}/KRW",
                "order_types": ["limit"], "order_sides": ["ask", "bid"],
                "bid_types": ["limit", "price"], "ask_types": ["limit", "market"],
                "bid": {"currency": "KRW", "price_unit": None, "min_total": 5000},
                "ask": {"currency": spec.base, "price_unit": None, "min_total": 5000},
                "max_total": "1000000000.0", "state": "active",
            },
            "bid_account": account_json(acct, "KRW"),
            "ask_account": account_json(acct, spec.base),
        }  # fmt: skip

    async def wallet_status(self, request: web.Request, p: Params, _: Any) -> Any:
        return self.wallets.upbit_rows(self.market.now_ms())

    async def withdraw_chance(self, request: web.Request, p: Params, acct: Any) -> Any:
        assert acct is not None
        coin, net = str(p.get("currency", "")), str(p.get("net_type", ""))
        if not coin or not net:
            raise _bad("currency and net_type are required")
        bal = acct.balances.get(coin.upper())  # not .balance(): a question adds no asset
        held = (bal.free, bal.locked) if bal is not None else (Decimal(0), Decimal(0))
        try:
            return self.wallets.upbit_withdraw_chance(coin, net, held)
        except ValueError as exc:
            raise _bad(str(exc)) from None

    def _validate(self, p: Params) -> tuple[str, str, str, dict[str, Any]]:
        """Check an order request like Upbit does; returns (market, side, type, engine args)."""
        code = str(p.get("market", ""))
        if not code:
            raise _bad("market is missing")
        self._code(code)
        side = p.get("side")
        if side not in ("bid", "ask"):
            raise _bad("side is missing, side does not have a valid value")
        kind = p.get("ord_type")
        suffix = "bid" if side == "bid" else "ask"
        tif = str(p.get("time_in_force") or "").lower()
        if tif not in ("", "ioc", "fok", "post_only"):
            raise _bad("time_in_force must be ioc, fok or post_only")
        if kind == "limit":
            price, volume = _dec(p, "price"), _dec(p, "volume")
            assert price is not None and volume is not None
            if price % self.tick(code, price):
                raise _bad("주문가격 단위를 잘못 입력하셨습니다. 확인 후 시도해주세요.",
                           f"invalid_price_{suffix}")  # fmt: skip
            if volume != volume.quantize(Decimal("1e-8")):
                raise _bad("volume has too many decimals (max 8)", "invalid_volume")
            total = price * volume
            args = {"ord_type": "limit", "price": price, "qty": volume,
                    "time_in_force": tif.upper() if tif in ("ioc", "fok") else "GTC"}  # fmt: skip
        elif kind == "price":
            if side != "bid" or p.get("volume") not in (None, ""):
                raise _bad("시장가 매수는 price만 입력합니다.", "create_bid_error")
            total = _dec(p, "price") or Decimal(0)
            args = {"ord_type": "market", "quote_amount": total}
        elif kind == "market":
            if side != "ask" or p.get("price") not in (None, ""):
                raise _bad("시장가 매도는 volume만 입력합니다.", "create_ask_error")
            volume = _dec(p, "volume") or Decimal(0)
            bid = Decimal(str(self.market.book(self.venue, code, depth=1).bids[0][0]))
            total = volume * bid
            args = {"ord_type": "market", "qty": volume}
        elif kind == "best":
            raise _bad("ord_type best is not supported by the simulator")
        else:
            raise _bad("ord_type is missing or invalid")
        if total < MIN_TOTAL_KRW:
            raise _bad("최소주문금액 이상으로 주문해주세요", f"under_min_total_{suffix}")
        if total > MAX_TOTAL_KRW:
            raise _bad("최대주문금액 이하로 주문해주세요", f"over_max_total_{suffix}")
        return code, side, str(kind), args

    async def create_order(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        code, side, _, args = self._validate(p)
        identifier = p.get("identifier")
        if identifier is not None and not isinstance(identifier, str | int):
            raise _bad("identifier must be a string")
        try:
            order = self.engine.place(
                acct, code, "buy" if side == "bid" else "sell",
                client_id=None if identifier is None else str(identifier), **args,
            )  # fmt: skip
        except SimReject as rej:
            raise self._reject(rej, side, code) from None
        return order_json(order, self.engine.fee_rate)

    async def test_order(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        code, side, kind, args = self._validate(p)
        preview = {"uuid": self.engine._uuid(), "side": side, "ord_type": kind, "state": "wait",
                   "market": code, "created_at": "", "trades_count": 0}  # fmt: skip
        if "price" in args or "quote_amount" in args:
            preview["price"] = fmt_decimal(args.get("price") or args["quote_amount"])
        if "qty" in args:
            preview["volume"] = fmt_decimal(args["qty"])
        return preview

    def _reject(self, rej: SimReject, side: str, code: str) -> UpbitError:
        if rej.code == "insufficient_funds":
            currency = "KRW" if side == "bid" else self.market.market_spec(self.venue, code).base
            return _bad(f"주문가능한 금액({currency})이 부족합니다.", f"insufficient_funds_{side}")
        if rej.code == "duplicate_client_id":
            # Upbit: an identifier can never be reused, even after the order closed or failed.
            return _bad("identifier는 중복될 수 없습니다. (duplicate identifier)")
        if rej.code == "order_not_found":
            return UpbitError(404, "order_not_found", "주문을 찾지 못했습니다.")
        return _bad(rej.message)

    def _find(self, p: Params, acct: SpotAccount) -> SimOrder:
        uuid_, ident = p.get("uuid"), p.get("identifier")
        if not uuid_ and not ident:
            raise _bad("uuid 또는 identifier 중 하나는 필수입니다.")
        try:
            return self.engine.get(acct, order_id=uuid_ or None, client_id=ident or None)
        except SimReject:
            raise UpbitError(404, "order_not_found", "주문을 찾지 못했습니다.") from None

    async def get_order(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        return order_json(self._find(p, acct), self.engine.fee_rate, with_trades=True)

    async def cancel_order(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        order = self._find(p, acct)
        if not order.is_open:
            raise UpbitError(404, "order_not_found", "주문을 찾지 못했습니다.")
        before = order_json(order, self.engine.fee_rate)  # Upbit answers with the pre-cancel view
        self.engine.cancel(acct, order_id=order.uuid)
        return before

    def _listing(self, acct: SpotAccount, p: Params, states: set[str], limit_max: int) -> Any:
        code = p.get("market")
        if code:
            self._code(str(code))
        limit = _int(p, "limit", 100, 1, limit_max)
        page = _int(p, "page", 1, 1, 10_000)
        order_by = str(p.get("order_by", "desc")).lower()
        if order_by not in ("asc", "desc"):
            raise _bad("order_by must be asc or desc")
        orders = [
            o for o in self.engine.all_orders(acct, str(code) if code else None)
            if order_json(o, self.engine.fee_rate)["state"] in states
        ]  # fmt: skip
        orders.sort(key=lambda o: o.seq, reverse=order_by == "desc")
        chunk = orders[(page - 1) * limit : page * limit]
        return [order_json(o, self.engine.fee_rate) for o in chunk]

    def _states(self, p: Params, allowed: set[str], default: set[str]) -> set[str]:
        wanted = set(_list(p, "states")) | ({str(p["state"])} if p.get("state") else set())
        if wanted - allowed:
            raise _bad(f"state must be one of {sorted(allowed)}")
        return wanted or default

    async def open_orders(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        states = self._states(p, {"wait", "watch"}, {"wait", "watch"})
        return self._listing(acct, p, states, 100)

    async def closed_orders(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        states = self._states(p, {"done", "cancel"}, {"done", "cancel"})
        return self._listing(acct, p, states, 1000)

    async def orders_legacy(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        states = self._states(p, {"wait", "watch", "done", "cancel"}, {"wait"})
        return self._listing(acct, p, states, 100)

    async def orders_by_ids(self, request: web.Request, p: Params, acct: SpotAccount | None) -> Any:
        assert acct is not None
        out = []
        for uid in _list(p, "uuids"):
            try:
                out.append(self.engine.get(acct, order_id=uid))
            except SimReject:
                continue
        for ident in _list(p, "identifiers"):
            try:
                out.append(self.engine.get(acct, client_id=ident))
            except SimReject:
                continue
        return [order_json(o, self.engine.fee_rate) for o in out]
