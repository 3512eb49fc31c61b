"""Binance spot WebSocket API (`/ws-api/v3`), the part that carries user data since the
listenKey streams were retired (2026-02-20): `userDataStream.subscribe.signature`,
`userDataStream.unsubscribe`, `session.subscriptions`, `ping`, `time`.

Requests and replies are the venue's JSON-RPC-like frames (binance-spot-api-docs
`web-socket-api.md`): `{"id", "method", "params"}` in, `{"id", "status", "result"|"error"}` out.
The subscription is signed like a SIGNED REST request, over the params sorted by name
(`apiKey=...&timestamp=...`, HMAC-SHA256 hex; the timestamp within `recvWindow`). Each order
change of the subscribed account pushes `executionReport`, then `outboundAccountPosition` with
the order's two assets, wrapped as `{"subscriptionId": n, "event": {...}}`; unsubscribing sends
`eventStreamTerminated`. `refused = True` is the fault switch: handshakes get HTTP 503 and open
connections are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from peers.exchange_sim.binance_auth import BinanceError, Params, check_signed
from peers.exchange_sim.binance_spot_orders import STATUS, f8
from peers.exchange_sim.matching import SimFill, SimOrder, SpotEngine

PATH = "/ws-api/v3"
_ALPHABET = string.ascii_letters + string.digits


@dataclass(eq=False)
class _Session:
    ws: web.WebSocketResponse
    transport: asyncio.BaseTransport | None
    outbox: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    subs: dict[int, str] = field(default_factory=dict)  # subscription id -> api key
    after_reply: list[bytes] = field(default_factory=list)  # events a request causes
    next_id: int = 0


class BinanceWsApi:
    """The WS-API endpoint of the spot venue; `type_of(order)` gives the order's wire type."""

    def __init__(
        self,
        engine: SpotEngine,
        secrets: Callable[[], dict[str, str]],
        server_ms: Callable[[], int],
        type_of: Callable[[SimOrder], str],
        seed: str = "",
    ) -> None:
        self.engine = engine
        self.secrets = secrets
        self.server_ms = server_ms
        self.type_of = type_of
        self.refused = False
        self.sessions: set[_Session] = set()
        self._rng = random.Random(f"{seed}:ws-api")
        self._exec_id = 0
        engine.add_order_listener(self.on_order)

    def install(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.serve)

    def refuse(self, on: bool = True) -> None:
        """Fault switch: refuse new connections and drop the current ones."""
        self.refused = on
        if on:
            for s in list(self.sessions):
                if isinstance(s.transport, asyncio.Transport):
                    s.transport.abort()

    def subscribers(self) -> int:
        return sum(len(s.subs) for s in self.sessions)

    async def close_all(self) -> None:
        for s in list(self.sessions):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(s.ws.close(), 1.0)

    # --- connection ---------------------------------------------------------------------------

    async def serve(self, request: web.Request) -> web.StreamResponse:
        if self.refused:
            raise web.HTTPServiceUnavailable(text="503 Service Unavailable")
        ws = web.WebSocketResponse(heartbeat=20.0, compress=False, max_msg_size=1 << 20)
        await ws.prepare(request)
        session = _Session(ws, request.transport)
        self.sessions.add(session)
        sender = asyncio.create_task(self._sender(session), name="sim-binance-ws-api-send")
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                session.outbox.put_nowait(orjson.dumps(self.handle(session, msg.data)))
                for data in session.after_reply:
                    session.outbox.put_nowait(data)
                session.after_reply.clear()
        finally:
            self.sessions.discard(session)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws

    async def _sender(self, session: _Session) -> None:
        while True:
            data = await session.outbox.get()
            await session.ws.send_str(data.decode())

    # --- requests -----------------------------------------------------------------------------

    def handle(self, session: _Session, text: str) -> dict[str, Any]:
        try:
            req = orjson.loads(text)
        except orjson.JSONDecodeError:
            return _error(None, BinanceError(-1100, "Illegal characters found in a parameter."))
        if not isinstance(req, dict):
            return _error(None, BinanceError(-1100, "Illegal characters found in a parameter."))
        rid, method, params = req.get("id"), req.get("method"), req.get("params") or {}
        if not isinstance(params, dict):
            return _error(rid, BinanceError(-1104, "Not all sent parameters were read."))
        try:
            if method == "ping":
                return _ok(rid, {})
            if method == "time":
                return _ok(rid, {"serverTime": self.server_ms()})
            if method == "userDataStream.subscribe.signature":
                return _ok(rid, {"subscriptionId": self._subscribe(session, params)})
            if method == "userDataStream.unsubscribe":
                self._unsubscribe(session, params.get("subscriptionId"))
                return _ok(rid, {})
            if method == "session.subscriptions":
                return _ok(rid, [{"subscriptionId": n} for n in sorted(session.subs)])
        except BinanceError as err:
            return _error(rid, err)
        return _error(rid, BinanceError(-1020, "This operation is not supported."))

    def _subscribe(self, session: _Session, params: dict[str, Any]) -> int:
        values = {k: str(v) for k, v in params.items() if k != "signature"}
        payload = "&".join(f"{k}={values[k]}" for k in sorted(values))
        signature = params.get("signature")
        raw = payload + (f"&signature={signature}" if signature else "")
        api_key = values.get("apiKey")
        api_key = check_signed(raw, "", Params(values), api_key, self.secrets(), self.server_ms())
        if api_key in session.subs.values():
            raise BinanceError(-2035, "User Data Stream subscription already active.")
        sid = session.next_id
        session.next_id += 1
        session.subs[sid] = api_key
        return sid

    def _unsubscribe(self, session: _Session, sid: object) -> None:
        ids = list(session.subs) if sid is None else [sid] if sid in session.subs else []
        for n in ids:
            assert isinstance(n, int)
            del session.subs[n]
            event = {"e": "eventStreamTerminated", "E": self.engine.market.now_ms()}
            session.after_reply.append(orjson.dumps({"subscriptionId": n, "event": event}))

    # --- events -------------------------------------------------------------------------------

    def on_order(self, order: SimOrder, fill: SimFill | None) -> None:
        targets = [(s, n) for s in self.sessions for n, k in s.subs.items() if k == order.account]
        if not targets:
            return
        report = self.execution_report(order, fill)
        if report is None:
            return
        position = self.account_position(order)
        for session, sid in targets:
            session.outbox.put_nowait(orjson.dumps({"subscriptionId": sid, "event": report}))
            session.outbox.put_nowait(orjson.dumps({"subscriptionId": sid, "event": position}))

    def execution_report(self, o: SimOrder, fill: SimFill | None) -> dict[str, Any] | None:
        """The `executionReport` of one order change (None: the engine's "closed as filled"
        call after a last fill, which the TRADE report already told)."""
        if fill is None and o.state in ("filled", "partially_filled"):
            return None
        exec_type = "TRADE" if fill is not None else {"new": "NEW"}.get(o.state, o.state.upper())
        client_id, orig = o.client_id or "", ""
        if exec_type == "CANCELED":  # `c` is the cancel request's id, `C` the order's own
            client_id, orig = "".join(self._rng.choice(_ALPHABET) for _ in range(22)), client_id
        self._exec_id += 1
        now = self.engine.market.now_ms()
        otype = self.type_of(o)
        return {
            "e": "executionReport", "E": now, "s": o.market, "c": client_id,
            "S": o.side.upper(), "o": otype, "f": o.time_in_force if otype != "MARKET" else "GTC",
            "q": f8(o.qty if o.qty is not None else o.executed_qty), "p": f8(o.price),
            "P": f8(o.stop_price), "F": f8(0), "g": -1, "C": orig, "x": exec_type,
            "X": STATUS.get(o.state, "NEW"), "r": "NONE", "i": o.seq,
            "l": f8(fill.qty if fill else 0), "z": f8(o.executed_qty),
            "L": f8(fill.price if fill else 0), "n": f8(fill.fee) if fill else "0",
            "N": fill.fee_asset if fill else None, "T": fill.ts_ms if fill else now,
            "t": fill.trade_id if fill else -1, "I": self._exec_id, "w": o.is_open,
            "m": fill.is_maker if fill else False, "M": False, "O": o.created_ms,
            "Z": f8(o.executed_quote), "Y": f8(fill.quote_qty if fill else 0),
            "Q": f8(o.quote_amount), "W": o.created_ms, "V": "EXPIRE_MAKER",
        }  # fmt: skip

    def account_position(self, o: SimOrder) -> dict[str, Any]:
        acct = self.engine.account(o.account)
        now = self.engine.market.now_ms()
        rows = []
        for asset in (o.base, o.quote):
            bal = acct.balance(asset)
            rows.append({"a": asset, "f": f8(bal.free), "l": f8(bal.locked)})
        return {"e": "outboundAccountPosition", "E": now, "u": now, "B": rows}


def _ok(rid: object, result: Any) -> dict[str, Any]:
    return {"id": rid, "status": 200, "result": result}


def _error(rid: object, err: BinanceError) -> dict[str, Any]:
    return {"id": rid, "status": err.status, "error": {"code": err.code, "msg": err.msg}}
