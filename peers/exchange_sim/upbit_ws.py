"""Upbit WebSocket `/websocket/v1`: request arrays, snapshots, realtime pushes, keep-alive.

Frames are JSON in binary frames. Each connection has one sender task that drains a pending
list in batches: data frames are built by hand and written to the transport in one call
(no per-message awaits), which is what lets one client receive 50k+ messages per second.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
from typing import Any

import orjson
from aiohttp import WSMsgType, web
from loguru import logger

from peers.exchange_sim.faults import CUT_MARKER, FaultController, apply_frame_faults
from peers.exchange_sim.market import UPBIT, MarketEvent, MarketModel, SimBook, SimTrade
from peers.exchange_sim.upbit_payloads import UpbitPayloads, candle_ws, simplify

VENUE = UPBIT
PUBLIC_TYPES = ("ticker", "trade", "orderbook")
CANDLE_TYPES = {
    "candle.1s": 1, "candle.1m": 60, "candle.3m": 180, "candle.5m": 300, "candle.10m": 600,
    "candle.15m": 900, "candle.30m": 1800, "candle.60m": 3600, "candle.240m": 14400,
}  # fmt: skip
FORMATS = ("DEFAULT", "SIMPLE", "JSON_LIST", "SIMPLE_LIST")
BOOK_UNITS = (1, 5, 15, 30)
ERRORS = {
    "WRONG_FORMAT": "요청 형식이 올바르지 않습니다.",
    "NO_TICKET": "ticket 필드가 없습니다.",
    "NO_TYPE": "type 필드가 없습니다.",
    "NO_CODES": "codes 필드가 없습니다.",
    "INVALID_PARAM": "요청 파라미터가 올바르지 않습니다.",
    "INVALID_AUTH": "인증 정보가 올바르지 않습니다.",
}
MAX_PENDING = 500_000


def frame(payload: bytes, opcode: int = 0x2) -> bytes:
    """One unmasked server-to-client WebSocket frame (FIN set)."""
    n = len(payload)
    if n < 126:
        return bytes((0x80 | opcode, n)) + payload
    if n < 65_536:
        return struct.pack("!BBH", 0x80 | opcode, 126, n) + payload
    return struct.pack("!BBQ", 0x80 | opcode, 127, n) + payload


class RequestError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Conn:
    """One client connection: its subscriptions, pending frames and fault switches."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.transport = request.transport
        self.format = "DEFAULT"
        self.subs: dict[str, dict[str, int]] = {}  # type -> code -> orderbook units (or 0)
        self.pending: list[bytes] = []
        self.wake = asyncio.Event()
        self.stalled = False
        self.status_up = False
        self.last_activity = time.monotonic()
        self.last_client = self.last_activity  # the client's last frame (data, PING or ping)
        self.sent = 0
        self.access: str | None = None  # the account of a private connection

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def stall(self) -> None:
        self.stalled = True

    def push(self, payload: bytes) -> None:
        self.pending.append(payload)
        if len(self.pending) > MAX_PENDING:  # a consumer this slow is dropped, as Upbit does
            self.pending.clear()
            self.abort()
        self.wake.set()


def parse_request(data: Any) -> tuple[str, list[tuple[str, list[str], bool, bool]], str | None]:
    """Validate a request array; returns (ticket, [(type, codes, snapshot, realtime)], format).

    A LIST_SUBSCRIPTIONS request is returned as type "LIST_SUBSCRIPTIONS" with no codes.
    """
    if not isinstance(data, list) or not data or not all(isinstance(x, dict) for x in data):
        raise RequestError("WRONG_FORMAT")
    tickets = [x["ticket"] for x in data if "ticket" in x]
    if not tickets or not isinstance(tickets[0], str) or not tickets[0]:
        raise RequestError("NO_TICKET")
    fmt: str | None = None
    types: list[tuple[str, list[str], bool, bool]] = []
    for item in data:
        if item.get("method") == "LIST_SUBSCRIPTIONS":
            return tickets[0], [("LIST_SUBSCRIPTIONS", [], False, False)], None
        if "format" in item:
            fmt = str(item["format"]).upper()
            if fmt not in FORMATS:
                raise RequestError("WRONG_FORMAT")
        if "type" not in item:
            continue
        kind = item["type"]
        if kind in ("myOrder", "myAsset"):
            raise RequestError("INVALID_AUTH")
        if kind not in PUBLIC_TYPES and kind not in CANDLE_TYPES:
            raise RequestError("INVALID_PARAM")
        codes = item.get("codes")
        if not isinstance(codes, list) or not codes:
            raise RequestError("NO_CODES")
        if not all(isinstance(c, str) and c for c in codes):
            raise RequestError("WRONG_FORMAT")
        snap = item.get("is_only_snapshot", item.get("isOnlySnapshot", False))
        real = item.get("is_only_realtime", item.get("isOnlyRealtime", False))
        if not isinstance(snap, bool) or not isinstance(real, bool):
            raise RequestError("WRONG_FORMAT")
        types.append((str(kind), codes, not real, not snap))
    if not types:
        raise RequestError("NO_TYPE")
    return tickets[0], types, fmt


