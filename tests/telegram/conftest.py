"""A running service slice for end-to-end Telegram tests: real SQLite, real registry and core
commands, the real installer (PTB against the Bot API emulator on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.commands import CommandRegistry
from bot.commands.core import register_core
from bot.config import Settings, load_settings
from bot.facade import ServiceFacade
from bot.features import AppContext
from bot.features.telegram import install
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.telegram.ratelimit import Limits
from bot.telegram.transport import TelegramTransport, TransportOptions
from core.clock import Clock, SystemClock
from core.events import EventBus
from core.notifications import Notification, NotificationKind
from core.storage import Database
from core.supervisor import Supervisor
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.helpers import eventually

CHAT = 777000111
STRANGER = 555000222
GROUP = -100123456
# Interactive tests send faster than Telegram's 1 msg/s per chat; the rate tests use the defaults.
QUICK_LIMITS = Limits(per_chat_per_second=50.0, per_chat_burst=50)
FAST = TransportOptions(poll_timeout=1.0, request_timeout=2.0, limits=QUICK_LIMITS)
REAL_LIMITS = TransportOptions(poll_timeout=1.0, request_timeout=2.0)


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


def make_settings(tmp_path: Path, tg: TelegramEmulator, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "db_path": tmp_path / "bot.sqlite3",
        "log_dir": tmp_path / "logs",
        "telegram_bot_token": tg.token,
        "telegram_chat_id": CHAT,
        "telegram_api_url": tg.base_url,
        "language": "en",
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@dataclass(slots=True)
class Running:
    tg: TelegramEmulator
    settings: Settings
    db: Database
    registry: CommandRegistry
    facade: ServiceFacade
    notifier: Notifier
    supervisor: Supervisor
    transport: TelegramTransport

    async def notify(self, kind: NotificationKind, text: str, **kw: Any) -> None:
        await self.notifier.notify_async(Notification(kind, text, **kw))

    async def ask(
        self, text: str, chat_id: int = CHAT, expect: str | None = None, **kw: Any
    ) -> SentMessage:
        """Send a user message; return the bot's next message to that chat (containing
        `expect`, when given: notifications may come in between)."""
        after = self.tg.cursor()
        self.tg.send_user_message(chat_id, text, **kw)
        return await self.tg.wait_for_message(
            (lambda m: expect in m.content) if expect else None,
            chat_id=chat_id,
            after=after,
            timeout=10,
        )


@asynccontextmanager
async def running(
    tmp_path: Path,
    tg: TelegramEmulator,
    *,
    clock: Clock | None = None,
    registry: CommandRegistry | None = None,
    options: TransportOptions = FAST,
    wait_ready: bool = True,
    **overrides: Any,
) -> AsyncIterator[Running]:
    settings = make_settings(tmp_path, tg, **overrides)
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        db = await Database.connect(settings.db_path)
        stack.push_async_callback(db.close)
        notifier = Notifier(Outbox(db), settings.notify, settings.core.language)
        supervisor = Supervisor()
        facade = ServiceFacade(
            settings=settings,
            db=db,
            bus=EventBus(),
            supervisor=supervisor,
            notifier=notifier,
            version="9.9.9-test",
        )
        registry = registry or CommandRegistry()
        register_core(registry)
        supervisor.start("notifier", notifier.run)
        app = AppContext(
            settings=settings,
            db=db,
            bus=facade.bus,
            supervisor=supervisor,
            registry=registry,
            facade=facade,
            notifier=notifier,
            clock=clock,
            stack=stack,
        )
        transport = await install(app, options=options)
        assert transport is not None
        if wait_ready:
            await eventually(transport.ready.is_set, timeout=10)
        try:
            yield Running(tg, settings, db, registry, facade, notifier, supervisor, transport)
        finally:
            await supervisor.stop(5.0)
            await notifier.flush_writes()
