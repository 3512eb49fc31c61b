"""The daily report: content from the shared tables, the job at the configured time, catch-up."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.reports.daily import KV_LAST, DailyReporter
from bot.reports.sources import table_sources
from bot.reports.streams import StreamLog
from core.clock import ManualClock
from core.events import EventBus
from core.market import StreamState, StreamStatus
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.supervisor import Supervisor
from core.symbols import Venue
from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, running

KST = ZoneInfo("Asia/Seoul")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def seed(db_path: Path, now: float) -> None:
    """A day of data as the other features would leave it."""
    async with Database.open(db_path) as db:
        start = int(now - 86400) // 60 * 60
        rows = []
        for i in range(0, 1440, 10):
            ts = start + i * 60
            kimp = 2.0 + (i % 300) / 100  # 2.00 .. 4.90
            rows.append(("BTC", ts, kimp - 0.3, kimp, 0.3, 95_000_000.0, 66_000.0))
        rows.append(("XRP", start + 600, 7.5, 7.9, 0.3, 3_000.0, 2.0))
        await db.executemany(
            "INSERT INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, tether_premium, "
            "upbit_krw, binance_usdt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await db.executemany(
            "INSERT INTO fills(fill_id, venue, client_id, symbol, side, qty, price, fee, "
            "fee_asset, ts, paper, realized_pnl, bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [
                (
                    "f1",
                    "upbit",
                    "c1",
                    "BTC/KRW",
                    "buy",
                    "0.01",
                    "95000000",
                    "475",
                    "KRW",
                    now - 3600,
                    "0",
                    "trend-1",
                ),
                (
                    "f2",
                    "upbit",
                    "c2",
                    "BTC/KRW",
                    "sell",
                    "0.01",
                    "96000000",
                    "480",
                    "KRW",
                    now - 1800,
                    "10000",
                    "trend-1",
                ),
                (
                    "f3",
                    "binance_futures",
                    "c3",
                    "ETH/USDT",
                    "sell",
                    "0.5",
                    "3000",
                    "0.6",
                    "USDT",
                    now - 900,
                    "-12.5",
                    "kimp-arb",
                ),
            ],
        )
        await db.executemany(
            "INSERT INTO balances(venue, asset, paper, free, locked, updated_ts) "
            "VALUES (?, ?, 1, ?, ?, ?)",
            [
                ("upbit", "KRW", "9000000", "0", now),
                ("upbit", "BTC", "0.01", "0", now),
                ("binance", "USDT", "1000", "0", now),
            ],
        )
        await db.execute(
            "INSERT INTO alerts_sent(key, kind, value, text, ts) VALUES (?, ?, ?, ?, ?)",
            ("kimp:BTC", "high", 4.2, "BTC kimp +4.20% above 4.0%", now - 7200),
        )


async def test_daily_report_fires_at_the_configured_time_with_its_chart(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    now = time.time()
    await seed(tmp_path / "bot.sqlite3", now)
    at = (datetime.fromtimestamp(now, KST) + timedelta(seconds=3)).time().replace(microsecond=0)
    async with running(tmp_path, tg, daily_report_time=at) as svc:
        assert not [m for m in tg.sent_messages(CHAT) if m.photo]  # not before its time
        photo = await tg.wait_for_message(
            lambda m: m.photo is not None and "Daily report" in m.content, chat_id=CHAT, timeout=15
        )
        assert photo.photo_bytes is not None and photo.photo_bytes.startswith(PNG_MAGIC)
        body = await tg.wait_for_message(lambda m: "Kimchi premium (BTC" in m.content, chat_id=CHAT)
        text = body.content
        assert "trend-1" in text and "+10,000 KRW" in text
        assert "kimp-arb" in text and "-12.50 USDT" in text
        # The premium the alerts watch (KIMP_ALERT_BASIS=usdt), labelled; it used to be the FX
        # kimp, unlabelled (high +4.90%, XRP +7.90%), while the alerts used the USDT kimp.
        assert "Kimchi premium (BTC, USDT kimp, as the alerts use)" in text
        assert "high +4.60% · low +1.70%" in text
        assert "XRP +7.50%" in text  # largest premiums
        assert "1 alerts sent" in text and "BTC kimp +4.20% above 4.0%" in text
        assert "equity" in text
        day = datetime.fromtimestamp(now + 3, KST).date().isoformat()
        assert await KeyValueStore(svc.db).get(KV_LAST) == day


async def test_a_missed_report_is_sent_on_start_and_only_once(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    now = time.time()
    await seed(tmp_path / "bot.sqlite3", now)
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        await KeyValueStore(db).set(KV_LAST, "2000-01-01")  # down over the last report time
    async with running(tmp_path, tg) as svc:
        photo = await tg.wait_for_message(lambda m: m.photo is not None, chat_id=CHAT, timeout=15)
        assert "Daily report" in photo.content
        await eventually(lambda: any("Balances" in m.content for m in tg.sent_messages(CHAT)))
        assert await KeyValueStore(svc.db).get(KV_LAST) != "2000-01-01"
    async with running(tmp_path, tg) as svc:
        answer = await svc.ask("/version", expect="9.9.9")
        assert answer
        assert len([m for m in tg.sent_messages(CHAT) if m.photo]) == 1


async def test_report_command_answers_with_chart_and_text(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    await seed(tmp_path / "bot.sqlite3", time.time())
    async with running(tmp_path, tg) as svc:
        after = tg.cursor()
        tg.send_user_message(CHAT, "/report")
        text = await tg.wait_for_message(
            lambda m: "Kimchi premium" in m.content, chat_id=CHAT, after=after, timeout=15
        )
        photo = next(m for m in tg.sent_messages(CHAT) if m.seq > after and m.photo)
        assert photo.seq < text.seq
        assert "Report (last 24 h" in text.content
        bad = await svc.ask("/report now please", expect="no arguments")
        assert bad


async def test_catch_up_on_a_controlled_clock(tmp_path: Path) -> None:
    """First start: nothing missed. Down over 09:00: one report on start, never two."""
    settings = load_settings(env_file=None, db_path=tmp_path / "r.db", language="ko")
    # 2026-03-10 08:00 KST
    clock = ManualClock(start=datetime(2026, 3, 10, 8, 0, tzinfo=KST).timestamp())
    async with Database.open(settings.db_path) as db:
        notifier = Notifier(Outbox(db), settings.notify, settings.core.language)
        facade = ServiceFacade(settings, db, EventBus(), Supervisor(), notifier, "t")

        reporter = DailyReporter(
            facade, table_sources(db), clock=clock, chart_dir=tmp_path / "charts"
        )
        assert reporter.slot_for(clock.now()) == datetime(2026, 3, 9, 9, 0, tzinfo=KST)
        assert await reporter.catch_up() is False  # first run ever
        assert await notifier.pending_count() == 0

        clock.advance(26 * 3600)  # "down" until 2026-03-11 10:00 KST, past two report times
        restarted = DailyReporter(
            facade, table_sources(db), clock=clock, chart_dir=tmp_path / "charts"
        )
        assert await restarted.catch_up() is True
        assert await restarted.catch_up() is False
        assert await restarted.send_for_slot(restarted.slot_for(clock.now())) is False
        rows = await db.fetchall("SELECT kind, text, photo_path, dedup_key FROM outbox")
        assert len(rows) == 1
        kind, text, photo_path, dedup = rows[0]
        assert (kind, dedup) == ("report", "daily-report:2026-03-11")
        assert text.startswith("📊 일일 리포트 2026-03-11")
        assert "체결 없음" in text
        assert (await asyncio.to_thread(Path(photo_path).read_bytes)).startswith(PNG_MAGIC)


def test_stream_log_uptime_and_incidents() -> None:
    log = StreamLog(EventBus())

    def st(state: StreamState, ts: float) -> StreamStatus:
        return StreamStatus(Venue.UPBIT, "upbit-0", state, "", ts)

    log.record(st(StreamState.UP, 1000.0))
    log.record(st(StreamState.DOWN, 1600.0))
    log.record(st(StreamState.DEGRADED, 1700.0))  # still not up: same incident
    log.record(st(StreamState.RECOVERED, 1900.0))
    up, seen, incidents = log.uptime(1000.0, 2200.0)["upbit-0"]
    assert (up, seen, incidents) == (900.0, 1200.0, 1)
