"""Notifications through the durable outbox to Telegram: once each, whatever Telegram does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path

import pytest

from bot.commands import CommandContext, CommandRegistry, Reply
from bot.reports.chart import premium_chart
from core.notifications import NotificationKind
from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, REAL_LIMITS, Running, running

FILL = "BTC/KRW buy 0.01 @ 95,000,000 filled (bot trend-1); PnL +12,345 KRW"
KIMP = "BTC kimp +3.42% crossed 3.0% (Upbit 95,000,000 / Binance 68,100 USDT)"


def count(tg: TelegramEmulator, text: str) -> int:
    return sum(m.content.count(text) for m in tg.sent_messages(CHAT))


async def delivered(svc: Running) -> None:
    await eventually(_no_pending(svc), timeout=30)


def _no_pending(svc: Running) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await svc.notifier.pending_count() == 0

    return check


async def failed_attempts(svc: Running) -> int:
    row = await svc.db.fetchone("SELECT COALESCE(SUM(attempts), 0) FROM outbox")
    return int(row[0]) if row else 0


@pytest.mark.parametrize("mode", ["refuse", "error"])
async def test_fill_and_kimp_alert_arrive_once_across_a_telegram_outage(
    tmp_path: Path, tg: TelegramEmulator, mode: str
) -> None:
    async with running(tmp_path, tg) as svc:
        await tg.start_outage(mode)
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:1")
        await svc.notify(NotificationKind.KIMP_ALERT, KIMP, dedup_key="kimp:BTC:1")
        await svc.notify(NotificationKind.KIMP_ALERT, KIMP, dedup_key="kimp:BTC:1")  # repeat
        await eventually(lambda: failed_attempts(svc), timeout=10)
        assert count(tg, FILL) == 0
        await tg.end_outage()
        await delivered(svc)
        assert count(tg, FILL) == 1
        assert count(tg, KIMP) == 1
        fill = next(m for m in tg.sent_messages(CHAT) if FILL in m.content)
        assert fill.content.startswith("✅ Filled\n")
        assert fill.parse_mode == "HTML"


async def test_notifications_survive_a_service_restart_and_are_not_sent_twice(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        await svc.notify(NotificationKind.STARTUP, "Service started: paper trading, v1.")
        await delivered(svc)
        await tg.start_outage("refuse")
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:2")
        await svc.notify(NotificationKind.KIMP_ALERT, KIMP, dedup_key="kimp:BTC:2")
        await eventually(lambda: failed_attempts(svc), timeout=10)
    # The service is down; Telegram comes back; the service starts again on the same DB.
    await tg.end_outage()
    assert count(tg, FILL) == 0
    async with running(tmp_path, tg) as svc:
        await delivered(svc)
        assert count(tg, FILL) == 1
        assert count(tg, KIMP) == 1
        assert count(tg, "Service started: paper trading, v1.") == 1


async def test_a_429_storm_is_ridden_out_without_loss(tmp_path: Path, tg: TelegramEmulator) -> None:
    tg.enable_flood_limits()  # Telegram's own limits: ~1 msg/s per chat with small bursts
    async with running(tmp_path, tg, options=REAL_LIMITS) as svc:
        tg.fail_next("sendMessage", "retry_after", count=3, retry_after=1)
        for i in range(40):
            await svc.notify(
                NotificationKind.KIMP_ALERT, f"alert #{i:02d}: ETH kimp +{i / 10:.1f}%"
            )
        await delivered(svc)
        for i in range(40):
            assert count(tg, f"alert #{i:02d}:") == 1, i
        assert svc.transport.sender.stats.retry_afters >= 1
        assert svc.transport.sender.stats.digests >= 1  # the backlog went out as digests
        assert len(tg.sent_messages(CHAT)) < 15


async def test_rejected_html_falls_back_to_plain_text(tmp_path: Path, tg: TelegramEmulator) -> None:
    async with running(tmp_path, tg) as svc:
        tg.fail_next(
            "sendMessage",
            "bad_request",
            description='Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3',
        )
        await svc.notify(
            NotificationKind.RISK, "Daily loss limit hit: -5.1% <= -5.0%; entries paused"
        )
        await delivered(svc)
        [msg] = [m for m in tg.sent_messages(CHAT) if "Daily loss limit" in m.content]
        assert msg.parse_mode is None
        assert msg.content == "🛑 Risk limit\nDaily loss limit hit: -5.1% <= -5.0%; entries paused"
        assert svc.transport.sender.stats.plain_fallbacks == 1


async def test_long_messages_are_split_under_the_limit(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    registry = CommandRegistry()
    rows = [f"{i:04d}  KRW-COIN{i:04d}  +{i / 100:.2f}%  <&>" for i in range(600)]

    @registry.command("long", "A long table", "/long")
    async def long(ctx: CommandContext) -> Reply:
        return Reply.table("Long table", "\n".join(rows))

    async with running(tmp_path, tg, registry=registry) as svc:
        after = tg.cursor()
        tg.send_user_message(CHAT, "/long")
        await tg.wait_for_message(lambda m: rows[-1] in m.content, chat_id=CHAT, after=after)
        parts = [m for m in tg.sent_messages(CHAT) if m.seq > after]
        assert len(parts) >= 5
        assert all(len(m.text or "") <= 4096 for m in parts)
        seen = [line for m in parts for line in m.content.split("\n") if "KRW-COIN" in line]
        assert seen == rows

        await svc.notify(NotificationKind.INFO, "\n\n".join(["paragraph " + "x" * 1500] * 8))
        await delivered(svc)
        long_notes = [m for m in tg.sent_messages(CHAT) if "paragraph" in m.content]
        assert len(long_notes) >= 3
        assert sum(m.content.count("paragraph") for m in long_notes) == 8


async def test_photos_silent_items_and_headers(tmp_path: Path, tg: TelegramEmulator) -> None:
    png = tmp_path / "chart.png"
    png.write_bytes(premium_chart([(0.0, 1.0), (60.0, 2.0)], UTC, "test", "none"))
    async with running(
        tmp_path, tg, notify_levels={"stream": "silent", "order_placed": "off"}
    ) as svc:
        await svc.notify(NotificationKind.REPORT, "chart <attached>", photo_path=str(png))
        await svc.notify(NotificationKind.STREAM, "upbit-0 down: no data for 30s")
        await svc.notify(NotificationKind.ORDER_PLACED, "never sent")
        await svc.notify(
            NotificationKind.COMPONENT, "Component kimp crashed (ValueError); restart #1"
        )
        await delivered(svc)
        photo = next(m for m in tg.sent_messages(CHAT) if m.photo is not None)
        assert photo.photo_bytes == png.read_bytes()
        assert photo.content == "chart <attached>"  # reports carry their own title
        stream = next(m for m in tg.sent_messages(CHAT) if "upbit-0" in m.content)
        assert stream.disable_notification is True
        assert count(tg, "never sent") == 0
        crash = next(m for m in tg.sent_messages(CHAT) if "crashed" in m.content)
        assert crash.content.startswith("⚙️ Component\n")
        assert crash.disable_notification is False


async def test_two_instances_on_one_token_are_reported(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        tg.fail_next("getUpdates", "conflict", count=2)
        note = await tg.wait_for_message(lambda m: "409 Conflict" in m.content, chat_id=CHAT)
        assert "another instance" in note.content.lower()
        await eventually(lambda: svc.transport.conflicts.conflicts >= 2, timeout=15)
        assert count(tg, "409 Conflict") == 1  # reported once per cooldown, not per poll
        # Polling goes on: commands still work.
        answer = await svc.ask("/version", expect="9.9.9-test")
        assert answer
