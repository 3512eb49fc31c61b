"""Binance spot user data through the WebSocket API (`wss://ws-api.binance.com:443/ws-api/v3`).

Spot user data by listenKey was retired on 2026-02-20; the replacement is a subscription on a
WebSocket API connection: `userDataStream.subscribe.signature` with `apiKey`, `timestamp` and a
`signature` over those params sorted by name (`apiKey=...&timestamp=...`), HMAC-SHA256 hex for
an HMAC key or base64 Ed25519 for an Ed25519 key (a PEM secret). The reply carries the
`subscriptionId`; events follow as `{"subscriptionId": n, "event": {...}}`.

As for futures the stream is a doorbell: `executionReport` -> `OrderTouched` (the tracker
queries the order at once), `outboundAccountPosition` -> `BalancesChanged` (balances re-read).
Polling stays the safety net while the stream is down; its state goes to the reporter.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import orjson
import websockets
from loguru import logger

from core.account import AccountEvent
from core.errors import TradingError
from core.private_streams import PrivateStreamReporter, PrivateStreamState
from core.symbols import Venue
from exchanges.binance.broker import BinanceSpotBroker
from exchanges.binance.spot_account import (
    ApiReply,
    ExecutionReport,
    OutboundAccountPosition,
    SubscribeRefused,
    parse_account_position,
    parse_execution_report,
    subscription_id,
)

WS_API_URL = "wss://ws-api.binance.com:443/ws-api/v3"
REPLY_TIMEOUT = 10.0
_CLOCK_REFUSED = -1021  # timestamp outside recvWindow


def sign_params(params: dict[str, str | int], secret: str) -> str:
    """Binance's signature over `params` sorted by name: Ed25519 (base64) for a PEM private
    key, else HMAC-SHA256 (hex)."""
    payload = "&".join(f"{k}={params[k]}" for k in sorted(params)).encode()
    if secret.lstrip().startswith("-----BEGIN"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(secret.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("only Ed25519 PEM keys are supported")
        return base64.b64encode(key.sign(payload)).decode()
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def subscribe_request(api_key: str, secret: str, timestamp_ms: int) -> dict[str, Any]:
    params: dict[str, str | int] = {"apiKey": api_key, "timestamp": timestamp_ms}
    params["signature"] = sign_params(params, secret)
    return {"id": uuid.uuid4().hex, "method": "userDataStream.subscribe.signature",
            "params": params}  # fmt: skip


async def run_spot_user_stream(
    broker: BinanceSpotBroker,
    url: str,
    on_event: Callable[[AccountEvent], None],
    report: PrivateStreamReporter | None = None,
) -> None:
    def state(up: bool, reason: str = "") -> None:
        if report is not None:
            report(PrivateStreamState(Venue.BINANCE_SPOT, up, time.time(), reason))

    backoff = 0.5
    while True:
        try:
            async with websockets.connect(url, open_timeout=10) as ws:
                await _subscribe(ws, broker)
                logger.info("spot user-data stream subscribed")
                state(True)
                backoff = 0.5
                async for raw in ws:
                    event = _event_of(orjson.loads(raw))
                    if event is None:
                        continue
                    if event.get("e") in ("eventStreamTerminated", "serverShutdown"):
                        break
                    decoded = decode_spot_event(event, time.time())
                    if decoded is not None:
                        on_event(decoded)
            state(False, "closed by the venue")
        except asyncio.CancelledError:
            raise
        except SubscribeRefused as exc:
            state(False, f"subscription refused ({exc.code})")
            logger.warning("spot user-data subscription refused: {}", exc)
            if exc.code == _CLOCK_REFUSED:
                await _resync(broker)
        except (OSError, TimeoutError, websockets.WebSocketException, ValueError) as exc:
            state(False, type(exc).__name__)
            logger.warning("spot user-data stream: {!r}; reconnecting in {:.1f}s", exc, backoff)
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, 30.0)


async def _subscribe(ws: Any, broker: BinanceSpotBroker) -> None:
    ex = broker.ex
    # ccxt's own signed-request clock: local time minus the measured offset to the venue
    stamp = int(ex.milliseconds()) - int(ex.options.get("timeDifference", 0) or 0)
    req = subscribe_request(str(ex.apiKey), str(ex.secret), stamp)
    await ws.send(orjson.dumps(req).decode())
    async with asyncio.timeout(REPLY_TIMEOUT):
        while True:
            msg = orjson.loads(await ws.recv())
            if isinstance(msg, dict) and msg.get("id") == req["id"]:
                subscription_id(cast(ApiReply, msg))
                return


async def _resync(broker: BinanceSpotBroker) -> None:
    try:
        await broker.sync_time()
    except TradingError as exc:
        logger.warning("spot user-data stream: time sync failed: {}", exc.reason)


def _event_of(msg: Any) -> dict[str, Any] | None:
    if isinstance(msg, dict):
        event = msg.get("event")
        if isinstance(event, dict):
            return event
    return None


def decode_spot_event(event: Any, recv_ts: float) -> AccountEvent | None:
    """One user-data event (the `event` object) as an account event (None: not acted on)."""
    if not isinstance(event, dict):
        return None
    kind = event.get("e")
    try:
        if kind == "executionReport":
            return parse_execution_report(cast(ExecutionReport, event), recv_ts)
        if kind == "outboundAccountPosition":
            return parse_account_position(cast(OutboundAccountPosition, event), recv_ts)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        logger.warning("spot user-data stream: unreadable {}: {!r}", kind, exc)
    return None
