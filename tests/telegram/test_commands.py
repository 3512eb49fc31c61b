"""Commands over Telegram: the real PTB against the emulator, the real registry and handlers."""

from __future__ import annotations

import time
from pathlib import Path

from bot.commands import CommandContext, CommandRegistry, Reply
from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, REAL_LIMITS, running


async def test_core_commands_answer_and_menu_is_registered(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        names = {c["command"] for c in tg.commands}
        assert {"help", "status", "version", "settings", "logs", "report"} <= names
        # The default menu speaks the configured language; Korean and English apps get theirs.
        default = {c["command"]: c["description"] for c in tg.commands}
        korean = {c["command"]: c["description"] for c in tg.commands_for(language_code="ko")}
        english = {c["command"]: c["description"] for c in tg.commands_for(language_code="en")}
        assert default == english and set(korean) == set(english)
        assert english["status"] == "Mode, streams, components, bots and positions"
        assert korean["status"] != english["status"] and korean["status"].strip()

        version = await svc.ask("/version")
        assert "9.9.9-test" in version.content

        helped = await svc.ask("/help")
        assert "/status" in helped.content and "/report" in helped.content

        status = await svc.ask("/status")
        assert "Mode: paper" in status.content
        assert status.buttons and status.buttons[0][1] == "/status"

        settings = await svc.ask("/settings")
        assert "TELEGRAM_BOT_TOKEN = ***set***" in settings.content
        assert tg.token not in settings.content
        assert tg.token.split(":")[1] not in (settings.text or "")

        bad = await svc.ask("/logs abc")
        assert "'abc' is not a whole number" in bad.content
        assert "Usage: /logs [n]" in bad.content

        unknown = await svc.ask("/nosuch")
        assert "Unknown command /nosuch" in unknown.content

        chatter = await svc.ask("hello")
        assert "Commands start with /" in chatter.content


async def test_refresh_button_edits_the_message_in_place(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    registry = CommandRegistry()
    calls = {"n": 0}

    @registry.command("counter", "A table that changes on each call", "/counter")
    async def counter(ctx: CommandContext) -> Reply:
        calls["n"] += 1
        return Reply.table("Counter", f"n  {calls['n']}", refresh="/counter")

    async with running(tmp_path, tg, registry=registry) as svc:
        first = await svc.ask("/counter")
        assert first.content.endswith("n  1")
        before = len(tg.sent_messages(CHAT))
        query = tg.press_button(CHAT, first.message_id, "/counter")
        await tg.wait_for_callback_answer(query)
        edited = await tg.wait_for_message(
            lambda m: m.message_id == first.message_id and m.content.endswith("n  2"),
            chat_id=CHAT,
        )
        assert edited.buttons == [("🔄 Refresh", "/counter")]  # the refresh button stays
        assert len(tg.sent_messages(CHAT)) == before  # edited, not a new message

        # Refreshing /status when nothing changed is not an error (Telegram: "not modified").
        status = await svc.ask("/status")
        query = tg.press_button(CHAT, status.message_id, "/status")
        await tg.wait_for_callback_answer(query)
        await eventually(lambda: len(tg.calls("editMessageText")) >= 2)
        assert len(tg.sent_messages(CHAT)) == before + 1


async def test_a_command_sent_while_the_service_was_down_is_not_run(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    registry = CommandRegistry()
    ran: list[str] = []

    @registry.command("stopall", "A command with effects", "/stopall")
    async def stopall(ctx: CommandContext) -> Reply:
        ran.append("stopall")
        return Reply("Stopped.")

    old = int(time.time()) - 3600  # queued at Telegram an hour ago
    user = {"id": CHAT, "is_bot": False, "first_name": "Owner"}
    tg.inject_update(
        {
            "message": {
                "message_id": 1,
                "date": old,
                "from": user,
                "chat": {"id": CHAT, "type": "private", "first_name": "Owner"},
                "text": "/stopall",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
            }
        }
    )
    async with running(tmp_path, tg, registry=registry):
        refused = await tg.wait_for_message(lambda m: "/stopall" in m.content, chat_id=CHAT)
        assert "was not run" in refused.content
        assert ran == []


async def test_shutdown_is_not_held_by_replies_waiting_for_the_flood_limit(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg, options=REAL_LIMITS) as svc:
        for _ in range(12):  # ~12 s of replies at Telegram's 1 msg/s per chat
            tg.send_user_message(CHAT, "/version")
        await eventually(lambda: len(tg.sent_messages(CHAT)) >= 3)
        started = time.monotonic()
        overran = await svc.supervisor.stop(4.0)
        assert overran == []
        assert time.monotonic() - started < 3.0
