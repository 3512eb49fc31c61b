"""The typed service facade command handlers talk to (Freqtrade's rpc split).

Handlers never reach into components; they ask the facade. Each feature area registers its
provider here at composition time; a provider that is not wired (feature off) is None and the
handlers say so instead of failing. Each provider field is typed with the protocol declaring what
the commands and /status ask of that feature (`bot.providers`), never with the feature's class and
never probed with getattr; the installers assign the concrete objects, which mypy checks there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.providers import (
    BotControl,
    HedgeDeskView,
    KimpView,
    MarketDataView,
    OpsView,
    ReportSection,
    TradingView,
)
from core.events import EventBus
from core.market import StreamStatus
from core.private_streams import PrivateStreamBoard
from core.storage import Database
from core.supervisor import Supervisor

if TYPE_CHECKING:
    from bot.notify.notifier import Notifier


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
    market_data: MarketDataView | None = None  # streams, their status
    trading: TradingView | None = None  # orders, balances, positions, PnL
    bots: BotControl | None = None  # strategy bots
    kimp: KimpView | None = None  # kimchi-premium monitor
    ops: OpsView | None = None  # database size, backups, heartbeat (bot/ops)
    hedges: HedgeDeskView | None = None  # two-leg hedges (trading/hedge); a hedge bot's gateway
    # Extra daily-report sections, in the order they are added to the report.
    report_sections: list[ReportSection] = field(default_factory=list)
    stream_status: dict[str, StreamStatus] = field(default_factory=dict)
    # Each venue's private (user-data) stream, up or down, as the streams report it.
    private_streams: PrivateStreamBoard = field(default_factory=PrivateStreamBoard)
