"""Fault injection shared by every simulated venue, driven from tests or over HTTP.

REST faults are applied by `rest_fault_middleware`; stream faults by each venue's sender loop,
which registers its connections here and asks, per batch, whether to delay, reorder or corrupt
frames (`apply_frame_faults`). Venue keys: "upbit", "binance", "binance_futures", "fx".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from aiohttp import web

VENUE_KEYS = ("upbit", "binance", "binance_futures", "fx")
FRAME_KINDS = ("garbage", "truncated", "cut")


class FaultTarget(Protocol):
    """A live stream connection the controller can break."""

    def abort(self) -> None:
        """Close the TCP connection abruptly: no close frame."""

    def stall(self) -> None:
        """Stop sending and stop answering pings, leaving the socket open (half-open)."""


@dataclass(slots=True)
class RestFault:
    kind: str  # "error" | "delay"
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
        self._get(venue).rest.append(RestFault("error", count, status, body, retry_after))

    def rest_delay(self, venue: str, seconds: float, count: int = 1) -> None:
        """Hold the next `count` REST requests for `seconds` (a long delay is a timeout)."""
        self._get(venue).rest.append(RestFault("delay", count, seconds=seconds))

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
                "connections": len(v.targets),
            }
            for k, v in self._v.items()
        }

    def apply(self, command: dict[str, Any]) -> dict[str, Any]:
        """Run one fault command given as JSON: {"action": "rest_error", "venue": ..., ...}."""
        actions: dict[str, Callable[..., Any]] = {
            "rest_error": self.rest_error,
            "rest_delay": self.rest_delay,
            "reject_connections": self.reject_connections,
            "drop_connections": self.drop_connections,
            "stall_connections": self.stall_connections,
            "malformed_frames": self.malformed_frames,
            "delay_frames": self.delay_frames,
            "reorder_frames": self.reorder_frames,
            "clock_skew": self.clock_skew,
            "clear": self.clear,
        }
        args = dict(command)
        action = args.pop("action", None)
        if action not in actions:
            raise ValueError(f"unknown action {action!r}; expected one of {sorted(actions)}")
        result = actions[action](**args)
        return {"ok": True, "action": action, "result": result}


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
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        elif fault is not None:
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


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
