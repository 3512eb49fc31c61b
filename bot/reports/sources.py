"""Where the daily report's sections come from: each feature answers for its own tables.

The report never runs SQL. Trading answers for fills and balances, the kimp monitor for its
samples and the alerts it sent, the notifier's outbox for incidents; the composition root hands
the reporter these sources (`table_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from alerts.report_queries import KimpDay, KimpReportQueries
from bot.notify.outbox import Outbox
from core.notifications import NotificationKind
from core.storage import Database
from trading.report_queries import Balance, BotDay, TradingReportQueries


class TradingReports(Protocol):
    async def bot_days(self, since: float, until: float, paper: bool) -> list[BotDay]: ...

    async def balances(self, paper: bool) -> list[Balance]: ...


class KimpReports(Protocol):
    async def latest_prices(self) -> dict[str, float]: ...

    async def kimp_day(
        self, since: float, until: float, coin: str = "BTC", basis: str = "usdt"
    ) -> KimpDay | None: ...

    async def quiet_listings(self, since: float, until: float) -> dict[str, tuple[str, ...]]: ...


class IncidentLog(Protocol):
    async def texts(
        self, kinds: tuple[NotificationKind, ...], since: float, until: float
    ) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class ReportSources:
    trading: TradingReports
    kimp: KimpReports
    incidents: IncidentLog


def table_sources(db: Database) -> ReportSources:
    """The sources over the service's database (each feature's own queries)."""
    return ReportSources(TradingReportQueries(db), KimpReportQueries(db), Outbox(db))
