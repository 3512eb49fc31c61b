"""Commands survive a restart (issue 12 items 8 and 9): recorded before Telegram forgets them,
answered exactly once, money commands never run late without a fresh confirmation, replies
delivered through a 429 storm."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.commands import CommandContext, CommandRegistry, Reply
from bot.telegram.inbox import Inbox, chat_type, parse_button
from core.storage import Database
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, running

ROOT = Path(__file__).resolve().parents[2]


def _recording_registry(ran: list[str]) -> CommandRegistry:
    registry = CommandRegistry()

    @registry.command("buy", "A money command", "/buy <coin> <amount>")
    async def buy(ctx: CommandContext) -> Reply:
        ran.append("buy " + " ".join(ctx.args))
        return Reply(f"Bought {' '.join(ctx.args)}.")

    @registry.command("slowstatus", "A read-only command", "/slowstatus")
    async def slowstatus(ctx: CommandContext) -> Reply:
        ran.append("slowstatus")
        return Reply("All fine.")

    return registry


def _button(msg: SentMessage, label_part: str) -> str:
    data = next(d for label, d in msg.buttons if label_part in label)
    assert data is not None
    return data


def _about(tg: TelegramEmulator, text: str) -> list[SentMessage]:
    return [m for m in tg.sent_messages(CHAT) if text in m.content]


async def _child(tmp_path: Path, tg: TelegramEmulator, mode: str) -> asyncio.subprocess.Process:
    """The service slice of tests/telegram/inbox_child.py in its own process."""
    (tmp_path / "marks").touch()
    env = os.environ | {
        "INBOX_TOKEN": tg.token,
        "INBOX_URL": tg.base_url,
        "INBOX_DIR": str(tmp_path),
        "INBOX_MARKS": str(tmp_path / "marks"),
        "INBOX_MODE": mode,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.telegram.inbox_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def test_commands_interrupted_by_a_crash_are_answered_once_after_restart(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    marks = tmp_path / "marks"
    child = await _child(tmp_path, tg, "hang")
    try:
        tg.send_user_message(CHAT, "/buy BTC 10")
        tg.send_user_message(CHAT, "/slowstatus")
        await eventually(lambda: sorted(marks.read_text().split()) == ["buy", "slowstatus"], 30)
        # PTB has already asked for the next batch: Telegram forgot both updates.
        await eventually(lambda: tg.pending_updates == [], 10)
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        await child.wait()
    assert [m for m in tg.sent_messages(CHAT) if "/buy" in m.content] == []

    ran: list[str] = []
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        ask = await tg.wait_for_message(lambda m: "/buy BTC 10" in m.content, chat_id=CHAT)
        assert "interrupted by a restart" in ask.content and "Run it now?" in ask.content
        ignored = await tg.wait_for_message(lambda m: "/slowstatus" in m.content, chat_id=CHAT)
        assert ignored.content.startswith("Ignored:") and ignored.buttons == []
        assert ran == []  # nothing ran again on its own

        after = tg.cursor()
        tg.press_button(CHAT, ask.message_id, _button(ask, "Confirm"))
        done = await tg.wait_for_message(chat_id=CHAT, after=after)
        assert done.content == "Bought BTC 10."
        await svc.ask("/version")  # a round trip: anything still queued would have come first
        assert ran == ["buy BTC 10"]
        assert len(_about(tg, "/buy BTC 10")) == 1
        assert len(_about(tg, "/slowstatus")) == 1


async def test_a_button_press_interrupted_by_a_crash_is_answered_once_and_never_rerun(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    """SIGKILL while the confirmed action of a pressed "Confirm" button runs: Telegram has
    forgotten the press; the next start answers it once and does not run it again."""
    marks = tmp_path / "marks"
    child = await _child(tmp_path, tg, "confirm")
    try:
        tg.send_user_message(CHAT, "/buy BTC 10")
        ask = await tg.wait_for_message(
            lambda m: "Buy BTC 10?" in m.content, chat_id=CHAT, timeout=30
        )
        tg.press_button(CHAT, ask.message_id, _button(ask, "Confirm"))
        await eventually(lambda: marks.read_text().split() == ["buy"], 30)
        await eventually(lambda: tg.pending_updates == [], 10)  # the press is acknowledged
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        await child.wait()
    after = tg.cursor()

    ran: list[str] = []
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        told = await tg.wait_for_message(
            lambda m: "button you pressed" in m.content, chat_id=CHAT, after=after, timeout=15
        )
        assert "interrupted by a restart" in told.content and "not run again" in told.content
        await svc.ask("/version")  # a round trip: anything still queued would have come first
        assert ran == []
        assert marks.read_text().split() == ["buy"]  # the action ran once, in the killed run
        assert len(_about(tg, "button you pressed")) == 1
        # the old confirmation pressed again after the restart: expired, nothing runs
        later = tg.cursor()
        tg.press_button(CHAT, ask.message_id, _button(ask, "Confirm"))
        again = await tg.wait_for_message(chat_id=CHAT, after=later)
        assert "expired" in again.content and ran == []


async def test_a_money_command_sent_while_down_asks_again_and_runs_once(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    ran: list[str] = []
    tg.inject_update(
        {
            "message": {
                "message_id": 1,
                "date": int(time.time()) - 3600,  # typed an hour ago, while the service was down
                "from": {"id": CHAT, "is_bot": False, "first_name": "Owner"},
                "chat": {"id": CHAT, "type": "private", "first_name": "Owner"},
                "text": "/buy ETH 5",
                "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
            }
        }
    )
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        ask = await tg.wait_for_message(lambda m: "/buy ETH 5" in m.content, chat_id=CHAT)
        assert "while the service was down. Run it now?" in ask.content
        assert ran == []
        after = tg.cursor()
        tg.press_button(CHAT, ask.message_id, _button(ask, "Confirm"))
        done = await tg.wait_for_message(chat_id=CHAT, after=after)
        assert done.content == "Bought ETH 5."
        # The same code cannot run it a second time.
        again = await svc.ask(_button(ask, "Confirm"))
        assert "expired or was already used" in again.content
        assert ran == ["buy ETH 5"]


async def test_a_reply_survives_a_429_storm(tmp_path: Path, tg: TelegramEmulator) -> None:
    ran: list[str] = []
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        await svc.ask("/version")
        tg.fail_next("sendMessage", "retry_after", count=6, retry_after=1)
        after = tg.cursor()
        tg.send_user_message(CHAT, "/buy BTC 1")
        done = await tg.wait_for_message(chat_id=CHAT, after=after, timeout=20)
        assert done.content == "Bought BTC 1."
        assert ran == ["buy BTC 1"]

        async def answered() -> bool:
            row = await svc.db.fetchone("SELECT state FROM inbox WHERE text = '/buy BTC 1'")
            return row is not None and row[0] == "done"

        await eventually(answered)


async def test_a_reply_held_by_429s_when_the_service_is_killed_is_sent_after_restart(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    """The /buy ran (its order filled), its reply was stuck behind 429s, then SIGKILL: the next
    start sends that reply, once, without running /buy again."""
    marks = tmp_path / "marks"
    tg.set_fault("sendMessage", "retry_after", retry_after=1)
    child = await _child(tmp_path, tg, "reply")
    try:
        tg.send_user_message(CHAT, "/buy BTC 3")
        await eventually(lambda: marks.read_text().split() == ["buy"], 30)
        await eventually(lambda: len(tg.calls("sendMessage")) >= 2, 10)  # retrying the reply
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        await child.wait()
    tg.clear_faults()
    assert _about(tg, "Bought") == []

    ran: list[str] = []
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        reply = await tg.wait_for_message(lambda m: "Bought" in m.content, chat_id=CHAT)
        assert reply.content == "Bought BTC 3."
        await svc.ask("/version")
        assert ran == []  # the reply was resent, the order not placed again
        assert len(_about(tg, "Bought")) == 1
        assert marks.read_text().split() == ["buy"]


async def test_a_long_reply_resumed_after_a_failure_skips_the_parts_already_sent(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    """A retry of a three-message reply whose first message went out sends only the rest."""
    lines = [f"line {i:04d} " + "x" * 60 for i in range(120)]  # ~8.6k chars: three messages
    async with running(tmp_path, tg) as svc:
        progress = [1]  # the first message was sent before a 429 storm ended the attempt
        await svc.transport.send_reply(CHAT, Reply("\n".join(lines)), progress)
        sent = [m for m in tg.sent_messages(CHAT) if "line " in m.content]
        assert len(sent) == 2 and progress == [3]
        assert "line 0000" not in sent[0].content and "line 0119" in sent[1].content


# A callback query as the Bot API delivers it in getUpdates (trimmed).
PRESS = {
    "update_id": 5001,
    "callback_query": {
        "id": "4382",
        "from": {"id": CHAT, "is_bot": False, "first_name": "Owner"},
        "message": {
            "message_id": 9,
            "date": 1764900000,
            "chat": {"id": CHAT, "type": "private", "first_name": "Owner"},
            "text": "Confirm: buy BTC 10?",
        },
        "chat_instance": "-1234",
        "data": "/buy BTC 10",
    },
}


async def test_a_recorded_press_the_previous_run_never_handled_expires(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    """Recorded by getUpdates, then the process died before its handler started: at start-up
    the press is answered "expired", and its command (a money command here) is not run."""
    entry = parse_button(PRESS)
    assert entry is not None and entry.is_button and entry.line == "/buy BTC 10"
    assert entry.chat_id == CHAT and entry.user_id == CHAT and chat_type(PRESS) == "private"
    db = await Database.connect(tmp_path / "bot.sqlite3")
    try:
        await Inbox(db).record([entry], time.time())
    finally:
        await db.close()
    ran: list[str] = []
    async with running(tmp_path, tg, registry=_recording_registry(ran)) as svc:
        told = await tg.wait_for_message(lambda m: "button you pressed" in m.content, chat_id=CHAT)
        assert "expired and nothing was run" in told.content
        await svc.ask("/version")
        assert ran == []
        assert len(_about(tg, "button you pressed")) == 1