class UpbitStreams:
    """Public quotation streams on `/websocket/v1` (see module docstring)."""

    path = "/websocket/v1"
    market_data = True  # listen to the market model (the private streams do not)

    def __init__(
        self,
        market: MarketModel,
        faults: FaultController,
        payloads: UpbitPayloads,
        *,
        idle_timeout: float = 120.0,
        status_interval: float = 10.0,
        compress: bool = False,
        venue: str = VENUE,
    ) -> None:
        self.venue = venue  # "bithumb" serves the same wire (peers/exchange_sim/bithumb.py)
        self.market = market
        self.faults = faults
        self.payloads = payloads
        self.idle_timeout = idle_timeout
        self.idle_client_only = False  # see `idle_close`
        self.status_interval = status_interval
        self.compress = compress
        self.conns: set[Conn] = set()
        self._index: dict[tuple[str, str], set[Conn]] = {}  # (type, code) -> realtime conns
        self._tasks: set[asyncio.Task[None]] = set()
        if self.market_data:
            market.add_listener(self.on_event)

    def install(self, app: web.Application) -> None:
        app.router.add_get(self.path, self.handle)

    def idle_close(self, seconds: float | None) -> None:
        """Upbit as seen in 2026: close a socket the client has not written to for `seconds`
        (about 60, where the docs say 120); our own frames, `{"status":"UP"}` included, do
        not keep it open. None: back to the documented rule (no traffic either way for
        `idle_timeout`)."""
        if seconds is None:
            self.idle_client_only = False
        else:
            self.idle_timeout, self.idle_client_only = seconds, True

    def _idle_since(self, conn: Conn) -> float:
        return conn.last_client if self.idle_client_only else conn.last_activity

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for conn in list(self.conns):
            conn.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # ----------------------------------------------------------------- encoding
    @staticmethod
    def encode(payload: dict[str, Any], fmt: str) -> bytes:
        body: Any = simplify(payload) if fmt in ("SIMPLE", "SIMPLE_LIST") else payload
        if fmt.endswith("_LIST"):
            body = [body]
        return orjson.dumps(body)

    def _fanout(self, conns: set[Conn], payload: dict[str, Any]) -> None:
        cache: dict[str, bytes] = {}
        for conn in conns:
            data = cache.get(conn.format)
            if data is None:
                data = cache[conn.format] = self.encode(payload, conn.format)
            conn.push(data)

    # ----------------------------------------------------------------- market events
    def on_event(self, event: MarketEvent) -> None:
        if event.venue != self.venue or not self._index:
            return
        code = event.market
        if isinstance(event, SimTrade):
            conns = self._index.get(("trade", code))
            if conns:
                self._fanout(
                    conns, {**self.payloads.trade(event, ws=True), "stream_type": "REALTIME"}
                )
            conns = self._index.get(("ticker", code))
            if conns:
                self._fanout(
                    conns, {**self.payloads.ticker(code, ws=True), "stream_type": "REALTIME"}
                )
            for kind, seconds in CANDLE_TYPES.items():
                conns = self._index.get((kind, code))
                if conns:
                    self._fanout(conns, self._candle(kind, seconds, code, "REALTIME"))
        elif isinstance(event, SimBook):
            conns = self._index.get(("orderbook", code))
            if conns:
                for units in {c.subs["orderbook"].get(code, 30) for c in conns}:
                    group = {c for c in conns if c.subs["orderbook"].get(code, 30) == units}
                    payload = self.payloads.orderbook(event, units, ws=True)
                    self._fanout(group, {**payload, "stream_type": "REALTIME"})

    def _candle(self, kind: str, seconds: int, code: str, stream: str) -> dict[str, Any]:
        now = self.market.now_ms()
        bars = self.market.candles(self.venue, code, seconds, now, 1)
        if not bars:
            return {}
        return {**candle_ws(code, bars[-1], kind, now), "stream_type": stream}

    def _snapshot(self, kind: str, code: str, units: int) -> dict[str, Any] | None:
        if kind == "ticker":
            return {**self.payloads.ticker(code, ws=True), "stream_type": "SNAPSHOT"}
        if kind == "trade":
            last = self.market.last_trade(self.venue, code)
            if last is None:
                return None
            return {**self.payloads.trade(last, ws=True), "stream_type": "SNAPSHOT"}
        if kind == "orderbook":
            book = self.market.book(self.venue, code)
            return {**self.payloads.orderbook(book, units, ws=True), "stream_type": "SNAPSHOT"}
        return self._candle(kind, CANDLE_TYPES[kind], code, "SNAPSHOT") or None

    # ----------------------------------------------------------------- subscriptions
    def _reindex(self) -> None:
        index: dict[tuple[str, str], set[Conn]] = {}
        for conn in self.conns:
            for kind, codes in conn.subs.items():
                for code in codes:
                    index.setdefault((kind, code), set()).add(conn)
        self._index = index

    def _subscribe(self, conn: Conn, raw: str) -> None:
        try:
            ticket, types, fmt = parse_request(orjson.loads(raw))
        except orjson.JSONDecodeError:
            self._error(conn, "WRONG_FORMAT")
            return
        except RequestError as err:
            self._error(conn, err.name)
            return
        if types[0][0] == "LIST_SUBSCRIPTIONS":
            result = [{"type": k, "codes": list(c)} for k, c in conn.subs.items()]
            body = {"method": "LIST_SUBSCRIPTIONS", "result": result, "ticket": ticket}
            conn.push(orjson.dumps(body))
            return
        conn.format = fmt or "DEFAULT"
        conn.subs = {}
        for kind, codes, snapshot, realtime in types:
            for raw_code in codes:
                code, _, unit_text = raw_code.partition(".")
                units = 30
                if kind == "orderbook" and unit_text:
                    units = int(unit_text) if unit_text.isdigit() else 30
                    units = units if units in BOOK_UNITS else 30
                if not self.market.has_market(self.venue, code):
                    continue  # unknown codes are ignored, as on Upbit
                if snapshot:
                    payload = self._snapshot(kind, code, units)
                    if payload:
                        conn.push(self.encode(payload, conn.format))
                if realtime:
                    conn.subs.setdefault(kind, {})[code] = units
        self._reindex()

    def _error(self, conn: Conn, name: str) -> None:
        conn.push(orjson.dumps({"error": {"name": name, "message": ERRORS[name]}}))

    # ----------------------------------------------------------------- connection
    async def handle(self, request: web.Request) -> web.StreamResponse:
        return await self.serve(request, None)

    async def serve(self, request: web.Request, access: str | None) -> web.StreamResponse:
        """Run one connection (`access`: the authenticated account of a private one)."""
        if self.faults.connections_rejected(self.venue):
            return web.Response(status=503, text="Service Unavailable")
        ws = web.WebSocketResponse(autoping=False, compress=self.compress, max_msg_size=1 << 20)
        await ws.prepare(request)
        conn = Conn(ws, request)
        conn.access = access
        self.conns.add(conn)
        self.faults.register(self.venue, conn)
        sender = asyncio.create_task(self._sender(conn), name=f"{self.venue}-ws-sender")
        self._tasks.add(sender)
        sender.add_done_callback(self._tasks.discard)
        try:
            await self._reader(conn)
        finally:
            self.conns.discard(conn)
            self.faults.unregister(self.venue, conn)
            self._reindex()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            if not ws.closed and not conn.stalled:
                with contextlib.suppress(Exception):
                    await ws.close()
        return ws

    async def _reader(self, conn: Conn) -> None:
        ws = conn.ws
        while True:
            msg = await ws.receive()
            conn.last_activity = conn.last_client = time.monotonic()
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                if msg.type == WSMsgType.CLOSE and not conn.stalled:
                    await ws.close()
                return
            if conn.stalled:
                continue  # half-open: swallow everything, answer nothing
            if msg.type == WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                text = (
                    msg.data if isinstance(msg.data, str) else msg.data.decode("utf-8", "replace")
                )
                if text.strip() == "PING":
                    conn.status_up = True
                    conn.push(b'{"status":"UP"}')
                else:
                    self._subscribe(conn, text)

    async def _sender(self, conn: Conn) -> None:
        try:
            await self._send_loop(conn)
        except (ConnectionResetError, RuntimeError) as exc:
            logger.debug("upbit ws sender ended: {}", exc)
            conn.abort()

    async def _send_loop(self, conn: Conn) -> None:
        next_status = time.monotonic() + self.status_interval
        while True:
            now = time.monotonic()
            timeout = min(self.idle_timeout - (now - self._idle_since(conn)), 1.0)
            if conn.status_up:
                timeout = min(timeout, next_status - now)
            if not conn.pending:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(conn.wake.wait(), max(0.0, timeout))
            conn.wake.clear()
            now = time.monotonic()
            if conn.stalled:
                conn.pending.clear()
                continue
            if conn.status_up and now >= next_status:
                conn.pending.append(b'{"status":"UP"}')
                next_status = now + self.status_interval
            # Documented rule: no traffic either way. 2026 rule: the client's silence alone.
            idle = now - self._idle_since(conn) >= self.idle_timeout
            if idle and (self.idle_client_only or not conn.pending):
                await conn.ws.close(code=1000, message=b"idle timeout")
                return
            if not conn.pending:
                continue
            batch, conn.pending = conn.pending, []
            delay = self.faults.frame_delay(self.venue)
            if delay > 0:
                await asyncio.sleep(delay)
            batch = apply_frame_faults(self.faults, self.venue, batch)
            await self._write(conn, batch)
            conn.last_activity = time.monotonic()

    async def _write(self, conn: Conn, batch: list[bytes]) -> None:
        transport = conn.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("transport closed")
        if batch and batch[-1].startswith(CUT_MARKER):
            cut = batch.pop()[len(CUT_MARKER) :]
            await self._write(conn, batch)
            whole = frame(cut)
            transport.write(whole[: len(whole) - max(1, len(cut) // 2)])
            transport.abort()
            return
        if self.compress:
            for payload in batch:
                await conn.ws.send_bytes(payload)
        else:
            transport.write(b"".join([frame(p) for p in batch]))
        conn.sent += len(batch)
        while transport.get_write_buffer_size() > 4 << 20 and not transport.is_closing():
            await asyncio.sleep(0.001)  # back-pressure: let the client drain

    # ----------------------------------------------------------------- throughput mode
    async def firehose(self, count: int, batch: int = 1000) -> int:
        """Push `count` trade frames to every connection subscribed to trades, fast.

        Frames are pre-encoded copies of a real trade payload with distinct `sequential_id`s,
        in each connection's format. Returns the number of frames queued per connection.
        """
        targets = [c for c in self.conns if "trade" in c.subs]
        if not targets or count <= 0:
            return 0
        code = next(iter(targets[0].subs["trade"]))
        last = self.market.last_trade(self.venue, code)
        if last is None:
            return 0
        base = {**self.payloads.trade(last, ws=True), "stream_type": "REALTIME"}
        frames: dict[str, list[bytes]] = {}
        for fmt in {c.format for c in targets}:
            frames[fmt] = [
                self.encode({**base, "sequential_id": base["sequential_id"] + i}, fmt)
                for i in range(min(batch, count))
            ]
        sent = 0
        while sent < count:
            n = min(batch, count - sent)
            for conn in targets:
                if conn.transport is None or conn.transport.is_closing():
                    continue
                conn.pending.extend(frames[conn.format][:n])
                conn.wake.set()
            sent += n
            while any(len(c.pending) > batch * 4 for c in targets if not c.ws.closed):
                await asyncio.sleep(0)
        return sent
