"""Fault injection as PTB sees it: 429 retry_after, 409 conflict, 5xx, timeouts, outages, floods."""

from __future__ import annotations

import datetime as dtm
import time

import pytest
from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import CommandHandler, ContextTypes

from peers.telegram_emulator import FaultKind, FloodLimits, TelegramEmulator
from tests.helpers import eventually
from tests.peers.telegram_emulator.conftest import CHAT, GROUP, build_app, polling


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.2+ warns when RetryAfter.retry_after is read as an int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_429_surfaces_as_retry_after_then_succeeds(tg: TelegramEmulator) -> None:
    tg.fail_next("sendMessage", FaultKind.RETRY_AFTER, retry_after=7)
    async with build_app(tg) as app:
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(CHAT, "fill")
        await app.bot.send_message(CHAT, "fill")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert [m.content for m in tg.sent_messages()] == ["fill"]  # the 429 sent nothing
    call = tg.calls("sendMessage")[0]
    assert call.status == 429 and call.description == "Too Many Requests: retry after 7"


async def test_ptb_polling_honours_retry_after(tg: TelegramEmulator) -> None:
    tg.fail_next("getUpdates", "retry_after", retry_after=1)
    async with polling(tg):
        await tg.wait_for_call("getUpdates", lambda c: c.status == 200)
    first, second = tg.calls("getUpdates")[:2]
    assert first.status == 429
    assert second.received_at - first.received_at >= 1.0  # PTB waits retry_after (+0.5 s slack)


async def test_conflict_on_get_updates_is_reported_and_polling_recovers(
    tg: TelegramEmulator,
) -> None:
    errors: list[TelegramError] = []
    answered: list[str] = []

    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        answered.append("ping")

    tg.fail_next("getUpdates", FaultKind.CONFLICT)
    async with polling(tg, CommandHandler("ping", ping), error_callback=errors.append):
        await eventually(lambda: errors)
        tg.send_user_message(CHAT, "/ping")
        await eventually(lambda: answered, timeout=5)
    assert isinstance(errors[0], Conflict)
    assert "terminated by other getUpdates request" in errors[0].message


async def test_second_poller_on_same_token_gets_conflict(tg: TelegramEmulator) -> None:
    errors: list[TelegramError] = []
    async with (
        polling(tg, poll_timeout=2),
        polling(tg, poll_timeout=2, error_callback=errors.append),
    ):
        await eventually(lambda: any(isinstance(e, Conflict) for e in errors), timeout=5)
    assert any(c.status == 409 for c in tg.calls("getUpdates"))


async def test_server_error_timeout_and_forbidden(tg: TelegramEmulator) -> None:
    tg.fail_next("sendMessage", FaultKind.SERVER_ERROR, status=502)
    tg.fail_next("sendMessage", FaultKind.TIMEOUT, delay=2.0, executed=True)
    tg.block_chat(GROUP)
    async with build_app(tg, read_timeout=0.3) as app:
        with pytest.raises(NetworkError):
            await app.bot.send_message(CHAT, "a")
        with pytest.raises(TimedOut):
            await app.bot.send_message(CHAT, "b")  # delivered, but the answer never came
        with pytest.raises(Forbidden, match="kicked"):
            await app.bot.send_message(GROUP, "c")
    assert [m.content for m in tg.sent_messages()] == ["b"]


async def test_disconnect_fault_is_a_network_error(tg: TelegramEmulator) -> None:
    async with build_app(tg) as app:
        tg.fail_next("*", "disconnect")
        with pytest.raises(NetworkError, match="disconnected"):
            await app.bot.send_message(CHAT, "dropped")
        await app.bot.send_message(CHAT, "next one works")
    assert [c.status for c in tg.calls("sendMessage")] == [0, 200]
    assert [m.content for m in tg.sent_messages()] == ["next one works"]


async def test_outage_refuses_connections_then_recovers(tg: TelegramEmulator) -> None:
    app = build_app(tg)
    async with app:
        async with tg.outage("refuse"):
            with pytest.raises(NetworkError):
                await app.bot.send_message(CHAT, "lost?")
        await app.bot.send_message(CHAT, "after")
        async with tg.outage("reset"):
            with pytest.raises(NetworkError):
                await app.bot.send_message(CHAT, "reset")
        await tg.start_outage("error", duration=0.2)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(CHAT, "502")
        await eventually(lambda: tg.outage_mode is None)
        await app.bot.send_message(CHAT, "recovered")
    assert [m.content for m in tg.sent_messages()] == ["after", "recovered"]


async def test_flood_limits_per_chat(tg: TelegramEmulator) -> None:
    tg.enable_flood_limits(FloodLimits(per_chat_burst=3))
    async with build_app(tg) as app:
        for n in range(3):
            await app.bot.send_message(CHAT, f"burst {n}")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(CHAT, "too fast")
        await app.bot.send_message(CHAT + 1, "another chat is fine")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert tg.flood_rejections == 1


async def test_html_parse_error_and_plain_text_fallback(tg: TelegramEmulator) -> None:
    async with build_app(tg) as app:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
            await app.bot.send_message(CHAT, "BTC<br>ETH", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't find end tag corresponding to start tag"):
            await app.bot.send_message(CHAT, "<b>premium 4.1%", parse_mode="HTML")
        await app.bot.send_message(CHAT, "<b>premium 4.1%")  # the fallback: no parse_mode
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await app.bot.send_message(CHAT, "x" * 4097)
        await app.bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    call = tg.calls("sendMessage")[0]
    assert call.status == 400
    assert call.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 3'
    )
    assert [len(m.content) for m in tg.sent_messages()] == [15, 4096]


async def test_edit_not_modified_is_rejected(tg: TelegramEmulator) -> None:
    async with build_app(tg) as app:
        sent = await app.bot.send_message(CHAT, "table v1")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_text("table v1", CHAT, sent.message_id)
        await app.bot.edit_message_text("table v2", CHAT, sent.message_id)
        await app.bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await app.bot.edit_message_text("table v3", CHAT, sent.message_id)
    message = tg.message(CHAT, sent.message_id)
    assert message.content == "table v2" and message.deleted
    assert [e.text for e in message.edits] == ["table v2"]


async def test_call_log_times_latency(tg: TelegramEmulator) -> None:
    async with build_app(tg) as app:
        start = time.monotonic()
        await app.bot.send_message(CHAT, "alert")
    latency = tg.calls("sendMessage")[0].received_at - start
    assert 0 <= latency < 5.0  # the call log is stamped on the same monotonic clock


async def test_wait_for_message_times_out_clearly(tg: TelegramEmulator) -> None:
    with pytest.raises(TimeoutError, match=r"no matching message within 0\.05s"):
        await tg.wait_for_message(timeout=0.05)
