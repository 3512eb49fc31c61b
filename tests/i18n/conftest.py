"""The Bot API emulator fixture for the end-to-end language tests (as tests/telegram has)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from peers.telegram_emulator import TelegramEmulator


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator
