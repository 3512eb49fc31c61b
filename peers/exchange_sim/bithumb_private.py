"""Bithumb API 2.0 private REST: accounts, orders, wallet status, with Bithumb's JWT checks.

Authentication (apidocs.bithumb.com "인증 토큰 생성하기"): `Authorization: Bearer <JWT>`, HS256
signed with the secret key, payload `access_key`, `nonce` (unique per request), `timestamp` (ms)
and, when the request has parameters, `query_hash` = SHA-512 hex of the URL-encoded query
string (`k=v&k2=v2`, arrays as `k[]=v1&k[]=v2`; for a POST the JSON body's keys in their
order) with `query_hash_alg` "SHA512". A bad token is refused with HTTP 401 and Bithumb's error
body `{"error": {"name": "jwt_verification", "message": "Jwt 토큰 검증에 실패했습니다."}}`
("API 주요 에러 코드"); a token older than `max_age_s` with `expired_jwt`.

Endpoints (the v2 order path ccxt's `bithumb` uses): `GET /v1/accounts`, `POST /v2/orders`
(`order_type` limit | price | market, `client_order_id`), `GET /v1/order` (`uuid` or
`client_order_id`, with `trades`), `DELETE /v2/order` (`order_id` or `client_order_id`),
`GET /v1/orders` (`state(s)`, `market`, `uuids[]`, `client_order_ids[]`, paging),
`GET /v1/orders/chance` (the account's fee rates, the market's minimum) and
`GET /v1/status/wallet` and `GET /v1/withdraws/chance` (a network's withdrawal fee). Matching, balances and fees are the simulator's spot engine; REST
faults are the venue app's middleware. Order replies are Upbit's shapes with Bithumb's names
(`client_order_id` for `identifier`; the create reply is a receipt).
Installed by `BithumbVenue` with one call; `BithumbParts` is what the public side shares.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, unquote, urlencode

import orjson
from aiohttp import web

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import BITHUMB, MarketModel
from peers.exchange_sim.matching import SimOrder, SimReject, SpotAccount, SpotEngine
from peers.exchange_sim.ticks import fmt_decimal, krw_tick
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitError, UpbitRateLimiter
from peers.exchange_sim.upbit_payloads import UpbitPayloads, account_json, kst_iso, order_json
from peers.exchange_sim.wallets import WalletBook

VENUE = BITHUMB
MIN_TOTAL_KRW = Decimal(5000)
MAX_TOTAL_KRW = Decimal(1_000_000_000)
MSG = {
    "jwt_verification": "Jwt 토큰 검증에 실패했습니다.",
    "invalid_query_payload": "Jwt의 query를 검증하는데 실패하였습니다.",
    "expired_jwt": "Jwt가 만료되었습니다.",
}
Params = dict[str, Any]
Handler = Callable[[web.Request, Params, SpotAccount], Awaitable[Any]]


def _auth_error(name: str) -> UpbitError:
    return UpbitError(401, name, MSG[name])


def _bad(message: str, name: str = "invalid_parameter") -> UpbitError:
    return UpbitError(400, name, message)


def _not_found() -> UpbitError:
    return UpbitError(404, "order_not_found", "주문을 찾지 못했습니다.")


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def hash_inputs(pairs: list[tuple[str, Any]]) -> set[str]:
    """The spellings of the parameters a client may hash: Python's `urlencode` (Bithumb's
    sample code), JavaScript's encodeURIComponent (ccxt) and the plain join."""
    flat: list[tuple[str, str]] = []
    for key, value in pairs:
        if isinstance(value, list):
            name = key if key.endswith("[]") else key + "[]"
            flat.extend((name, str(v)) for v in value)
        elif isinstance(value, bool):
            flat.append((key, "true" if value else "false"))
        else:
            flat.append((key, str(value)))
    js = "&".join(f"{quote(k, safe='-_.!~*()')}={quote(v, safe='-_.!~*()')}" for k, v in flat)
    return {urlencode(flat), js, "&".join(f"{k}={v}" for k, v in flat), unquote(urlencode(flat))}


