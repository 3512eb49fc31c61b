"""Bithumb's private WebSocket v2 (`/websocket/v2/private`: `myOrder`, `myAsset`) as account
events, the same doorbell as Upbit's private stream (`exchanges/upbit/private_stream.py`).

Bithumb closed the v1 private socket on 2026-10-30 ("[중요] 2026년 10월 30일 Private
WebSocket v1 지원 종료"); v2 renamed `myOrder`'s fields ("Private v2 마이그레이션 가이드"):
`uuid` -> `order_id`, `trade_uuid` -> `trade_id`, `ask_bid` BID/ASK -> `side` buy/sell,
`price` split into `order_price` / `trade_price`, `volume` into `order_quantity` /
`trade_quantity`, and a field without a value is left out of the frame. Our client id is
`client_order_id` (absent on orders placed without one: not ours to track). `myAsset` kept
v1's shape, read as Upbit's. A `myOrder` is a doorbell, not the truth: the tracker looks the
order up by client id at once, so the stream and polling never count a fill twice, and polling
stays the safety net while the stream is down.

The handshake carries a fresh JWT (`access_key`, `nonce`, `timestamp`; no query hash: the
socket has no query) as `Authorization: Bearer`. Nothing is sent until an order or a balance
changes; a text `PING` is answered `{"status":"UP"}` ("연결 관리"), so we send one every
`keepalive_s` and the watchdog takes several unanswered ones as a dead socket.

`myOrder` v2, a fill (trimmed; tests/data/real/bithumb/ws_private_my_order_v2_trade.json, built
from the v2 field table: the stored docs lack a verbatim example):
    {"type":"myOrder","stream_type":"REALTIME","code":"KRW-BTC","order_id":"C0101...",
     "client_order_id":"kimp-1","side":"buy","order_type":"limit","state":"trade",
     "order_price":150000000,"order_quantity":0.001,"trade_id":"C0101...",
     "trade_price":150000000,"trade_quantity":0.001,"executed_quantity":0.001,
     "remaining_quantity":0,"order_timestamp":1730000000000,"timestamp":1730000000500}
`myAsset` (v1 = v2; Bithumb's docs, numbers as strings; ws_private_my_asset_krw.json):
    {"type":"myAsset","assets":[{"currency":"KRW","balance":"2061832.35",
     "locked":"3824127.3"}],"asset_timestamp":1727052537592,"timestamp":1727052537687,
     "stream_type":"REALTIME"}
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import InvalidOperation
from typing import Any, TypedDict, cast

import orjson
from loguru import logger

from core.account import AccountEvent, OrderTouched
from core.clock import Clock
from core.private_streams import PrivateStreamReporter
from core.symbols import Venue
from exchanges.bithumb.wallet import bithumb_token
from exchanges.upbit.private_stream import (
    MyAsset,
    PrivateStreamState,
    parse_my_asset,
    private_runner_config,
)
from exchanges.ws_runner import StreamHandler, WsRunner

KEEPALIVE_S = 10.0  # Bithumb's docs: the PING answer comes every 10 s while a socket lives


class MyOrderV2(TypedDict, total=False):
    """`myOrder` v2, named as Bithumb names it (the fields we read)."""

    type: str
    code: str
    order_id: str
    client_order_id: str  # left out when the order has none
    side: str  # buy | sell
    state: str  # wait, trade, done, cancel
    timestamp: int


def parse_my_order(msg: MyOrderV2, recv_ts: float) -> OrderTouched | None:
    """An order of ours moved (None: an order without a client id, not ours to track)."""
    cid = msg.get("client_order_id")
    if not isinstance(cid, str) or not cid:
        return None
    if not msg.get("order_id"):
        raise ValueError("myOrder without order_id (a v1 frame?)")
    return OrderTouched(cid, int(msg["timestamp"]) / 1000, recv_ts)


def decode_private(frame: bytes | str, recv_ts: float) -> AccountEvent | None:
    """One frame of the v2 private socket as an account event (None: nothing to act on, such as
    the `{"status":"UP"}` answer). Raises ValueError on an unreadable frame."""
    try:
        msg: Any = orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(msg, dict):
        raise ValueError(f"not an object: {str(msg)[:80]}")
    kind = msg.get("type")
    try:
        if kind == "myOrder":
            return parse_my_order(cast(MyOrderV2, msg), recv_ts)
        if kind == "myAsset":
            return parse_my_asset(cast(MyAsset, msg), recv_ts)
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ValueError(f"unreadable {kind}: {exc!r}") from None
    if "error" in msg:
        raise ValueError(f"the venue answered {msg['error']}")
    return None


class BithumbPrivateStream(StreamHandler):
    """The v2 private socket for one key pair; `on_event` gets each account event."""

    venue = Venue.BITHUMB
    name = "bithumb-private"

    def __init__(
        self, url: str, keys: tuple[str, str], on_event: Callable[[AccountEvent], None]
    ) -> None:
        self._url = url
        self._keys = keys
        self._on_event = on_event
        self.events = 0
        self.bad_frames = 0

    def url(self) -> str:
        return self._url

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {bithumb_token(*self._keys)}"}

    def subscribe_messages(self) -> list[str]:
        request = [
            {"ticket": f"kimp-private-{uuid.uuid4()}"},
            {"type": "myOrder"},  # no codes: every market
            {"type": "myAsset"},
            {"format": "DEFAULT"},
        ]
        # the PING's answer is the first frame: "up" at once, though nothing else comes
        # until an order moves
        return [orjson.dumps(request).decode(), "PING"]

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        try:
            event = decode_private(frame, recv_ts)
        except ValueError as exc:
            self.bad_frames += 1
            if self.bad_frames in (1, 10, 100) or self.bad_frames % 1000 == 0:
                logger.warning("Bithumb private stream: {} (#{})", exc, self.bad_frames)
            return
        if event is not None:
            self.events += 1
            self._on_event(event)


def bithumb_private_state(report: PrivateStreamReporter | None = None) -> PrivateStreamState:
    """The up/down state of Bithumb's private stream, reported to the board /status reads."""
    return PrivateStreamState(report, Venue.BITHUMB)


def bithumb_private_runner(
    url: str,
    keys: tuple[str, str],
    on_event: Callable[[AccountEvent], None],
    state: PrivateStreamState | None = None,
    *,
    keepalive_s: float = KEEPALIVE_S,
    clock: Clock | None = None,
) -> WsRunner:
    """The runner (reconnect with backoff, keep-alive, watchdog) of the v2 private stream at
    `url` (BITHUMB_PRIVATE_WS_URL); `run()` it under the supervisor."""
    record = state.record if state is not None else (lambda _s: None)
    handler = BithumbPrivateStream(url, keys, on_event)
    return WsRunner(handler, private_runner_config(keepalive_s), record, clock)
