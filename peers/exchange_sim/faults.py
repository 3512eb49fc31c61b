"""Fault injection shared by every simulated venue, driven from tests or over HTTP.

REST faults are applied by `rest_fault_middleware`; stream faults by each venue's sender loop,
which registers its connections here and asks, per batch, whether to delay, reorder or corrupt
frames (`apply_frame_faults`). Venue keys: "upbit", "binance", "binance_futures", "fx",
"bithumb".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from aiohttp import web

VENUE_KEYS = ("upbit", "binance", "binance_futures", "fx", "bithumb")
FRAME_KINDS = ("garbage", "truncated", "cut")
# How an algo (conditional) order ends when it triggers, instead of executing (USDⓈ-M only):
# refused by the matching engine, stuck forwarding to it, or finished without an order.
ALGO_FATES = ("rejected", "triggering", "finished_no_order")


class FaultTarget(Protocol):
    """A live stream connection the controller can break."""

    def abort(self) -> None:
        """Close the TCP connection abruptly: no close frame."""

    def stall(self) -> None:
        """Stop sending and stop answering pings, leaving the socket open (half-open)."""


@dataclass(slots=True)
class RestFault:
    # "error": answer instead of the venue; "delay": hold the request before it is handled;
    # "delay_response": handle it, then hold the answer; "drop_response": handle it, then
    # abort the connection without an answer.
    kind: str
    count: int
    status: int = 500
    body: dict[str, Any] | None = None
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class _VenueFaults:
    rest: list[RestFault] = field(default_factory=list)
    reject_until: float = 0.0
    malformed: list[str] = field(default_factory=list)
    frame_delay: float = 0.0
    reorder: int = 0
    skew_ms: int = 0
    # all-market arrays carry markets the service cannot trade, as the real venue's do
    foreign_items: bool = True
    algo_fates: list[str] = field(default_factory=list)
    legacy_order_reply: bool = False
    targets: set[FaultTarget] = field(default_factory=set)


class FaultController:
    """Per-venue fault switches (see module docstring)."""

    def __init__(self) -> None:
        self._v: dict[str, _VenueFaults] = {k: _VenueFaults() for k in VENUE_KEYS}

    def _get(self, venue: str) -> _VenueFaults:
        try:
            return self._v[venue]
        except KeyError:
            raise ValueError(f"unknown venue {venue!r}; expected one of {VENUE_KEYS}") from None

    # ----------------------------------------------------------------- REST
    def rest_error(
        self,
        venue: str,
        status: int,
        body: dict[str, Any] | None = None,
        count: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `count` REST requests with `status` (and `body` as JSON if given)."""
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status!r}")
        if body is not None and not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        if retry_after is not None and not isinstance(retry_after, int):
            raise ValueError("retry_after must be whole seconds")
        self._get(venue).rest.append(RestFault("error", _count(count), status, body, retry_after))

    def rest_delay(
        self, venue: str, seconds: float, count: int = 1, after_handling: bool = False
    ) -> None:
        """Hold the next `count` REST requests for `seconds` (a long delay is a timeout).

        By default the request is held before the venue sees it: a client that gives up
        meanwhile leaves nothing behind (the request is then never handled). With
        `after_handling=True` the venue handles it first (an order is placed) and only the
        answer is held: a client timeout is then "order placed, answer lost".
        """
        if not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError("seconds must be a number >= 0")
        kind = "delay_response" if after_handling else "delay"
        self._get(venue).rest.append(RestFault(kind, _count(count), seconds=float(seconds)))

    def drop_response(self, venue: str, count: int = 1) -> None:
        """Handle the next `count` REST requests, then abort the connection instead of
        answering (the client sees a network error; the order was placed)."""
        self._get(venue).rest.append(RestFault("drop_response", _count(count)))

    def take_rest_fault(self, venue: str) -> RestFault | None:
        queue = self._get(venue).rest
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    # ----------------------------------------------------------------- connections
    def reject_connections(self, venue: str, seconds: float) -> None:
        """Refuse WebSocket handshakes with HTTP 503 for `seconds` of real time."""
        self._get(venue).reject_until = time.monotonic() + seconds

    def connections_rejected(self, venue: str) -> bool:
        return time.monotonic() < self._get(venue).reject_until

    def register(self, venue: str, target: FaultTarget) -> None:
        self._get(venue).targets.add(target)

    def unregister(self, venue: str, target: FaultTarget) -> None:
        self._get(venue).targets.discard(target)

    def connections(self, venue: str) -> int:
        return len(self._get(venue).targets)

    def drop_connections(self, venue: str) -> int:
        """Abort every current stream connection of `venue` (no close frame)."""
        targets = list(self._get(venue).targets)
        for t in targets:
            t.abort()
        return len(targets)

    def stall_connections(self, venue: str) -> int:
        """Make every current connection half-open: silent, no pongs, never closed."""
        targets = list(self._get(venue).targets)
        for t in targets:
            t.stall()
        return len(targets)

    # ----------------------------------------------------------------- frames
    def malformed_frames(self, venue: str, count: int = 1, kind: str = "garbage") -> None:
        """Corrupt the next `count` data frames: garbage bytes, truncated JSON, or "cut"
        (a frame header promising more bytes than are sent, then the socket is aborted)."""
        if kind not in FRAME_KINDS:
            raise ValueError(f"kind must be one of {FRAME_KINDS}")
        self._get(venue).malformed.extend([kind] * count)

    def take_malformed(self, venue: str) -> str | None:
        queue = self._get(venue).malformed
        return queue.pop(0) if queue else None

    def delay_frames(self, venue: str, seconds: float) -> None:
        """Hold every outgoing batch of frames for `seconds` (0 turns it off)."""
        self._get(venue).frame_delay = max(0.0, seconds)

    def frame_delay(self, venue: str) -> float:
        return self._get(venue).frame_delay

    def reorder_frames(self, venue: str, count: int) -> None:
        """Send the next `count` frames out of order (adjacent pairs swapped)."""
        self._get(venue).reorder += max(0, count)

    def take_reorder(self, venue: str, available: int) -> int:
        f = self._get(venue)
        n = min(f.reorder, available)
        f.reorder -= n
        return n

    def clock_skew(self, venue: str, ms: int) -> None:
        """Shift the server time `venue` reports and checks against by `ms`."""
        self._get(venue).skew_ms = int(ms)

    def skew_ms(self, venue: str) -> int:
        return self._get(venue).skew_ms

    def foreign_items(self, venue: str, on: bool = True) -> None:
        """Mix (on, the default) or leave out markets the service cannot trade (other quotes,
        a non-ASCII name, dated and COIN-M contracts) in `venue`'s all-market arrays."""
        if not isinstance(on, bool):
            raise ValueError("on must be true or false")
        self._get(venue).foreign_items = on

    def foreign_items_on(self, venue: str) -> bool:
        return self._get(venue).foreign_items

    # ----------------------------------------------------------------- algo orders
    def algo_fate(self, venue: str, fate: str, count: int = 1) -> None:
        """The next `count` algo orders to trigger end as `fate` instead of executing:
        "rejected" (TRIGGERING, then REJECTED: the matching engine refused the order),
        "triggering" (stays TRIGGERING, never produces an order, cannot be cancelled), or
        "finished_no_order" (FINISHED with no order behind it)."""
        if fate not in ALGO_FATES:
            raise ValueError(f"fate must be one of {ALGO_FATES}")
        self._get(venue).algo_fates.extend([fate] * _count(count))

    def take_algo_fate(self, venue: str) -> str | None:
        queue = self._get(venue).algo_fates
        return queue.pop(0) if queue else None

    def legacy_order_reply(self, venue: str, on: bool = True) -> None:
        """Answer new-order and cancel requests with the pre-2026 shape (with `avgPrice` and
        `cumQuote`); by default they are left out, as the venue does since July 2026."""
        self._get(venue).legacy_order_reply = bool(on)

    def legacy_reply(self, venue: str) -> bool:
        return self._get(venue).legacy_order_reply

    def clear(self, venue: str | None = None) -> None:
        """Switch every fault off (connections stay registered)."""
        for key in [venue] if venue else list(VENUE_KEYS):
            targets = self._get(key).targets
            self._v[key] = _VenueFaults(targets=targets)

    def state(self) -> dict[str, Any]:
        now = time.monotonic()
        return {
            k: {
                "rest_faults": [[f.kind, f.count, f.status, f.seconds] for f in v.rest],
                "rejecting_for_s": max(0.0, round(v.reject_until - now, 3)),
                "malformed_pending": len(v.malformed),
                "frame_delay_s": v.frame_delay,
                "reorder_pending": v.reorder,
                "skew_ms": v.skew_ms,
                "foreign_items": v.foreign_items,
                "algo_fates": list(v.algo_fates),
                "legacy_order_reply": v.legacy_order_reply,
                "connections": len(v.targets),
            }
            for k, v in self._v.items()
        }

    def apply(self, command: dict[str, Any]) -> dict[str, Any]:
        """Run one fault command given as JSON: {"action": "rest_error", "venue": ..., ...}."""
        actions: dict[str, Callable[..., Any]] = {
            "rest_error": self.rest_error,
            "rest_delay": self.rest_delay,
            "drop_response": self.drop_response,
            "reject_connections": self.reject_connections,
            "drop_connections": self.drop_connections,
            "stall_connections": self.stall_connections,
            "malformed_frames": self.malformed_frames,
            "delay_frames": self.delay_frames,
            "reorder_frames": self.reorder_frames,
            "clock_skew": self.clock_skew,
            "foreign_items": self.foreign_items,
            "algo_fate": self.algo_fate,
            "legacy_order_reply": self.legacy_order_reply,
            "clear": self.clear,
        }
        args = dict(command)
        action = args.pop("action", None)
        if action not in actions:
            raise ValueError(f"unknown action {action!r}; expected one of {sorted(actions)}")
        result = actions[action](**args)
        return {"ok": True, "action": action, "result": result}


