"""Binance USDⓈ-M user-data stream on the 2026 `/private` route, parsed into `core.account`
events.

Binance split the futures WebSocket into `/public`, `/market` and `/private` in 2026 and retired
the legacy `wss://fstream.binance.com/ws/<listenKey>` on 2026-04-23. User data is now read at
`/private/ws?listenKey=<key>&events=A/B/C`: the `events` parameter names the event types the
connection carries (slash-separated). We ask for the three we act on; `listenKeyExpired` ends
the connection and a fresh key is fetched. The key is kept alive by a PUT every 20 minutes (it
lapses after 60).

For our own orders the stream is a doorbell, not the source of truth: an `OrderTouched` makes
the tracker poll that order by client id right away, so stream and polling can never disagree
or double-count (fills are keyed by the venue's trade id either way). Orders the venue places
itself (liquidation, ADL) arrive as `ForcedFill`s and position changes as `AccountChanged`:
nothing else would tell us about them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any, cast

import orjson
import websockets
from loguru import logger

from core.account import AccountEvent
from core.errors import TradingError
from core.private_streams import PrivateStreamReporter, PrivateStreamState
from core.symbols import Venue
from exchanges.binance.account import (
    AccountUpdate,
    AlgoUpdate,
    OrderTradeUpdate,
    parse_account_update,
    parse_algo_update,
    parse_order_trade_update,
)
from exchanges.binance.broker import BinanceFuturesBroker

KEEPALIVE_S = 20 * 60
EVENTS = ("ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ALGO_UPDATE")


def private_url(ws_base: str, listen_key: str) -> str:
    """`wss://fstream.binance.com` + key -> the 2026 private route with our event list."""
    return f"{ws_base.rstrip('/')}/private/ws?listenKey={listen_key}&events={'/'.join(EVENTS)}"


async def run_user_stream(
    broker: BinanceFuturesBroker,
    ws_base: str,
    on_event: Callable[[AccountEvent], None],
    report: PrivateStreamReporter | None = None,
) -> None:
    def state(up: bool, reason: str = "") -> None:
        if report is not None:
            report(PrivateStreamState(Venue.BINANCE_FUTURES, up, time.time(), reason))

    backoff = 0.5
    while True:
        try:
            key = await broker.listen_key()
            # the URL carries the listenKey: it is never logged
            async with websockets.connect(private_url(ws_base, key), open_timeout=10) as ws:
                logger.info("futures user-data stream connected")
                state(True)
                backoff = 0.5
                keep = asyncio.create_task(_keepalive(broker), name="listenkey-keepalive")
                try:
                    async for raw in ws:
                        msg = orjson.loads(raw)
                        if isinstance(msg, dict) and msg.get("e") == "listenKeyExpired":
                            state(False, "listenKey expired")
                            break
                        event = decode_user_event(msg, time.time())
                        if event is not None:
                            on_event(event)
                finally:
                    keep.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await keep
            state(False, "closed by the venue")
        except asyncio.CancelledError:
            raise
        except TradingError as exc:
            state(False, "listenKey refused")
            logger.warning("futures user-data stream: {}; retrying in {:.1f}s", exc, backoff)
        except (OSError, websockets.WebSocketException, ValueError) as exc:
            state(False, type(exc).__name__)
            logger.warning("futures user-data stream: {}; reconnecting in {:.1f}s", exc, backoff)
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, 30.0)


def decode_user_event(msg: Any, recv_ts: float) -> AccountEvent | None:
    """One user-stream message as an account event (None: nothing we act on)."""
    if not isinstance(msg, dict):
        return None
    kind = msg.get("e")
    try:
        if kind == "ORDER_TRADE_UPDATE":
            return parse_order_trade_update(cast(OrderTradeUpdate, msg), recv_ts)
        if kind == "ACCOUNT_UPDATE":
            return parse_account_update(cast(AccountUpdate, msg), recv_ts)
        if kind == "ALGO_UPDATE":
            return parse_algo_update(cast(AlgoUpdate, msg), recv_ts)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        logger.warning("futures user-data stream: unreadable {}: {!r}", kind, exc)
    return None


async def _keepalive(broker: BinanceFuturesBroker) -> None:
    while True:
        await asyncio.sleep(KEEPALIVE_S)
        try:
            await broker.keepalive_listen_key()
        except TradingError as exc:
            logger.warning("listenKey keep-alive failed: {}", exc.reason)
