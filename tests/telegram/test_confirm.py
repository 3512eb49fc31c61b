"""Destructive commands ask with inline buttons; the confirmation works once and expires."""

from __future__ import annotations

from pathlib import Path

from bot.commands import CommandContext, CommandRegistry, Reply
from core.clock import ManualClock
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, running


def _danger_registry(clock: ManualClock, done: list[str]) -> CommandRegistry:
    registry = CommandRegistry(clock=clock, confirm_ttl=30.0)

    @registry.command("wipe", "A destructive test command", "/wipe <what>")
    async def wipe(ctx: CommandContext) -> Reply:
        what = " ".join(ctx.args) or "everything"

        async def act(ctx: CommandContext) -> Reply:
            done.append(what)
            return Reply(f"Wiped {what}.")

        return registry.ask_confirmation(ctx, f"Wipe {what}?", act)

    return registry


def _button(msg: SentMessage, label_part: str) -> str:
    data = next(d for label, d in msg.buttons if label_part in label)
    assert data is not None
    return data


async def test_confirm_runs_once_cancel_does_nothing_and_codes_expire(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    clock = ManualClock()
    done: list[str] = []
    async with running(tmp_path, tg, registry=_danger_registry(clock, done)) as svc:
        ask = await svc.ask("/wipe positions")
        assert "Wipe positions?" in ask.content and "30 s" in ask.content
        confirm = _button(ask, "Confirm")

        after = tg.cursor()
        tg.press_button(CHAT, ask.message_id, confirm)
        result = await tg.wait_for_message(chat_id=CHAT, after=after)
        assert result.content == "Wiped positions."
        assert done == ["positions"]
        # The buttons are taken off the question, so it cannot be pressed twice.
        await eventually(lambda: tg.message(CHAT, ask.message_id).buttons == [])
        # Typing the code again does nothing: it was used.
        again = await svc.ask(confirm)
        assert "expired or was already used" in again.content
        assert done == ["positions"]

        ask2 = await svc.ask("/wipe orders")
        after = tg.cursor()
        tg.press_button(CHAT, ask2.message_id, _button(ask2, "Cancel"))
        cancelled = await tg.wait_for_message(chat_id=CHAT, after=after)
        assert "Cancelled" in cancelled.content

        ask3 = await svc.ask("/wipe logs")
        clock.advance(31.0)  # past the confirmation's time to live
        after = tg.cursor()
        tg.press_button(CHAT, ask3.message_id, _button(ask3, "Confirm"))
        expired = await tg.wait_for_message(chat_id=CHAT, after=after)
        assert "expired" in expired.content
        assert done == ["positions"]
