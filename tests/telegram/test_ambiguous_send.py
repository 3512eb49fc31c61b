"""Issue 12: a send whose answer timed out after Telegram carried it out is not duplicated blindly.

Before, every timeout was retried like an outage, so a notification or a command's reply that
Telegram had delivered (the answer held past our read timeout: the emulator's executed TIMEOUT)
arrived again, unmarked, once per timeout. Now (`bot/telegram/delivery.py`) it is resent once,
marked "(resent)", and never a third time; a send that provably failed (connection refused) is
retried unmarked.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram.delivery import maybe_delivered
from core.notifications import NotificationKind
from peers.telegram_emulator import FaultKind, TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, Running, running

FILL = "ETH/KRW sell 0.5 @ 4,100,000 filled; PnL +51,000 KRW"
RESENT = "(resent:"
HELD = 4.0  # s the emulator holds its answer: past the tests' 2 s read timeout


def copies(tg: TelegramEmulator, text: str) -> list[str]:
    return [m.content for m in tg.sent_messages(CHAT) if text in m.content]


async def settled(svc: Running) -> None:
    async def empty() -> bool:
        return await svc.notifier.pending_count() == 0

    await eventually(empty, timeout=30)


async def test_a_notification_delivered_without_an_answer_is_resent_once_marked(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        tg.fail_next("sendMessage", FaultKind.TIMEOUT, delay=HELD, executed=True)
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:amb")
        await settled(svc)
        sent = copies(tg, FILL)
        assert len(sent) == 2, sent
        assert RESENT not in sent[0]
        assert RESENT in sent[1]


async def test_a_resend_without_an_answer_either_is_not_sent_a_third_time(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        tg.fail_next("sendMessage", FaultKind.TIMEOUT, count=2, delay=HELD, executed=True)
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:amb2")
        await settled(svc)
        sent = copies(tg, FILL)
        assert len(sent) == 2, sent  # the original and its one marked resend
        assert RESENT in sent[1]
        await svc.notify(NotificationKind.INFO, "next one", dedup_key="next")
        await settled(svc)
        assert len(copies(tg, "next one")) == 1  # the queue moved on


async def test_a_send_that_never_connected_is_retried_unmarked(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        await tg.start_outage("refuse")
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:refused")
        await eventually(lambda: svc.notifier.delivered == 0, timeout=5)
        await tg.end_outage()
        await settled(svc)
        assert copies(tg, FILL) == [f"✅ Filled\n{FILL}"]


async def test_a_reply_delivered_without_an_answer_is_resent_once_marked(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        tg.fail_next("sendMessage", FaultKind.TIMEOUT, count=2, delay=HELD, executed=True)
        tg.send_user_message(CHAT, "/version")
        await eventually(lambda: len(copies(tg, "9.9.9-test")) >= 2, timeout=30)
        sent = copies(tg, "9.9.9-test")
        assert len(sent) == 2, sent
        assert RESENT not in sent[0] and RESENT in sent[1]
        # the next command is answered once, unmarked
        reply = await svc.ask("/version", expect="9.9.9-test")
        assert RESENT not in reply.content
        assert len(copies(tg, "9.9.9-test")) == 3


def test_only_a_written_request_without_an_answer_counts_as_maybe_delivered() -> None:
    def wrapped(exc: NetworkError, cause: Exception) -> NetworkError:
        exc.__cause__ = cause
        return exc

    request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")
    assert maybe_delivered(wrapped(TimedOut(), httpx.ReadTimeout("read", request=request)))
    assert maybe_delivered(wrapped(NetworkError("x"), httpx.RemoteProtocolError("closed")))
    assert not maybe_delivered(wrapped(TimedOut(), httpx.ConnectTimeout("c", request=request)))
    assert not maybe_delivered(wrapped(TimedOut(), httpx.PoolTimeout("p", request=request)))
    assert not maybe_delivered(wrapped(NetworkError("x"), httpx.ConnectError("refused")))
    assert not maybe_delivered(NetworkError("Bad Gateway"))  # Telegram answered 502
    assert not maybe_delivered(RetryAfter(3))
