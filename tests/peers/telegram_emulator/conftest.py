"""Fixtures: a started emulator, and a real PTB Application polling it inside the test's loop."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application, ApplicationBuilder, BaseHandler
from telegram.request import HTTPXRequest

from peers.telegram_emulator import TelegramEmulator

CHAT = 777000111  # a private chat: chat id == user id
GROUP = -1001234567890
TOKEN = "555111:TEST-token-for-emulator"


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN) as emulator:
        yield emulator


def build_app(
    tg: TelegramEmulator, read_timeout: float = 5.0
) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .request(HTTPXRequest(read_timeout=read_timeout))
        .get_updates_request(HTTPXRequest(read_timeout=5.0))
        .build()
    )


@contextlib.asynccontextmanager
async def polling(
    tg: TelegramEmulator,
    *handlers: BaseHandler[Any, Any, Any],
    poll_timeout: float = 0.5,
    **start_polling: Any,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A PTB Application run as in production: our loop, never run_polling()."""
    app = build_app(tg)
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=poll_timeout, **start_polling)  # type: ignore[union-attr]
        try:
            yield app
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
