"""Upbit private WebSocket `/websocket/v1/private`: `myOrder` and `myAsset`.

The handshake carries `Authorization: Bearer <JWT>` (the REST token without `query_hash`);
a missing or bad token is refused with HTTP 401 and Upbit's error body. Requests use the
public endpoint's array format: `[{"ticket": ...}, {"type": "myOrder", "codes": [...]},
{"type": "myAsset"}, {"format": ...}]` (`codes` optional for myOrder, empty = all markets;
forbidden for myAsset). Nothing is sent until something changes: every order state change
and fill of the account in the matching engine pushes `myOrder` (a fill is `state: "trade"`
with the fill's price and volume, then `done` once the order is complete) and `myAsset` with
the balances the event touched. Keep-alive, idle close, faults and the batching sender are the
public endpoint's.

`myOrder` sample (numbers are JSON numbers):
    {"type":"myOrder","code":"KRW-BTC","uuid":"ac2d...","ask_bid":"BID","order_type":"limit",
     "state":"trade","trade_uuid":"6831...","price":100000000,"avg_price":100000000,
     "volume":0.001,"remaining_volume":0.0,"executed_volume":0.001,"trades_count":1,
     "reserved_fee":50,"remaining_fee":0,"paid_fee":50,"locked":0,"executed_funds":100000,
     "time_in_force":null,"trade_fee":50,"is_maker":true,"identifier":"my-1",
     "smp_type":null,"prevented_volume":0,"prevented_locked":0,
     "trade_timestamp":1710751590421,"order_timestamp":1710751590000,
     "timestamp":1710751597500,"stream_type":"REALTIME"}
`myAsset` sample:
    {"type":"myAsset","asset_uuid":"e635...","assets":[{"currency":"KRW","balance":2061832.35,
     "locked":3824127.3}],"asset_timestamp":1727052537592,"timestamp":1727052537687,
     "stream_type":"REALTIME"}
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web

from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import MarketModel
from peers.exchange_sim.matching import SimFill, SimOrder, SpotEngine
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitError
from peers.exchange_sim.upbit_payloads import UpbitPayloads
from peers.exchange_sim.upbit_ws import FORMATS, Conn, RequestError, UpbitStreams

PRIVATE_TYPES = ("myOrder", "myAsset")
# SIMPLE-format keys of the private payloads (docs.upbit.com websocket-myorder/-myasset).
SIMPLE_PRIVATE = {
    "type": "ty", "code": "cd", "uuid": "uid", "ask_bid": "ab", "order_type": "ot",
    "state": "s", "trade_uuid": "tuid", "price": "p", "avg_price": "ap", "volume": "v",
    "remaining_volume": "rv", "executed_volume": "ev", "trades_count": "tc",
    "reserved_fee": "rsf", "remaining_fee": "rmf", "paid_fee": "pf", "locked": "l",
    "executed_funds": "ef", "time_in_force": "tif", "trade_fee": "tf", "is_maker": "im",
    "identifier": "id", "smp_type": "smpt", "prevented_volume": "pv",
    "prevented_locked": "pl", "trade_timestamp": "ttms", "order_timestamp": "otms",
    "timestamp": "tms", "stream_type": "st", "asset_uuid": "astuid", "assets": "ast",
    "currency": "cu", "balance": "b", "asset_timestamp": "asttms",
}  # fmt: skip
_STATE = {"new": "wait", "partially_filled": "wait", "filled": "done"}
ZERO = Decimal(0)


def parse_private_request(data: Any) -> tuple[str, dict[str, set[str] | None], str | None]:
    """Validate a private request array: (ticket, {type: codes or None for all}, format).
    A LIST_SUBSCRIPTIONS request comes back as the single type "LIST_SUBSCRIPTIONS"."""
    if not isinstance(data, list) or not data or not all(isinstance(x, dict) for x in data):
        raise RequestError("WRONG_FORMAT")
    tickets = [x["ticket"] for x in data if "ticket" in x]
    if not tickets or not isinstance(tickets[0], str) or not tickets[0]:
        raise RequestError("NO_TICKET")
    fmt: str | None = None
    types: dict[str, set[str] | None] = {}
    for item in data:
        if item.get("method") == "LIST_SUBSCRIPTIONS":
            return tickets[0], {"LIST_SUBSCRIPTIONS": None}, None
        if "format" in item:
            fmt = str(item["format"]).upper()
            if fmt not in FORMATS:
                raise RequestError("WRONG_FORMAT")
        if "type" not in item:
            continue
        kind = item["type"]
        if kind not in PRIVATE_TYPES:
            raise RequestError("INVALID_PARAM")  # quotation types live on /websocket/v1
        codes = item.get("codes")
        if kind == "myAsset":
            if codes is not None:
                raise RequestError("WRONG_FORMAT")
            types[kind] = None
            continue
        if codes is not None and (
            not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes)
        ):
            raise RequestError("WRONG_FORMAT")
        types[kind] = set(codes) if codes else None
    if not types:
        raise RequestError("NO_TYPE")
    return tickets[0], types, fmt


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def my_order(o: SimOrder, fill: SimFill | None, fee_rate: Decimal, now_ms: int) -> dict[str, Any]:
    """The `myOrder` payload for an order event (`fill`: a trade event)."""
    kind = "limit" if o.ord_type == "limit" else ("price" if o.side == "buy" else "market")
    price = o.price if kind == "limit" else (o.quote_amount if kind == "price" else None)
    reserved = o.reserved_fee
    if o.side == "sell" and kind == "limit":
        reserved = (o.price or Decimal(0)) * (o.qty or Decimal(0)) * fee_rate
    remaining_fee = max(Decimal(0), reserved - o.fee_paid) if o.is_open else Decimal(0)
    state = "trade" if fill is not None else _STATE.get(o.state, "cancel")
    return {
        "type": "myOrder",
        "code": o.market,
        "uuid": o.uuid,
        "ask_bid": "BID" if o.side == "buy" else "ASK",
        "order_type": kind,
        "state": state,
        "trade_uuid": fill.trade_uuid if fill else None,
        "price": _num(fill.price if fill else price),
        "avg_price": _num(o.avg_price),
        "volume": _num(fill.qty if fill else o.qty),
        "remaining_volume": None if o.qty is None else _num(o.remaining_qty if o.is_open else ZERO),
        "executed_volume": _num(o.executed_qty),
        "trades_count": len(o.fills),
        "reserved_fee": _num(reserved),
        "remaining_fee": _num(remaining_fee),
        "paid_fee": _num(o.fee_paid),
        "locked": _num(o.locked),
        "executed_funds": _num(o.executed_quote),
        "time_in_force": o.time_in_force.lower() if o.time_in_force != "GTC" else None,
        "trade_fee": _num(fill.fee) if fill else None,
        "is_maker": fill.is_maker if fill else None,
        "identifier": o.client_id,
        "smp_type": None,
        "prevented_volume": 0,
        "prevented_locked": 0,
        "trade_timestamp": fill.ts_ms if fill else None,
        "order_timestamp": o.created_ms,
        "timestamp": now_ms,
        "stream_type": "REALTIME",
    }


class UpbitPrivateStreams(UpbitStreams):
    """`/websocket/v1/private` (see module docstring)."""

    path = "/websocket/v1/private"
    market_data = False

    def __init__(
        self,
        market: MarketModel,
        faults: FaultController,
        payloads: UpbitPayloads,
        engine: SpotEngine,
        auth: UpbitAuth,
        **options: Any,
    ) -> None:
        super().__init__(market, faults, payloads, **options)
        self.engine = engine
        self.auth = auth
        self._by_account: dict[str, set[Conn]] = {}
        self._asset_seq = 0
        engine.add_order_listener(self.on_order)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            access = self.auth.verify(request.headers.get("Authorization"), None, check_nonce=False)
        except UpbitError as err:
            return err.response()
        return await self.serve(request, access)

    # ----------------------------------------------------------------- subscriptions
    def _reindex(self) -> None:
        index: dict[str, set[Conn]] = {}
        for conn in self.conns:
            if conn.access is not None and conn.subs:
                index.setdefault(conn.access, set()).add(conn)
        self._by_account = index

    def _subscribe(self, conn: Conn, raw: str) -> None:
        try:
            ticket, types, fmt = parse_private_request(orjson.loads(raw))
        except orjson.JSONDecodeError:
            self._error(conn, "WRONG_FORMAT")
            return
        except RequestError as err:
            self._error(conn, err.name)
            return
        if "LIST_SUBSCRIPTIONS" in types:
            result = [
                {"type": k, **({"codes": sorted(c)} if k == "myOrder" else {})}
                for k, c in conn.subs.items()
            ]
            body = {"method": "LIST_SUBSCRIPTIONS", "result": result, "ticket": ticket}
            conn.push(orjson.dumps(body))
            return
        conn.format = fmt or "DEFAULT"
        # conn.subs maps type -> {code: 0}; an empty dict means every market
        conn.subs = {k: dict.fromkeys(c or (), 0) for k, c in types.items()}
        self._reindex()

    # ----------------------------------------------------------------- events
    @staticmethod
    def encode(payload: dict[str, Any], fmt: str) -> bytes:
        body: Any = payload
        if fmt in ("SIMPLE", "SIMPLE_LIST"):
            body = {SIMPLE_PRIVATE.get(k, k): v for k, v in payload.items()}
            if "ast" in body:
                body["ast"] = [{SIMPLE_PRIVATE.get(k, k): v for k, v in a.items()}
                               for a in body["ast"]]  # fmt: skip
        if fmt.endswith("_LIST"):
            body = [body]
        return orjson.dumps(body)

    def on_order(self, order: SimOrder, fill: SimFill | None) -> None:
        conns = self._by_account.get(order.account)
        if not conns:
            return
        now = self.market.now_ms()
        orders = [my_order(order, fill, self.engine.fee_rate, now)]
        if fill is not None and not order.is_open:  # the last fill also completes the order
            orders.append(my_order(order, None, self.engine.fee_rate, now))
        asset = self._my_asset(order, now)
        for conn in conns:
            wanted = conn.subs.get("myOrder")
            if wanted is not None and (not wanted or order.market in wanted):
                for payload in orders:
                    conn.push(self.encode(payload, conn.format))
            if "myAsset" in conn.subs:
                conn.push(self.encode(asset, conn.format))

    def _my_asset(self, order: SimOrder, now: int) -> dict[str, Any]:
        account = self.engine.account(order.account)
        self._asset_seq += 1
        assets = []
        for currency in (order.quote, order.base):
            bal = account.balance(currency)
            assets.append(
                {"currency": currency, "balance": _num(bal.free), "locked": _num(bal.locked)}
            )
        return {
            "type": "myAsset",
            "asset_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{order.account}/{self._asset_seq}")),
            "assets": assets,
            "asset_timestamp": now,
            "timestamp": now,
            "stream_type": "REALTIME",
        }
