"""The service's shared context (database, bus, notifier, supervisor, facade) as `bot.app`
wires it, for tests that install one or a few features on their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from bot.commands import CommandRegistry
from bot.config import Settings
from bot.facade import ServiceFacade
from bot.features import AppContext
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.clock import Clock, SystemClock
from core.events import EventBus
from core.storage import Database
from core.supervisor import Supervisor


@asynccontextmanager
async def app_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    registry: CommandRegistry | None = None,
    stop_timeout: float = 5.0,
) -> AsyncIterator[AppContext]:
    """An `AppContext` over a fresh database at `settings.db_path`; on exit the supervised
    components stop (within `stop_timeout`), queued notifications are written, the database
    closes."""
    async with AsyncExitStack() as stack:
        db = await Database.connect(settings.db_path)
        stack.push_async_callback(db.close)
        bus = EventBus()
        notifier = Notifier(Outbox(db), settings.notify, settings.core.language)
        supervisor = Supervisor()
        facade = ServiceFacade(settings, db, bus, supervisor, notifier, "test")
        app = AppContext(settings, db, bus, supervisor, registry or CommandRegistry(), facade,
                         notifier, clock or SystemClock(), stack)  # fmt: skip
        try:
            yield app
        finally:
            await supervisor.stop(stop_timeout)
            await notifier.flush_writes()
