"""The real service (bot.app.Service) with the Telegram feature installed, over the emulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.app
from bot.features.telegram import install
from peers.telegram_emulator import TelegramEmulator
from tests.telegram.conftest import CHAT, make_settings


async def test_service_start_commands_and_shutdown_over_telegram(
    tmp_path: Path, tg: TelegramEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lead wires the installer into FEATURES; here only ours runs.
    service = bot.app.Service(make_settings(tmp_path, tg, language="ko"), features=[install])
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        started = await tg.wait_for_message(lambda m: "서비스 시작:" in m.content, timeout=15)
        assert started.content.startswith("🚀 서비스 시작\n서비스 시작: 모의투자, v")
        after = tg.cursor()
        tg.send_user_message(CHAT, "/status")
        status = await tg.wait_for_message(
            lambda m: "모드: 모의투자" in m.content, chat_id=CHAT, after=after, timeout=10
        )
        assert "telegram: 실행 중" in status.content  # issue 14: component states in Korean too
        assert status.buttons == [("🔄 새로고침", "/status")]
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
    stopping = [m for m in tg.sent_messages(CHAT) if "서비스를 종료합니다" in m.content]
    assert len(stopping) == 1 and stopping[0].content == "⏹ 서비스 종료\n서비스를 종료합니다."


async def test_full_service_with_every_feature_over_the_simulator(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    """Every installer the composition root wires, the exchange simulator, PTB and the emulator."""
    service = bot.app.Service(make_settings(tmp_path, tg), sim=True)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await asyncio.wait_for(service.ready.wait(), 60)
        await tg.wait_for_message(lambda m: "Service started" in m.content, timeout=15)

        async def ask(line: str, expect: str) -> str:
            after = tg.cursor()
            tg.send_user_message(CHAT, line)
            msg = await tg.wait_for_message(
                lambda m: expect in m.content, chat_id=CHAT, after=after, timeout=20
            )
            return msg.content

        assert "Mode: paper" in await ask("/status", "Mode: paper")
        assert "KRW" in await ask("/balance", "Balances")
        assert "Usage: /trades [n]" in await ask("/trades x", "Usage")
        question = await ask("/killswitch", "Confirm within")
        assert "Kill switch" in question
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
