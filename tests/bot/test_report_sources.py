"""The daily report reads each feature's report queries; a failing query empties its section only."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from alerts.report_queries import KimpDay
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.reports.daily import DailyReporter, Holding, valued
from bot.reports.sources import ReportSources
from core.events import EventBus
from core.notifications import NotificationKind
from core.storage import Database
from core.supervisor import Supervisor
from trading.report_queries import Balance, BotDay


class BrokenTrading:
    async def bot_days(self, since: float, until: float, paper: bool) -> list[BotDay]:
        raise sqlite3.OperationalError("no such table: fills")

    async def balances(self, paper: bool) -> list[Balance]:
        return [Balance("upbit", "BTC", Decimal("0.5")), Balance("upbit", "XYZ", Decimal(3))]


class Kimp:
    async def latest_prices(self) -> dict[str, float]:
        return {"BTC": 100_000_000.0, "KRW": 1.0}

    async def kimp_day(
        self, since: float, until: float, coin: str = "BTC", basis: str = "usdt"
    ) -> KimpDay | None:
        return None

    async def quiet_listings(self, since: float, until: float) -> dict[str, tuple[str, ...]]:
        return {}


class Incidents:
    async def texts(
        self, kinds: tuple[NotificationKind, ...], since: float, until: float
    ) -> list[str]:
        return ["stream down"] if kinds == (NotificationKind.STREAM,) else []


class Section:
    async def report_lines(self, since: float, until: float) -> list[str]:
        return ["extra section"]


def test_balances_are_valued_where_a_price_is_known() -> None:
    held = valued([Balance("upbit", "btc", Decimal(2))], {"BTC": 10.0})
    assert held == [Holding("upbit", "btc", Decimal(2), Decimal("20.0"))]
    assert valued([Balance("upbit", "XYZ", Decimal(1))], {})[0].krw is None


async def test_a_failing_query_empties_its_section_only(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, db_path=tmp_path / "r.db", language="en")
    async with Database.open(settings.db_path) as db:
        facade = ServiceFacade(
            settings,
            db,
            EventBus(),
            Supervisor(),
            Notifier(Outbox(db), settings.notify, settings.core.language),
            "t",
        )
        facade.report_sections.append(Section())
        sources = ReportSources(BrokenTrading(), Kimp(), Incidents())
        report = await DailyReporter(facade, sources, chart_dir=tmp_path).build(0, 1, "title")
    assert "  no trades" in report.text  # the fills query failed: an empty section
    assert "≈ 50,000,000 KRW" in report.text  # balances still valued
    assert "stream down" in report.text and "extra section" in report.text
    assert report.equity_krw == Decimal("50000000.0")
