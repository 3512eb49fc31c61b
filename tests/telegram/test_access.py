"""Only the configured chat (and in a group only the allowed users) gets anything."""

from __future__ import annotations

from pathlib import Path

from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, GROUP, STRANGER, running


async def test_unauthorised_chat_gets_nothing_and_the_owner_is_told_once(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        for text in ("/status", "/settings", "/balance", "hello", "/report"):
            tg.send_user_message(STRANGER, text)
        # A button press forged with a real message id gets no answer either.
        mine = await svc.ask("/status")
        query = tg.press_button(CHAT, mine.message_id, "/status", user_id=STRANGER)
        # The bot confirms the updates (they were processed), then the owner hears about it.
        await eventually(lambda: not tg.pending_updates, timeout=10)
        alert = await tg.wait_for_message(
            lambda m: "Unauthorised access attempt" in m.content, chat_id=CHAT, timeout=10
        )
        assert str(STRANGER) in alert.content
        assert tg.sent_messages(STRANGER) == []
        assert query not in tg.callback_answers
        assert svc.transport.gate.denied == 6
        intruder_notes = [m for m in tg.sent_messages(CHAT) if "Unauthorised" in m.content]
        assert len(intruder_notes) == 1  # rate-limited: one report per window per intruder


async def test_in_a_group_only_allowed_users_may_command(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg, telegram_chat_id=GROUP, telegram_allowed_users=[CHAT]) as svc:
        answer = await svc.ask("/version", chat_id=GROUP, expect="9.9", user_id=CHAT)
        assert "9.9.9-test" in answer.content
        before = len(tg.sent_messages(GROUP))
        tg.send_user_message(GROUP, "/settings", user_id=STRANGER)
        tg.send_user_message(GROUP, "/settings@kimp_test_bot", user_id=STRANGER)
        await eventually(lambda: svc.transport.gate.denied == 2, timeout=10)
        # Group chatter and commands meant for other bots are ignored, not answered.
        tg.send_user_message(GROUP, "good morning", user_id=CHAT)
        tg.send_user_message(GROUP, "/status@other_bot", user_id=CHAT)
        last = await svc.ask("/version@kimp_test_bot", chat_id=GROUP, expect="9.9", user_id=CHAT)
        assert "9.9.9-test" in last.content
        await tg.wait_for_message(lambda m: "Unauthorised" in m.content, chat_id=GROUP)
        group_msgs = tg.sent_messages(GROUP)
        assert len(group_msgs) == before + 1 + 1  # the intruder notice + the last answer
        assert not any("TELEGRAM_BOT_TOKEN" in m.content for m in group_msgs)