def _count(count: object) -> int:
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be a whole number >= 1, got {count!r}")
    return count


def apply_frame_faults(faults: FaultController, venue: str, frames: list[bytes]) -> list[bytes]:
    """Reorder and corrupt a batch of outgoing payloads as the controller says.

    A "cut" frame is returned as `CUT_MARKER + payload`; the sender must write a partial frame
    for it and abort the connection.
    """
    n = faults.take_reorder(venue, len(frames))
    if n >= 2:
        head = frames[:n]
        for i in range(0, n - 1, 2):
            head[i], head[i + 1] = head[i + 1], head[i]
        frames = head + frames[n:]
    out: list[bytes] = []
    for frame in frames:
        kind = faults.take_malformed(venue)
        if kind == "garbage":
            frame = b"\x00\xffnot-json{{" + frame[:8]
        elif kind == "truncated":
            frame = frame[: max(1, len(frame) // 2)]
        elif kind == "cut":
            out.append(CUT_MARKER + frame)
            break
        out.append(frame)
    return out


CUT_MARKER = b"\x00__cut__\x00"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def rest_fault_middleware(faults: FaultController, venue: str) -> Any:
    """aiohttp middleware applying `venue`'s queued REST faults (skips /__sim admin paths)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/__sim") or request.headers.get("Upgrade"):
            return await handler(request)
        fault = faults.take_rest_fault(venue)
        if fault is None:
            return await handler(request)
        if fault.kind == "delay":
            if not await _hold(request, fault.seconds):
                return _gone(request)  # the client gave up: the venue never saw the request
        elif fault.kind == "delay_response":
            response = await handler(request)
            await _hold(request, fault.seconds)
            return response  # if the client is gone, aiohttp drops the write quietly
        elif fault.kind == "drop_response":
            await handler(request)
            return _gone(request)
        else:
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            if fault.body is not None:
                return web.Response(
                    status=fault.status,
                    body=orjson.dumps(fault.body),
                    content_type="application/json",
                    headers=headers,
                )
            return web.Response(status=fault.status, text=_reason(fault.status), headers=headers)
        return await handler(request)

    return middleware


def _connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


async def _hold(request: web.Request, seconds: float) -> bool:
    """Wait `seconds`, or less if the client disconnects; True if it is still there."""
    deadline = asyncio.get_running_loop().time() + seconds
    while _connected(request):
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return True
        await asyncio.sleep(min(0.05, left))
    return False


def _gone(request: web.Request) -> web.Response:
    """Abort the connection without an answer (the returned response is never written)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499, text="connection aborted by the simulator")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