class BithumbAuth:
    """HS256 JWTs for access key -> secret key pairs (see module docstring)."""

    def __init__(self, keys: dict[str, str], max_age_s: float = 60.0) -> None:
        self.keys = dict(keys)
        self.max_age_s = max_age_s
        self._nonces: set[tuple[str, str]] = set()
        self._order: deque[tuple[str, str]] = deque()

    def verify(self, authorization: str | None, inputs: set[str] | None) -> str:
        if not authorization or not authorization.startswith("Bearer "):
            raise _auth_error("jwt_verification")
        try:
            head, body, sig = authorization[len("Bearer ") :].strip().split(".")
            header, payload = orjson.loads(_b64(head)), orjson.loads(_b64(body))
            signature = _b64(sig)
        except (ValueError, orjson.JSONDecodeError):
            raise _auth_error("jwt_verification") from None
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise _auth_error("jwt_verification")
        access = payload.get("access_key")
        secret = self.keys.get(access) if isinstance(access, str) else None
        if secret is None or header.get("alg") != "HS256" or not isinstance(access, str):
            raise _auth_error("jwt_verification")
        expected = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise _auth_error("jwt_verification")
        nonce, stamp = payload.get("nonce"), payload.get("timestamp")
        if not isinstance(nonce, str) or not nonce or not isinstance(stamp, int | float):
            raise _auth_error("jwt_verification")
        if abs(time.time() * 1000 - stamp) > self.max_age_s * 1000:
            raise _auth_error("expired_jwt")
        if inputs is not None:
            wanted = str(payload.get("query_hash", "")).lower()
            alg = str(payload.get("query_hash_alg", "")).upper()
            if alg != "SHA512" or not any(
                hashlib.sha512(s.encode()).hexdigest() == wanted for s in inputs
            ):
                raise _auth_error("invalid_query_payload")
        key = (access, nonce)
        if key in self._nonces:  # a replayed token
            raise _auth_error("jwt_verification")
        self._nonces.add(key)
        self._order.append(key)
        if len(self._order) > 100_000:
            self._nonces.discard(self._order.popleft())
        return access


def _dec(p: Params, name: str) -> Decimal:
    raw = p.get(name)
    if raw is None or raw == "":
        raise _bad(f"{name} is missing")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise _bad(f"{name} is not a number: {raw!r}") from None
    if not value.is_finite() or value <= 0:
        raise _bad(f"{name} must be positive")
    return value


def _list(p: Params, name: str) -> list[str]:
    value = p.get(name + "[]", p.get(name))
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def order_view(o: SimOrder, fee_rate: Decimal, trades: bool = False) -> dict[str, Any]:
    """An order as `GET /v1/order(s)` shows it: Upbit's object, `client_order_id` for
    `identifier`, each trade with its `side` (no `trend`)."""
    out = order_json(o, fee_rate, with_trades=trades)
    cid = out.pop("identifier", None)
    if cid is not None:
        out["client_order_id"] = cid
    for t in out.get("trades", []):
        t.pop("trend", None)
    return out


@dataclass(frozen=True, slots=True)
class BithumbParts:
    """What one simulated Bithumb is made of, shared by its public and private sides."""

    market: MarketModel
    clock: SimClock
    faults: FaultController
    engine: SpotEngine
    api_keys: dict[str, str]  # access key -> secret key
    auth: UpbitAuth  # JWT (HS256) with query_hash, as API 2.0 signs
    limiter: UpbitRateLimiter
    wallets: WalletBook
    payloads: UpbitPayloads
    idle_timeout: float
    status_interval: float


