"""Bounded storage: each table's store prunes its rows past retention in small batches, and a
virtual-time run with many rows keeps the database under a stated size, flat after the window."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.history import PremiumHistory
from bot.config import load_settings
from bot.notify.outbox import Outbox
from bot.ops.install import retention_rules
from bot.ops.maintenance import DAY, Maintenance
from bot.telegram.inbox import Inbox, InboxEntry
from core.clock import ManualClock
from core.market import Candle
from core.notifications import Notification, NotificationKind
from core.storage import Database
from core.storage.retention import RetentionRule, db_size
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore
from strategies.store import BotStore

COINS = [f"C{i:02d}" for i in range(20)]
MARKETS = [Instrument(Venue.BINANCE_SPOT, Symbol(f"C{i:02d}", "USDT")) for i in range(6)]
# Stated bound: two days of 20 coins' per-minute premium, six markets' 1m candles, a day of
# decisions and notifications. Measured at 9.2 MB (8.8 MiB); the bound leaves room for page slack.
MAX_BYTES = 12 * 1024 * 1024


async def _one_day(db: Database, candles: CandleStore, outbox: Outbox, start: float) -> None:
    """A day of what the service writes: premium samples, candles, decisions, notifications."""
    minutes = range(int(start) // 60 * 60, int(start + DAY), 60)
    await db.executemany(
        "INSERT OR REPLACE INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, "
        "tether_premium, upbit_krw, binance_usdt) VALUES (?, ?, 1.5, 1.7, 0.2, 100.0, 0.07)",
        [(c, m) for c in COINS for m in minutes],
    )
    await candles.save(
        [Candle(i, "1m", m * 1000, 1.0, 1.1, 0.9, 1.05, 10.0) for i in MARKETS for m in minutes]
    )
    await db.executemany(
        "INSERT INTO decisions(bot, symbol, action, taken, reason, ts, candle_ts) "
        "VALUES ('b', 'C00/USDT', 'buy', 0, 'rsi below 30 but the position is full', ?, ?)",
        [(start + k * 60.0, int(start + k * 60) * 1000) for k in range(600)],
    )
    for k in range(100):
        note = Notification(NotificationKind.COMPONENT, f"fill {start} {k} " + "x" * 200)
        item = await outbox.add(note, silent=False, now=start + k)
        assert item is not None
        await outbox.mark_sent([item], start + k + 1)


def _rules(db: Database, clock: ManualClock, days: float = 2) -> list[RetentionRule]:
    return [
        RetentionRule("kimp_samples", days * DAY, PremiumHistory(db)),
        RetentionRule("candles", days * DAY, CandleStore(db)),
        RetentionRule("decisions", 1 * DAY, BotStore(db, clock)),
        RetentionRule("outbox", 1 * DAY, Outbox(db)),
    ]


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_virtual_days_keep_the_database_bounded_and_flat(tmp_path: Path) -> None:
    clock = ManualClock(start=1_767_225_600.0)  # 2026-01-01 00:00 UTC
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        candles, outbox = CandleStore(db), Outbox(db)
        maint = Maintenance(db, _rules(db, clock), clock, ZoneInfo("UTC"), quiet_hour=3)
        sizes: list[int] = []
        for _ in range(8):
            await _one_day(db, candles, outbox, clock.now())
            clock.advance(DAY)
            await maint.run_pass()
            sizes.append((await db_size(db)).total)
            # Nothing older than the window survives a pass.
            row = await db.fetchone("SELECT MIN(minute_ts) FROM kimp_samples")
            assert row is not None and row[0] >= clock.now() - 2 * DAY
        assert await _count(db, "kimp_samples") == 2 * 1440 * len(COINS)
        assert await _count(db, "candles") == 2 * 1440 * len(MARKETS)
        assert await _count(db, "decisions") == 600
        assert await _count(db, "outbox") == 100
        print("db sizes per day (bytes):", sizes)
        assert max(sizes) < MAX_BYTES, sizes
        # Flat after the window: freed pages are reused, the file stops growing.
        settled = sizes[3:]
        assert max(settled) <= min(settled) * 1.1, sizes


async def test_pruning_goes_in_batches_and_keeps_undelivered_notifications(
    tmp_path: Path,
) -> None:
    clock = ManualClock(start=1_767_225_600.0)
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        outbox = Outbox(db)
        old = clock.now()
        for k in range(1_234):
            item = await outbox.add(Notification(NotificationKind.COMPONENT, f"n{k}"), False, old)
            assert item is not None
            if k % 2:
                await outbox.mark_sent([item], old)
        clock.advance(3 * DAY)
        calls: list[int] = []

        class Counting:
            async def prune_before(self, cutoff: float, limit: int) -> int:
                n = await outbox.prune_before(cutoff, limit)
                calls.append(n)
                return n

        rule = RetentionRule("outbox", DAY, Counting())
        maint = Maintenance(db, [rule], clock, ZoneInfo("UTC"), quiet_hour=3, batch=100)
        assert await maint.prune() == {"outbox": 617}
        assert calls == [100] * 6 + [17]
        assert await outbox.pending_count() == 617  # undelivered ones are never pruned


async def test_zero_retention_keeps_everything(tmp_path: Path) -> None:
    clock = ManualClock(start=1_767_225_600.0)
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        await _one_day(db, CandleStore(db), Outbox(db), clock.now())
        clock.advance(30 * DAY)
        rules = [RetentionRule("candles", 0, CandleStore(db))]
        assert await Maintenance(db, rules, clock, ZoneInfo("UTC"), 3).prune() == {}
        assert await _count(db, "candles") == 1440 * len(MARKETS)


async def test_quiet_hour_vacuum_gives_free_pages_back(tmp_path: Path) -> None:
    clock = ManualClock(start=1_767_225_600.0 + 3 * 3600)  # 03:00 UTC
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        await _one_day(db, CandleStore(db), Outbox(db), clock.now() - 10 * DAY)
        maint = Maintenance(db, _rules(db, clock), clock, ZoneInfo("UTC"), quiet_hour=3)
        await maint.prune()
        before = await db_size(db)
        assert before.free_bytes > before.file_bytes / 2
        assert await maint.upkeep() is True
        after = await db_size(db)
        assert after.file_bytes < before.file_bytes / 2 and after.wal_bytes == 0
        assert await maint.upkeep() is False  # once a day


async def test_the_service_rules_prune_premium_samples_by_kimp_history_days(tmp_path: Path) -> None:
    """kimp_samples age out in the batched pass like every other table (the minute recorder used
    to run its own unbatched hourly DELETE beside it); 0 keeps them, as for the others."""
    clock = ManualClock(start=1_767_225_600.0)
    path = tmp_path / "bot.sqlite3"
    async with Database.open(path) as db:
        await _one_day(db, CandleStore(db), Outbox(db), clock.now())
        clock.advance(4 * DAY)
        await _one_day(db, CandleStore(db), Outbox(db), clock.now() - DAY)
        settings = load_settings(env_file=None, db_path=path, kimp_history_days=2)
        rules = {r.table: r for r in retention_rules(settings, db, clock)}
        assert rules["kimp_samples"].keep_seconds == 2 * DAY
        assert set(rules) == {
            "kimp_samples",
            "funding_rates",
            "candles",
            "decisions",
            "outbox",
            "alerts_sent",
            "inbox",
        }
        assert rules["funding_rates"].keep_seconds == 2 * DAY  # the replay's other input
        maint = Maintenance(db, list(rules.values()), clock, ZoneInfo("UTC"), 3, batch=1_000)
        pruned = await maint.prune()
        assert pruned["kimp_samples"] == 1440 * len(COINS)  # the first day, in 1,000-row batches
        assert await _count(db, "kimp_samples") == 1440 * len(COINS)  # the recent day kept
        forever = load_settings(env_file=None, db_path=path, kimp_history_days=0)
        clock.advance(30 * DAY)
        rules = {r.table: r for r in retention_rules(forever, db, clock)}
        assert (
            "kimp_samples"
            not in await Maintenance(db, list(rules.values()), clock, ZoneInfo("UTC"), 3).prune()
        )
        assert await _count(db, "kimp_samples") == 1440 * len(COINS)


async def test_the_sent_alert_log_ages_out_with_the_notifications(tmp_path: Path) -> None:
    clock = ManualClock(start=1_767_225_600.0)
    path = tmp_path / "bot.sqlite3"
    async with Database.open(path) as db:
        await db.executemany(
            "INSERT INTO alerts_sent(key, kind, value, text, ts) VALUES ('coin:BTC', 'high', 3.1, "
            "'BTC kimchi premium +3.10%', ?)",
            [(clock.now() + k * 3600.0,) for k in range(72)],  # three days, one an hour
        )
        clock.advance(3 * DAY)
        settings = load_settings(env_file=None, db_path=path, notification_retention_days=1)
        rules = retention_rules(settings, db, clock)
        pruned = await Maintenance(db, rules, clock, ZoneInfo("UTC"), 3, batch=10).prune()
        assert pruned["alerts_sent"] == 48
        assert await _count(db, "alerts_sent") == 24
        left = await db.fetchone("SELECT min(ts) FROM alerts_sent")
        assert left is not None and left[0] >= clock.now() - DAY


async def test_answered_commands_age_out_in_the_batched_prune_only(tmp_path: Path) -> None:
    """The inbox is one of the retention rules (INBOX_RETENTION_DAYS), pruned in batches like
    the other tables; the start-up recovery no longer deletes rows itself, and a command still
    owed an answer is never pruned, however old."""
    clock = ManualClock(start=1_767_225_600.0)
    path = tmp_path / "bot.sqlite3"
    async with Database.open(path) as db:
        inbox = Inbox(db)
        old = [InboxEntry(k, 777, 777, f"/status {k}", clock.now(), "new") for k in range(30)]
        await inbox.record(old, clock.now())
        for e in old[:25]:  # 25 answered three days ago, 5 never answered
            await inbox.done(e.update_id, clock.now())
        clock.advance(3 * DAY)
        recent = InboxEntry(100, 777, 777, "/kimp", clock.now(), "new")
        await inbox.record([recent], clock.now())
        await inbox.done(100, clock.now())
        # The recovery at start-up leaves the answered rows to the retention.
        unfinished = await inbox.take_unfinished()
        assert sorted(u.entry.update_id for u in unfinished) == [25, 26, 27, 28, 29]
        assert await _count(db, "inbox") == 31
        settings = load_settings(env_file=None, db_path=path, inbox_retention_days=1)
        rules = retention_rules(settings, db, clock)
        pruned = await Maintenance(db, rules, clock, ZoneInfo("UTC"), 3, batch=10).prune()
        assert pruned["inbox"] == 25
        rows = await db.fetchall("SELECT update_id FROM inbox ORDER BY update_id")
        assert [r[0] for r in rows] == [25, 26, 27, 28, 29, 100]
        # 0 keeps them for ever, like every other retention setting.
        keep = load_settings(env_file=None, db_path=path, inbox_retention_days=0)
        assert (await Maintenance(db, retention_rules(keep, db, clock), clock,
                                  ZoneInfo("UTC"), 3).prune()).get("inbox", 0) == 0  # fmt: skip
