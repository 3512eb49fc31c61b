"""Bithumb private WebSocket v2 `/websocket/v2/private`: `myOrder` (v2 fields) and `myAsset`.

The handshake carries `Authorization: Bearer <JWT>` (Bithumb's REST token, no query hash); a
missing, forged or stale token is refused with HTTP 401 and Bithumb's error body. Requests are
Upbit's array format (`ticket`, `type` with optional `codes` for myOrder, `format`); every order
state change and fill of the account in the matching engine pushes `myOrder`, with v2's names
("Private v2 마이그레이션 가이드": `order_id`, `trade_id`, `side` buy/sell, `order_price` /
`trade_price`, `order_quantity` / `trade_quantity`; a field without a value is left out), and
`myAsset` (v1's shape) with the balances the event touched. Keep-alive (`PING` ->
`{"status":"UP"}`), idle close and the fault switches (`faults.*("bithumb")`: refuse, drop,
stall, malformed frames) are the public socket's machinery, run for venue "bithumb".
Installed by `BithumbVenue` with one call (`BithumbPrivateWs.install`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from peers.exchange_sim.bithumb_private import BithumbAuth
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import BITHUMB, MarketModel
from peers.exchange_sim.matching import SimFill, SimOrder, SpotEngine
from peers.exchange_sim.upbit_auth import UpbitError
from peers.exchange_sim.upbit_payloads import UpbitPayloads
from peers.exchange_sim.upbit_private import UpbitPrivateStreams

# SIMPLE names the migration guide and the myOrder v2 page give (others keep their names).
SIMPLE_V2 = {
    "type": "ty", "stream_type": "st", "code": "cd", "order_id": "oid", "trade_id": "tid",
    "client_order_id": "coid", "side": "sd", "order_type": "ot", "state": "s",
    "time_in_force": "tif", "order_price": "op", "trade_price": "tp", "order_quantity": "oq",
    "order_amount": "oa", "canceling_order_id": "cnoid",
}  # fmt: skip
ZERO = Decimal(0)


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def my_order_v2(o: SimOrder, fill: SimFill | None, now_ms: int) -> dict[str, Any]:
    """The v2 `myOrder` for an order event (`fill`: a trade event); None values left out."""
    kind = "limit" if o.ord_type == "limit" else ("price" if o.side == "buy" else "market")
    if fill is not None:
        state = "trade"
    elif o.is_open:
        state = "wait"
    else:
        state = "done" if o.state == "filled" else "cancel"
    qty = o.qty if kind != "price" else ZERO  # a market buy by KRW total has no quantity
    amount = (o.price or ZERO) * (o.qty or ZERO) if kind == "limit" else o.quote_amount
    body: dict[str, Any] = {
        "type": "myOrder",
        "stream_type": "REALTIME",
        "code": o.market,
        "order_id": o.uuid,
        "client_order_id": o.client_id,
        "side": o.side,
        "order_type": kind,
        "state": state,
        "order_price": _num(o.price if kind == "limit" else ZERO),
        "order_quantity": _num(qty),
        "order_amount": _num(amount),
        "executed_quantity": _num(o.executed_qty),
        "remaining_quantity": _num(o.remaining_qty if o.is_open and o.qty is not None else ZERO),
        "executed_amount": _num(o.executed_quote),
        "paid_fee": _num(o.fee_paid),
        "order_timestamp": o.created_ms,
        "timestamp": now_ms,
    }
    if fill is not None:
        body |= {
            "trade_id": fill.trade_uuid,
            "trade_price": _num(fill.price),
            "trade_quantity": _num(fill.qty),
            "trade_amount": _num(fill.price * fill.qty),
            "trade_timestamp": fill.ts_ms,
        }
    return {k: v for k, v in body.items() if v is not None}


class BithumbPrivateWs(UpbitPrivateStreams):
    """`/websocket/v2/private` of the simulated Bithumb (see module docstring)."""

    path = "/websocket/v2/private"

    def __init__(
        self,
        market: MarketModel,
        faults: FaultController,
        payloads: UpbitPayloads,
        engine: SpotEngine,
        auth: BithumbAuth,
        **options: Any,
    ) -> None:
        # Upbit's machinery with Bithumb's auth; its `auth` slot is unused here
        super().__init__(market, faults, payloads, engine, None, venue=BITHUMB, **options)  # type: ignore[arg-type]
        self.bithumb_auth = auth

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            access = self.bithumb_auth.verify(request.headers.get("Authorization"), None)
        except UpbitError as err:
            return err.response()
        return await self.serve(request, access)

    @staticmethod
    def encode(payload: dict[str, Any], fmt: str) -> bytes:
        if payload.get("type") == "myOrder" and fmt in ("SIMPLE", "SIMPLE_LIST"):
            payload = {SIMPLE_V2.get(k, k): v for k, v in payload.items()}
            fmt = "DEFAULT" if fmt == "SIMPLE" else "JSON_LIST"
        return UpbitPrivateStreams.encode(payload, fmt)

    def on_order(self, order: SimOrder, fill: SimFill | None) -> None:
        conns = self._by_account.get(order.account)
        if not conns:
            return
        now = self.market.now_ms()
        orders = [my_order_v2(order, fill, now)]
        if fill is not None and not order.is_open:  # the last fill also completes the order
            orders.append(my_order_v2(order, None, now))
        asset = self._my_asset(order, now)
        for conn in conns:
            wanted = conn.subs.get("myOrder")
            if wanted is not None and (not wanted or order.market in wanted):
                for payload in orders:
                    conn.push(self.encode(payload, conn.format))
            if "myAsset" in conn.subs:
                conn.push(self.encode(asset, conn.format))
