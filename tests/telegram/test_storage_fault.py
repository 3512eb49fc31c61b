"""Storage faults on the notification path (issue 12, item 10): a full or read-only database
neither loses a notification nor repeats one, and the user is told about the fault.

The fault is SQLite's own: `PRAGMA query_only` makes every write on the service's connection
fail with "attempt to write a readonly database", the same `sqlite3.OperationalError` path a
full disk ("database or disk is full") takes.
"""

from __future__ import annotations

from pathlib import Path

from core.notifications import NotificationKind
from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, running

FILL = "BTC/KRW buy 0.01 @ 95,000,000 filled (bot trend-1)"
LATER = "ETH/KRW sell 0.5 @ 4,100,000 filled (bot trend-2)"
NOTICE = "Notifications are kept in memory"  # the fault notice (/status says "Storage fault")


def count(tg: TelegramEmulator, text: str) -> int:
    return sum(m.content.count(text) for m in tg.sent_messages(CHAT))


async def test_a_delivered_notice_is_not_sent_again_when_its_sent_mark_cannot_be_written(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        await svc.db.execute("PRAGMA query_only = 1")  # writes fail from here on
        try:
            # Queued while writable? No: the add fails too, so it is kept in memory ...
            await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:1")
            await eventually(lambda: count(tg, FILL) == 1, timeout=15)
            # ... and the user hears about the fault, once.
            await eventually(lambda: count(tg, NOTICE) == 1, timeout=15)
            await svc.notify(NotificationKind.ORDER_FILLED, LATER, dedup_key="fill:2")
            await eventually(lambda: count(tg, LATER) == 1, timeout=15)
            status = await svc.ask("/status", expect="Mode:")
            assert "Storage fault" in status.content
            # Many delivery rounds later nothing was sent twice.
            for _ in range(3):
                await svc.notifier.deliver_pending()
            assert (count(tg, FILL), count(tg, LATER), count(tg, NOTICE)) == (1, 1, 1)
        finally:
            await svc.db.execute("PRAGMA query_only = 0")


async def test_stored_notices_delivered_during_the_fault_are_marked_once_storage_recovers(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    async with running(tmp_path, tg) as svc:
        await tg.start_outage("refuse")  # queue while Telegram is away, so the rows are stored
        await svc.notify(NotificationKind.ORDER_FILLED, FILL, dedup_key="fill:1")
        row = await svc.db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_ts IS NULL")
        assert row is not None and row[0] == 1
        await svc.db.execute("PRAGMA query_only = 1")  # the "sent" mark will fail
        await tg.end_outage()
        await eventually(lambda: count(tg, FILL) == 1, timeout=20)
        for _ in range(3):
            await svc.notifier.deliver_pending()
        assert count(tg, FILL) == 1  # today: re-sent on every round whose mark failed
        assert svc.notifier.storage_fault is not None
        await svc.db.execute("PRAGMA query_only = 0")
        await svc.notifier.deliver_pending()
        row = await svc.db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_ts IS NULL")
        assert row is not None and row[0] == 0
        assert svc.notifier.storage_fault is None
        assert count(tg, FILL) == 1
