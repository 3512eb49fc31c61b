"""Binance USDT-M user-data stream (listenKey), parsed into `core.account` events.

For our own orders the stream is a doorbell, not the source of truth: an `OrderTouched` makes
the tracker poll open orders by client id right away, so stream and polling can never disagree
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

from core.account import AccountEvent, OrderTouched
from core.errors import TradingError
from exchanges.binance.account import (
    AccountUpdate,
    OrderTradeUpdate,
    parse_account_update,
    parse_order_trade_update,
)
from exchanges.binance.broker import BinanceFuturesBroker

KEEPALIVE_S = 20 * 60


async def run_user_stream(
    broker: BinanceFuturesBroker, ws_base: str, on_event: Callable[[AccountEvent], None]
) -> None:
    backoff = 0.5
    while True:
        try:
            key = await broker.listen_key()
            url = f"{ws_base.rstrip('/')}/private/ws?listenKey={key}"
            async with websockets.connect(url, open_timeout=10) as ws:
                logger.info("futures user-data stream connected")
                backoff = 0.5
                keep = asyncio.create_task(_keepalive(broker), name="listenkey-keepalive")
                try:
                    async for raw in ws:
                        msg = orjson.loads(raw)
                        if isinstance(msg, dict) and msg.get("e") == "listenKeyExpired":
                            break
                        event = decode_user_event(msg, time.time())
                        if event is not None:
                            on_event(event)
                finally:
                    keep.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await keep
        except asyncio.CancelledError:
            raise
        except (TradingError, OSError, websockets.WebSocketException, ValueError) as exc:
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
            body = msg.get("o") or {}
            return OrderTouched(str(body.get("caid", "")), int(msg.get("T", 0)) / 1000, recv_ts)
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
