"""The typed service facade command handlers talk to (Freqtrade's rpc split).

Handlers never reach into components; they ask the facade. Each feature area registers its
provider here at composition time; a provider that is not wired (feature off) is None and the
handlers say so instead of failing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.domain.market import StreamStatus
from bot.events import EventBus
from bot.storage import Database
from bot.supervisor import Supervisor

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
    market_data: Any = None  # exchanges' market-data manager (stream status, last prices)
    trading: Any = None  # order execution / paper broker / portfolio
    bots: Any = None  # strategy bot manager
    kimp: Any = None  # kimchi-premium monitor
    reports: Any = None  # daily report builder
    stream_status: dict[str, StreamStatus] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
