"""The real service (bot.app.Service) with the Telegram feature installed, over the emulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.app
from bot.features.telegram import install
from bot.telegram_emulator import TelegramEmulator
from tests.telegram.conftest import CHAT, make_settings


async def test_service_start_commands_and_shutdown_over_telegram(
    tmp_path: Path, tg: TelegramEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lead wires the installer into FEATURES; here only ours runs.
    monkeypatch.setattr(bot.app, "FEATURES", [install])
    service = bot.app.Service(make_settings(tmp_path, tg, language="ko"))
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        started = await tg.wait_for_message(lambda m: "Service started" in m.content, timeout=15)
        assert started.content.startswith("🚀 서비스 시작\n")
        after = tg.cursor()
        tg.send_user_message(CHAT, "/status")
        status = await tg.wait_for_message(
            lambda m: "Mode: paper" in m.content, chat_id=CHAT, after=after, timeout=10
        )
        assert "telegram: running" in status.content
        assert status.buttons == [("🔄 새로고침", "/status")]
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
    stopping = [m for m in tg.sent_messages(CHAT) if "Service stopping" in m.content]
    assert len(stopping) == 1 and stopping[0].content.startswith("⏹ 서비스 종료")
