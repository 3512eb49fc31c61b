"""Upbit private WebSocket (`/websocket/v1/private`: `myOrder`, `myAsset`) as account events.

As with Binance's futures user stream, an order event is a doorbell, not the truth: an
`OrderTouched` makes the order tracker look the order up by client id (`identifier`) now, so
stream and polling never disagree or count a fill twice; polling stays as the safety net
while the stream is down. `myAsset` says balances moved (`AccountChanged`).

Upbit sends nothing on this socket until an order changes, and closes idle sockets (documented
120 s, seen at about 60 s in 2026): we send the text `PING` every `keepalive_s` (Upbit answers
`{"status":"UP"}`) besides WebSocket pings, and the runner's watchdog takes a silence of
several keep-alives as a dead socket. The handshake carries a fresh JWT on every connect.

`myOrder` sample (ccxt 4.5.90 pro/upbit.py, from Upbit's docs; tests/data/real/upbit/):
    {"type":"myOrder","code":"SGD-XRP","uuid":"ac2dc2a3-fce9-40a2-a4f6-5987c25c438f",
     "ask_bid":"BID","order_type":"limit","state":"trade","price":0.001453,
     "volume":30925891.29839369,"identifier":"test-1","trade_timestamp":1710751590421,
     "order_timestamp":1710751590000,"timestamp":1710751597500,"stream_type":"REALTIME", ...}
`myAsset` sample (Upbit developer center recipe):
    {"type":"myAsset","asset_uuid":"<my_asset_uuid>","assets":[{"currency":"KRW",
     "balance":20517.4157543899035,"locked":15007.5}],"asset_timestamp":1753769511603,
     "timestamp":1753769511612,"stream_type":"REALTIME"}
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, cast

import orjson
from loguru import logger

from core.account import AccountChanged, AccountEvent, OrderTouched, WalletChange
from core.clock import Clock
from core.market import StreamState, StreamStatus
from core.private_streams import PrivateStreamReporter
from core.private_streams import PrivateStreamState as CorePrivateState
from core.symbols import Venue
from exchanges.upbit.wallet import upbit_token
from exchanges.ws_runner import RunnerConfig, StreamHandler, WsRunner

KEEPALIVE_S = 20.0  # text PING; well inside the ~60 s idle close seen in 2026


class MyOrder(TypedDict, total=False):
    """`myOrder`, named as Upbit names it (the fields we read)."""

    type: str
    code: str
    uuid: str
    state: str  # wait, watch, trade, done, cancel, prevented
    identifier: str | None
    timestamp: int


class MyAssetItem(TypedDict):
    currency: str
    balance: float
    locked: float


class MyAsset(TypedDict, total=False):
    type: str
    asset_uuid: str
    assets: list[MyAssetItem]
    asset_timestamp: int
    timestamp: int


def parse_my_order(msg: MyOrder, recv_ts: float) -> OrderTouched | None:
    """An order of ours moved (None: an order without our identifier, not ours to track)."""
    cid = msg.get("identifier")
    if not isinstance(cid, str) or not cid:
        return None
    return OrderTouched(cid, int(msg["timestamp"]) / 1000, recv_ts)


def parse_my_asset(msg: MyAsset, recv_ts: float) -> AccountChanged:
    """Balances the event touched: total (free + locked) and free, per currency."""
    wallets = []
    for a in msg["assets"]:
        free, locked = Decimal(str(a["balance"])), Decimal(str(a["locked"]))
        wallets.append(WalletChange(str(a["currency"]), free + locked, free, Decimal(0)))
    ts = int(msg.get("asset_timestamp") or msg["timestamp"]) / 1000
    return AccountChanged("myAsset", tuple(wallets), (), ts, recv_ts)


def decode_private(frame: bytes | str, recv_ts: float) -> AccountEvent | None:
    """One frame of the private socket as an account event (None: nothing to act on, such as
    the `{"status":"UP"}` keep-alive answer). Raises ValueError on an unreadable frame."""
    try:
        msg: Any = orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(msg, dict):
        raise ValueError(f"not an object: {str(msg)[:80]}")
    kind = msg.get("type")
    try:
        if kind == "myOrder":
            return parse_my_order(cast(MyOrder, msg), recv_ts)
        if kind == "myAsset":
            return parse_my_asset(cast(MyAsset, msg), recv_ts)
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ValueError(f"unreadable {kind}: {exc!r}") from None
    if "error" in msg:
        raise ValueError(f"the venue answered {msg['error']}")
    return None  # {"status":"UP"}, or a type we did not ask for


def private_url(ws_url: str) -> str:
    """`wss://api.upbit.com/websocket/v1` -> `.../websocket/v1/private`."""
    return ws_url.rstrip("/") + "/private"


class UpbitPrivateStream(StreamHandler):
    """The private socket for one key pair; `on_event` gets each account event."""

    venue = Venue.UPBIT
    name = "upbit-private"

    def __init__(
        self, ws_url: str, keys: tuple[str, str], on_event: Callable[[AccountEvent], None]
    ) -> None:
        self._url = private_url(ws_url)
        self._keys = keys
        self._on_event = on_event
        self.events = 0
        self.bad_frames = 0

    def url(self) -> str:
        return self._url

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {upbit_token(*self._keys)}"}

    def subscribe_messages(self) -> list[str]:
        request = [
            {"ticket": f"kimp-private-{uuid.uuid4()}"},
            {"type": "myOrder"},  # no codes: every market
            {"type": "myAsset"},
            {"format": "DEFAULT"},
        ]
        # The PING's answer is the first frame, so the stream reads "up" at once although
        # the venue sends nothing else until an order moves.
        return [orjson.dumps(request).decode(), "PING"]

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        try:
            event = decode_private(frame, recv_ts)
        except ValueError as exc:
            self.bad_frames += 1
            if self.bad_frames in (1, 10, 100) or self.bad_frames % 1000 == 0:
                logger.warning("Upbit private stream: {} (#{})", exc, self.bad_frames)
            return
        if event is not None:
            self.events += 1
            self._on_event(event)


def private_runner_config(keepalive_s: float = KEEPALIVE_S) -> RunnerConfig:
    return RunnerConfig(
        stale_after=keepalive_s * 3 + 5,  # three unanswered PINGs: the socket is dead
        app_ping="PING",
        app_ping_interval=keepalive_s,
        ping_interval=keepalive_s,
        ping_timeout=keepalive_s,
        backoff_initial=1.0,
        backoff_max=60.0,
    )


class PrivateStreamState:
    """The latest status of a private stream; each change also goes to `report` (the board
    /status reads: "private stream up", or down with polling in use)."""

    def __init__(
        self, report: PrivateStreamReporter | None = None, venue: Venue = Venue.UPBIT
    ) -> None:
        self.last: StreamStatus | None = None
        self._report = report
        self.venue = venue  # Bithumb's stream (exchanges/bithumb/private_stream.py) shares it

    def record(self, status: StreamStatus) -> None:
        was_up = self.up if self.last is not None else None
        self.last = status
        if self._report is not None and self.up != was_up:
            reason = "" if self.up else (status.reason if isinstance(status.reason, str) else "")
            self._report(CorePrivateState(self.venue, self.up, status.ts, reason or status.state))

    @property
    def up(self) -> bool:
        return self.last is not None and self.last.state in (StreamState.UP, StreamState.RECOVERED)


def private_stream_runner(
    ws_url: str,
    keys: tuple[str, str],
    on_event: Callable[[AccountEvent], None],
    state: PrivateStreamState | None = None,
    *,
    keepalive_s: float = KEEPALIVE_S,
    clock: Clock | None = None,
) -> WsRunner:
    """The runner (reconnect with backoff, keep-alive, watchdog) of the private stream; `run()`
    it under the supervisor. Its status changes go to `state`, not to the market-data bus."""
    record = state.record if state is not None else (lambda _s: None)
    handler = UpbitPrivateStream(ws_url, keys, on_event)
    return WsRunner(handler, private_runner_config(keepalive_s), record, clock)
