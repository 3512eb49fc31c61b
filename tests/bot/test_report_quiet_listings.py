"""The daily report counts the one-venue listings that were not announced
(KIMP_ONE_VENUE_LISTINGS), per venue, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from alerts import quiet_listings
from alerts.quiet_listings import BINANCE, Quiet
from alerts.report_queries import KimpReportQueries
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.reports.daily import DailyReporter
from bot.reports.sources import table_sources
from core.events import EventBus
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.supervisor import Supervisor

DAY = 86400.0


async def test_the_report_counts_binance_only_listings_of_its_day(tmp_path: Path) -> None:
    for language, expected in (
        ("en", "  🆕 new on Binance only, not announced (KIMP_ONE_VENUE_LISTINGS): 2 (ABC, XYZ)"),
        ("ko", "  🆕 바이낸스에만 새로 상장, 알림 안 함 (KIMP_ONE_VENUE_LISTINGS): 2개 (ABC, XYZ)"),
    ):
        db_path = tmp_path / f"{language}.db"
        settings = load_settings(env_file=None, db_path=db_path, language=language)
        async with Database.open(settings.db_path) as db:
            kv = KeyValueStore(db)
            quiet = [Quiet("XYZ", BINANCE, 10 * DAY + 5), Quiet("ABC", BINANCE, 10 * DAY + 9)]
            await quiet_listings.record(kv, [Quiet("OLD", BINANCE, 9 * DAY)], 9 * DAY)
            await quiet_listings.record(kv, quiet, 10 * DAY + 10)
            day = (10 * DAY, 11 * DAY)
            assert await KimpReportQueries(db).quiet_listings(*day) == {"binance": ("ABC", "XYZ")}
            facade = ServiceFacade(
                settings, db, EventBus(), Supervisor(),
                Notifier(Outbox(db), settings.notify, settings.core.language), "t",
            )  # fmt: skip
            reporter = DailyReporter(facade, table_sources(db), chart_dir=tmp_path)
            report = await reporter.build(*day, "title")
            assert expected in report.text.splitlines()
            await quiet_listings.record(kv, [], 10 * DAY + 9 * DAY)  # a week on: aged out
            assert await KimpReportQueries(db).quiet_listings(0, 30 * DAY) == {}


async def test_a_damaged_value_reads_as_none(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "d.db") as db:
        kv = KeyValueStore(db)
        await kv.set(quiet_listings.KV_KEY, "not json")
        assert await quiet_listings.between(kv, 0, 1e12) == {}
