"""The typed service facade command handlers talk to (Freqtrade's rpc split).

Handlers never reach into components; they ask the facade. Each feature area registers its
provider here at composition time; a provider that is not wired (feature off) is None and the
handlers say so instead of failing. What the app asks of a provider beyond its concrete type is
declared here as a protocol (status lines, report sections), never probed with getattr.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.config import Settings
from core.events import EventBus
from core.market import StreamStatus
from core.storage import Database
from core.supervisor import Supervisor

if TYPE_CHECKING:
    # Types only: the facade module itself must not import the feature areas.
    from alerts.service import KimpService
    from bot.notify.notifier import Notifier
    from exchanges.manager import MarketDataManager
    from strategies.runner import BotManager
    from trading.provider import TradingProvider


class StatusProvider(Protocol):
    """A feature that contributes lines to /status."""

    async def status_lines(self) -> list[str]: ...


class ReportSection(Protocol):
    """A feature that adds a section to the daily report (its lines for [since, until))."""

    async def report_lines(self, since: float, until: float) -> list[str]: ...


@dataclass(slots=True)
class ServiceFacade:
    settings: Settings
    db: Database
    bus: EventBus
    supervisor: Supervisor
    notifier: Notifier
    version: str
    started_at: float = field(default_factory=time.time)
    # Feature providers, wired by the composition root when the feature runs.
    market_data: MarketDataManager | None = None  # streams, status, last prices
    trading: TradingProvider | None = None  # orders, balances, positions, PnL
    bots: BotManager | None = None  # strategy bots
    kimp: KimpService | None = None  # kimchi-premium monitor
    # Extra daily-report sections, in the order they are added to the report.
    report_sections: list[ReportSection] = field(default_factory=list)
    stream_status: dict[str, StreamStatus] = field(default_factory=dict)
