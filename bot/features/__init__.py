"""Feature installers. Each feature area exposes `async def install(app: AppContext) -> None`
that starts its components under the supervisor, registers its commands and sets its facade
provider. The composition root calls them in `FEATURES` order; teardown runs in reverse via the
shared exit stack and the supervisor.

Installers read the settings through their sections (`app.settings.kimp`, `.risk`, ...) and hand
each component only the section(s) it needs, never the whole `Settings`.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.commands import CommandRegistry
from bot.config import Settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from core.clock import Clock
from core.events import EventBus
from core.market_notices import NoticeBoard
from core.storage import Database
from core.supervisor import Supervisor

if TYPE_CHECKING:
    from exchanges.manager import MarketDataManager


class StartupError(Exception):
    """A feature cannot start because of the user's configuration; the message says what to fix."""


@dataclass(slots=True)
class AppContext:
    settings: Settings
    db: Database
    bus: EventBus
    supervisor: Supervisor
    registry: CommandRegistry
    facade: ServiceFacade
    notifier: Notifier
    clock: Clock
    stack: AsyncExitStack  # push cleanups here; they run in reverse order at shutdown
    # The market-data manager itself, for the installers that build on it (streams to subscribe,
    # its universe, staleness); the facade holds only what /status asks of it.
    market_data: MarketDataManager | None = None
    # Live mode whose pre-flight check found a ❌ (bot/doctor): no live broker is started, so
    # every order is refused; the rest of the service runs and says why.
    live_refused: bool = False
    # The venues' own market warnings (kept by the kimp feature, read by the strategies' gate).
    notices: NoticeBoard = field(default_factory=NoticeBoard)
