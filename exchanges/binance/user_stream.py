"""Binance USDT-M user-data stream (listenKey): wakes the tracker the moment an order moves.

The stream is a doorbell, not the source of truth: on ORDER_TRADE_UPDATE / ALGO_UPDATE the
tracker polls open orders by client id right away, so stream and polling can never disagree or
double-count (fills are keyed by the venue's trade id either way).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import orjson
import websockets
from loguru import logger

from core.errors import TradingError
from exchanges.binance.broker import BinanceFuturesBroker

KEEPALIVE_S = 20 * 60


async def run_user_stream(
    broker: BinanceFuturesBroker, ws_base: str, on_event: Callable[[str], None]
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
                        event = msg.get("e") if isinstance(msg, dict) else None
                        if event in ("ORDER_TRADE_UPDATE", "ALGO_UPDATE", "ACCOUNT_UPDATE"):
                            on_event(str(event))
                        elif event == "listenKeyExpired":
                            break
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


async def _keepalive(broker: BinanceFuturesBroker) -> None:
    while True:
        await asyncio.sleep(KEEPALIVE_S)
        try:
            await broker.keepalive_listen_key()
        except TradingError as exc:
            logger.warning("listenKey keep-alive failed: {}", exc.reason)