class BithumbPrivate:
    """The private endpoints of one simulated Bithumb, on its venue's app (installed by
    `BithumbVenue` with one call; see module docstring)."""

    def __init__(self, parts: BithumbParts) -> None:
        self.parts = parts
        self.market = parts.market
        self.engine = parts.engine
        self.auth = BithumbAuth(parts.api_keys)
        self.wallets = parts.wallets
        self.limiter = parts.limiter

    def add_key(self, access_key: str, secret_key: str, balances: dict[str, Any]) -> None:
        self.auth.keys[access_key] = secret_key
        self.engine.open_account(access_key, balances)

    def install(self, app: web.Application) -> None:
        r, w = app.router, self._wrap
        r.add_get("/v1/accounts", w("default", self.accounts))
        r.add_post("/v2/orders", w("order", self.create_order, 201))
        r.add_get("/v1/order", w("default", self.get_order))
        r.add_delete("/v2/order", w("order", self.cancel_order))
        r.add_get("/v1/orders", w("default", self.list_orders))
        r.add_get("/v1/status/wallet", w("default", self.wallet_status))
        r.add_get("/v1/orders/chance", w("default", self.chance))
        r.add_get("/v1/withdraws/chance", w("default", self.withdraw_chance))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    # ----------------------------------------------------------------- plumbing
    def _wrap(self, group: str, fn: Handler, status: int = 200) -> Any:
        async def handler(request: web.Request) -> web.Response:
            try:
                params, inputs = await self._params(request)
                access = self.auth.verify(request.headers.get("Authorization"), inputs)
                if self.limiter.take(group, access) < 0:
                    return web.Response(status=429, text="Too Many Requests")
                data = await fn(request, params, self.engine.account(access))
            except UpbitError as err:
                return err.response()
            body = orjson.dumps(data)
            return web.Response(status=status, body=body, content_type="application/json")

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
            inputs |= {raw, unquote(raw)} | hash_inputs(pairs)
        if request.method == "POST" and request.can_read_body:
            try:
                body = orjson.loads(await request.read())
            except orjson.JSONDecodeError:
                raise _bad("request body must be JSON") from None
            if not isinstance(body, dict):
                raise _bad("request body must be a JSON object")
            params.update(body)
            inputs |= hash_inputs(list(body.items()))
        return params, (inputs or None)

    def _market(self, code: str) -> str:
        if not self.market.has_market(VENUE, code):
            raise _bad("market does not have a valid value")
        return code

    # ----------------------------------------------------------------- handlers
    async def accounts(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        held = (c for c, b in acct.balances.items() if c != "KRW" and (b.free > 0 or b.locked > 0))
        return [account_json(acct, c) for c in ["KRW", *sorted(held)]]

    def _validate(self, p: Params) -> tuple[str, str, dict[str, Any]]:
        code = self._market(str(p.get("market") or ""))
        side = p.get("side")
        if side not in ("bid", "ask"):
            raise _bad("side does not have a valid value")
        suffix, kind = side, p.get("order_type")
        if kind == "limit":
            price, volume = _dec(p, "price"), _dec(p, "volume")
            if price % krw_tick(price, self.market.market_spec(VENUE, code).base):
                raise _bad("주문가격 단위를 잘못 입력하셨습니다. 확인 후 시도해주세요.",
                           f"invalid_price_{suffix}")  # fmt: skip
            if volume != volume.quantize(Decimal("1e-8")):
                raise _bad("volume has too many decimals (max 8)")
            total, args = price * volume, {"ord_type": "limit", "price": price, "qty": volume}
        elif kind == "price" and side == "bid" and p.get("volume") in (None, ""):
            total = _dec(p, "price")
            args = {"ord_type": "market", "quote_amount": total}
        elif kind == "market" and side == "ask" and p.get("price") in (None, ""):
            volume = _dec(p, "volume")
            bid = Decimal(str(self.market.book(VENUE, code, depth=1).bids[0][0]))
            total, args = volume * bid, {"ord_type": "market", "qty": volume}
        else:
            raise _bad("order_type does not have a valid value")
        if total < MIN_TOTAL_KRW:
            raise _bad(f"주문금액은 최소 {MIN_TOTAL_KRW}원 이상으로 주문 가능합니다.",
                       f"under_min_total_{suffix}")  # fmt: skip
        if total > MAX_TOTAL_KRW:
            raise _bad("최대주문금액 이하로 주문해주세요", f"over_max_total_{suffix}")
        return code, str(side), args

    async def create_order(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        code, side, args = self._validate(p)
        cid = p.get("client_order_id")
        if cid is not None and (not isinstance(cid, str) or not cid):
            raise _bad("client_order_id does not have a valid value")
        try:
            order = self.engine.place(
                acct, code, "buy" if side == "bid" else "sell", client_id=cid, **args
            )
        except SimReject as rej:
            if rej.code == "insufficient_funds":
                raise _bad("주문가능한 금액이 부족합니다.", f"insufficient_funds_{side}") from None
            if rej.code == "duplicate_client_id":
                raise _bad("client_order_id is already in use") from None
            raise _bad(rej.message) from None
        receipt = {
            "order_id": order.uuid, "market": code, "side": side,
            "order_type": p.get("order_type"), "created_at": kst_iso(order.created_ms),
        }  # fmt: skip
        return receipt | ({"client_order_id": cid} if cid else {})

    def _find(self, acct: SpotAccount, order_id: Any, cid: Any) -> SimOrder:
        if not order_id and not cid:
            raise _bad("uuid 또는 client_order_id 중 하나는 필수입니다.")
        try:
            return self.engine.get(acct, order_id=order_id or None, client_id=cid or None)
        except SimReject:
            raise _not_found() from None

    async def get_order(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        order = self._find(acct, p.get("uuid"), p.get("client_order_id"))
        return order_view(order, self.engine.fee_rate, trades=True)

    async def cancel_order(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        order = self._find(acct, p.get("order_id"), p.get("client_order_id"))
        if not order.is_open:
            raise _not_found()
        self.engine.cancel(acct, order_id=order.uuid)
        out = {"order_id": order.uuid, "created_at": kst_iso(order.created_ms)}
        return out | ({"client_order_id": order.client_id} if order.client_id else {})

    async def list_orders(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        fee = self.engine.fee_rate
        uuids, cids = _list(p, "uuids"), _list(p, "client_order_ids")
        if uuids or cids:
            found = []
            for oid, cid in [(u, None) for u in uuids] + [(None, c) for c in cids]:
                try:
                    found.append(self.engine.get(acct, order_id=oid, client_id=cid))
                except SimReject:
                    continue
            return [order_view(o, fee) for o in found]
        states = set(_list(p, "states")) | ({str(p["state"])} if p.get("state") else set())
        if states - {"wait", "watch", "done", "cancel"}:
            raise _bad("state does not have a valid value")
        code = p.get("market")
        orders = [
            o for o in self.engine.all_orders(acct, self._market(str(code)) if code else None)
            if order_view(o, fee)["state"] in (states or {"wait"})
        ]  # fmt: skip
        desc = str(p.get("order_by", "desc")).lower() != "asc"
        orders.sort(key=lambda o: o.seq, reverse=desc)
        try:
            limit, page = int(p.get("limit", 100)), int(p.get("page", 1))
        except ValueError:
            raise _bad("limit and page must be integers") from None
        if not 1 <= limit <= 100 or page < 1:
            raise _bad("limit must be 1-100, page at least 1")
        return [order_view(o, fee) for o in orders[(page - 1) * limit : page * limit]]

    async def chance(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        """`GET /v1/orders/chance`: the account's rates (the engine's fee rate: set
        `engine.fee_rate` for an account with a fee coupon) and the market's 5,000 KRW minimum."""
        code = self._market(str(p.get("market") or ""))
        base = code.split("-", 1)[1]
        fee = fmt_decimal(self.engine.fee_rate)
        return {
            "bid_fee": fee, "ask_fee": fee, "maker_bid_fee": fee, "maker_ask_fee": fee,
            "market": {
                "id": code, "name": f"{base}/KRW", "order_types": ["limit"],
                "order_sides": ["ask", "bid"], "bid_types": ["limit", "price"],
                "ask_types": ["limit", "market"],
                "bid": {"currency": "KRW", "price_unit": None, "min_total": "5000"},
                "ask": {"currency": base, "price_unit": None, "min_total": "5000"},
                "max_total": "1000000000.0", "state": "active",
            },
            "bid_account": account_json(acct, "KRW"),
            "ask_account": account_json(acct, base),
        }  # fmt: skip

    async def wallet_status(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        return self.wallets.rows(VENUE, self.market.now_ms())

    async def withdraw_chance(self, request: web.Request, p: Params, acct: SpotAccount) -> Any:
        """`GET /v1/withdraws/chance?currency=&net_type=` (both required, as Bithumb's docs
        say): the network's withdrawal fee and minimum, Upbit's answer shape."""
        coin, net = str(p.get("currency", "")), str(p.get("net_type", ""))
        if not coin or not net:
            raise _bad("currency and net_type are required")
        bal = acct.balances.get(coin.upper())  # not .balance(): a question adds no asset
        held = (bal.free, bal.locked) if bal is not None else (Decimal(0), Decimal(0))
        try:
            return self.wallets.upbit_withdraw_chance(coin, net, held, VENUE)
        except ValueError as exc:
            raise _bad(str(exc)) from None
