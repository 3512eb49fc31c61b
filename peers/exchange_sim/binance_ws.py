"""Binance-style WebSocket stream server: raw (`/ws/<stream>`) and combined (`/stream?streams=`)
connections, SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, server
pings with a pong deadline, the incoming message rate limit, and a batching sender.

The sender writes pre-serialised payloads as raw unmasked text frames straight to the transport,
many frames per `write()` call, which is what lets one connection carry well over 50k msgs/s.
Compression is never negotiated (Binance does not offer permessage-deflate either), so the frames
are plain. Frame faults (stall, malformed/truncated, delay, reorder, drop) are applied here.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import WSMsgType, web
from loguru import logger

from peers.exchange_sim.faults import CUT_MARKER, FaultController, apply_frame_faults

MAX_STREAMS = 1024
HIGH_WATER = 4 * 1024 * 1024
MAX_QUEUE = 500_000


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final text frame (server to client frames are never masked)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


@dataclass(slots=True)
class WsConfig:
    ping_interval: float = 20.0  # server ping period (spot 20 s, futures 180 s)
    pong_timeout: float = 60.0  # drop the client without a matching pong (spot 60 s, futures 600 s)
    max_incoming_per_s: int = 5  # spot 5, futures 10; 0 disables
    max_streams: int = MAX_STREAMS


@dataclass(eq=False)
class WsConn:
    ws: web.WebSocketResponse
    transport: asyncio.Transport
    combined: bool
    path: str
    streams: dict[str, str] = field(default_factory=dict)  # canonical key -> name as subscribed
    queue: list[bytes] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    stalled: bool = False
    closed: bool = False
    last_pong: float = field(default_factory=time.monotonic)
    ping_payload: bytes = b""
    msgs_window: tuple[int, int] = (0, 0)
    sent: int = 0

    def push(self, payload: bytes) -> None:
        if self.closed or self.stalled:
            return
        self.queue.append(payload)
        if not self.wake.is_set():
            self.wake.set()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        self.closed = True
        self.wake.set()
        self.transport.abort()

    def stall(self) -> None:
        """Half-open: stop sending and stop answering pings, never close."""
        self.stalled = True
        self.queue.clear()


# A canonicaliser maps a requested stream name to its routing key, or None if unknown.
Canonical = Callable[[str], str | None]


class StreamHub:
    """All WS connections of one venue route, with routing of published payloads by stream."""

    def __init__(
        self,
        name: str,
        canonical: Canonical,
        faults: FaultController,
        venue: str,
        config: WsConfig | None = None,
    ) -> None:
        self.name = name
        self.canonical = canonical
        self.faults = faults
        self.venue = venue  # fault-controller key: "binance" | "binance_futures"
        self.config = config or WsConfig()
        self.conns: set[WsConn] = set()
        self._subs: dict[str, set[WsConn]] = {}
        # called with a routing key when it gets its first subscriber (diff depth state)
        self.on_first_subscriber: Callable[[str], None] | None = None

    # --- publishing -------------------------------------------------------------------------

    def wanted(self, key: str) -> bool:
        return bool(self._subs.get(key))

    def backlog(self, key: str) -> int:
        """The longest send queue among the subscribers of `key` (for back-pressure)."""
        return max((len(c.queue) for c in self._subs.get(key, ()) if not c.closed), default=0)

    def keys(self) -> list[str]:
        return [k for k, subs in self._subs.items() if subs]

    def publish(self, key: str, data: bytes) -> None:
        """Send serialised `data` to every subscriber of the routing key `key`."""
        subs = self._subs.get(key)
        if not subs:
            return
        for conn in subs:
            if conn.combined:
                name = conn.streams.get(key, key).encode()
                conn.push(b'{"stream":"' + name + b'","data":' + data + b"}")
            else:
                conn.push(data)

    def publish_obj(self, key: str, obj: Any) -> None:
        if self._subs.get(key):
            self.publish(key, orjson.dumps(obj))

    # --- connection lifecycle -----------------------------------------------------------------

    async def serve(
        self, request: web.Request, streams: Iterable[str], combined: bool
    ) -> web.StreamResponse:
        if self.faults.connections_rejected(self.venue):
            raise web.HTTPServiceUnavailable(text="503 Service Unavailable")
        ws = web.WebSocketResponse(
            autoping=False, autoclose=False, compress=False, max_msg_size=1 << 20
        )
        await ws.prepare(request)
        transport = request.transport
        if transport is None:
            return ws
        conn = WsConn(ws, transport, combined, request.path)
        for name in streams:
            key = self.canonical(name)
            if key is not None:
                self._subscribe(conn, key, name)
        self.conns.add(conn)
        self.faults.register(self.venue, conn)
        tasks = [
            asyncio.create_task(self._sender(conn), name=f"sim-{self.name}-ws-send"),
            asyncio.create_task(self._pinger(conn), name=f"sim-{self.name}-ws-ping"),
        ]
        try:
            await self._reader(conn)
        finally:
            conn.closed = True
            conn.wake.set()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self.conns.discard(conn)
            self.faults.unregister(self.venue, conn)
            for key in list(conn.streams):
                self._unsubscribe(conn, key)
            if not ws.closed and not conn.stalled:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(), 1.0)
        return ws

    async def close_all(self) -> None:
        for conn in list(self.conns):
            conn.closed = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(), 1.0)
            conn.transport.abort()

    def _subscribe(self, conn: WsConn, key: str, name: str) -> None:
        conn.streams[key] = name
        subs = self._subs.setdefault(key, set())
        if not subs and self.on_first_subscriber is not None:
            self.on_first_subscriber(key)
        subs.add(conn)

    def unsubscribe_all(self, key: str) -> None:
        for conn in list(self._subs.get(key, ())):
            self._unsubscribe(conn, key)

    def _unsubscribe(self, conn: WsConn, key: str) -> None:
        conn.streams.pop(key, None)
        subs = self._subs.get(key)
        if subs is not None:
            subs.discard(conn)
            if not subs:
                del self._subs[key]

    async def _reader(self, conn: WsConn) -> None:
        ws = conn.ws
        while not conn.closed:
            msg = await ws.receive()
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                # half-open: never answer the close handshake; hold the socket until it dies
                while conn.stalled and not conn.transport.is_closing():
                    await asyncio.sleep(0.2)
                return
            if conn.stalled:
                continue  # half-open: we read nothing and answer nothing
            if not self._count_incoming(conn):
                logger.info("sim {}: client exceeded the incoming message limit", self.name)
                await ws.close(code=1008, message=b"Too many requests")
                return
            if msg.type == WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type == WSMsgType.PONG:
                if msg.data == conn.ping_payload:
                    conn.last_pong = time.monotonic()
            elif msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                text = (
                    msg.data if isinstance(msg.data, str) else msg.data.decode("utf-8", "replace")
                )
                reply = self.control(conn, text)
                if reply is not None:
                    conn.push(orjson.dumps(reply))

    def _count_incoming(self, conn: WsConn) -> bool:
        limit = self.config.max_incoming_per_s
        if limit <= 0:
            return True
        second = int(time.monotonic())
        start, count = conn.msgs_window
        count = count + 1 if start == second else 1
        conn.msgs_window = (second, count)
        return count <= limit

    async def _pinger(self, conn: WsConn) -> None:
        cfg = self.config
        tick = min(1.0, cfg.ping_interval / 4, cfg.pong_timeout / 4)
        next_ping = time.monotonic() + cfg.ping_interval
        while not conn.closed:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if conn.stalled:
                continue
            if now - conn.last_pong > cfg.pong_timeout:
                logger.info(
                    "sim {}: no pong within {}s, dropping client", self.name, cfg.pong_timeout
                )
                conn.closed = True
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=1008, message=b"pong timeout"), 1.0)
                conn.abort()
                return
            if now >= next_ping:
                next_ping = now + cfg.ping_interval
                await self._ping(conn)

    async def _ping(self, conn: WsConn) -> None:
        conn.ping_payload = str(int(time.time() * 1000)).encode()
        with contextlib.suppress(Exception):
            await conn.ws.ping(conn.ping_payload)

    async def _sender(self, conn: WsConn) -> None:
        faults, venue = self.faults, self.venue
        while not conn.closed:
            await conn.wake.wait()
            conn.wake.clear()
            if conn.closed:
                return
            if len(conn.queue) > MAX_QUEUE:
                logger.warning("sim {}: slow consumer, dropping the connection", self.name)
                conn.abort()
                return
            batch, conn.queue = conn.queue, []
            if not batch or conn.stalled:
                continue
            delay = faults.frame_delay(venue)
            if delay > 0:
                await asyncio.sleep(delay)
                if conn.closed or conn.stalled:
                    return
            batch = apply_frame_faults(faults, venue, batch)
            cut = batch and batch[-1].startswith(CUT_MARKER)
            if cut:
                payload = batch.pop()[len(CUT_MARKER) :]
            frames = b"".join([text_frame(p) for p in batch])
            if cut:
                # a frame header promising more bytes than ever arrive, then the socket dies
                frames += text_frame(payload)[: 4 + len(payload) // 2]
                conn.transport.write(frames)
                conn.abort()
                return
            conn.transport.write(frames)
            conn.sent += len(batch)
            while conn.transport.get_write_buffer_size() > HIGH_WATER and not conn.closed:
                if conn.transport.is_closing():
                    return
                await asyncio.sleep(0.002)

    # --- control messages -------------------------------------------------------------------

    def control(self, conn: WsConn, text: str) -> dict[str, Any] | None:
        try:
            req = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return _err(3, f"Invalid JSON: {exc}", None)
        if not isinstance(req, dict):
            return _err(2, "Invalid request: expected a JSON object", None)
        rid = req.get("id")
        if not _valid_id(rid):
            return _err(
                2,
                "Invalid request: 'id' must be an int64, a string of at most 36 "
                "alphanumeric characters, or null",
                None,
            )
        method = req.get("method")
        params = req.get("params", [])
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                return _err(2, "Invalid request: 'params' must be an array of stream names", rid)
            keys: list[tuple[str, str]] = []
            for name in params:
                key = self.canonical(name)
                if key is None:
                    return _err(2, f"Invalid request: unknown stream name '{name}'", rid)
                keys.append((key, name))
            if method == "SUBSCRIBE":
                fresh = {k for k, _ in keys} - set(conn.streams)
                if len(conn.streams) + len(fresh) > self.config.max_streams:
                    return _err(
                        2,
                        f"Invalid request: too many streams, max is {self.config.max_streams}",
                        rid,
                    )
                for key, name in keys:
                    self._subscribe(conn, key, name)
            else:
                for key, _ in keys:
                    self._unsubscribe(conn, key)
            return {"result": None, "id": rid}
        if method == "LIST_SUBSCRIPTIONS":
            return {"result": list(conn.streams.values()), "id": rid}
        if method in ("SET_PROPERTY", "GET_PROPERTY"):
            if not isinstance(params, list) or not params or params[0] != "combined":
                return _err(0, "Unknown property", rid)
            if method == "GET_PROPERTY":
                return {"result": conn.combined, "id": rid}
            if len(params) != 2 or not isinstance(params[1], bool):
                return _err(1, "Invalid value type: expected Boolean", rid)
            conn.combined = params[1]
            return {"result": None, "id": rid}
        return _err(
            2,
            f"Invalid request: unknown variant `{method}`, expected one of `SUBSCRIBE`, "
            "`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`",
            rid,
        )


def _valid_id(rid: object) -> bool:
    if rid is None:
        return True
    if isinstance(rid, bool):
        return False
    if isinstance(rid, int):
        return -(2**63) <= rid < 2**63
    return isinstance(rid, str) and len(rid) <= 36 and rid.isalnum()


def _err(code: int, msg: str, rid: object) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": rid}
