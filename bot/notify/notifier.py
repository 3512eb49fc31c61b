"""Queue notifications durably and deliver them through one transport (console or Telegram)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Protocol

from loguru import logger

from bot.config import NotifyLevel
from bot.i18n import render
from bot.notify.outbox import Outbox, OutboxItem
from bot.settings_sections import NotifySettings
from core.clock import Clock, SystemClock
from core.notifications import Notification, NotificationKind


class DeliveryError(Exception):
    """The transport could not deliver; `retry_after` says when to try again (seconds)."""

    def __init__(self, message: str, retry_after: float = 5.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Sender(Protocol):
    async def deliver(self, items: list[OutboxItem]) -> list[int]:
        """Deliver items in order; return the ids delivered. Raise DeliveryError to back off."""
        ...


class Notifier:
    """`notify()` is cheap and never blocks on the transport; `run()` drains the outbox."""

    def __init__(
        self,
        outbox: Outbox,
        settings: NotifySettings,
        language: str,  # Text notifications are worded in it before they are queued
        clock: Clock | None = None,
    ) -> None:
        self._outbox = outbox
        self._levels = settings.notify_levels
        self._language = language
        self._clock = clock or SystemClock()
        self._wakeup = asyncio.Event()
        self._sender: Sender | None = None
        self._writes: set[asyncio.Task[None]] = set()
        self.delivered = 0

    @property
    def has_sender(self) -> bool:
        return self._sender is not None

    def set_sender(self, sender: Sender) -> None:
        self._sender = sender
        self._wakeup.set()

    async def pending_count(self) -> int:
        return await self._outbox.pending_count()

    def level(self, kind: NotificationKind) -> NotifyLevel:
        return self._levels.get(kind.value, NotifyLevel.ON)

    async def notify_async(self, note: Notification) -> None:
        level = self.level(note.kind)
        if level is NotifyLevel.OFF:
            return
        if not isinstance(note.text, str):  # worded once, here: the outbox keeps what is sent
            note = replace(note, text=render(self._language, note.text))
        await self._outbox.add(note, silent=level is NotifyLevel.SILENT, now=self._clock.now())
        self._wakeup.set()

    def notify(self, note: Notification) -> None:
        """Fire-and-forget from sync code; the write is tracked and flushed on shutdown."""
        task = asyncio.get_running_loop().create_task(self.notify_async(note))
        self._writes.add(task)
        task.add_done_callback(self._write_done)

    def _write_done(self, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.opt(exception=task.exception()).error("could not queue a notification")

    async def flush_writes(self) -> None:
        if self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    async def run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            await self.deliver_pending()

    async def deliver_pending(self) -> None:
        """Send everything queued, in order, backing off when the transport says so."""
        while self._sender is not None:
            items = await self._outbox.pending()
            if not items:
                return
            try:
                done = await self._sender.deliver(items)
            except DeliveryError as exc:
                logger.warning(
                    "notification delivery failed ({}); retry in {:.1f}s", exc, exc.retry_after
                )
                await self._outbox.mark_failed(items[0].id, str(exc))
                await self._clock.sleep(exc.retry_after)
                continue
            if done:
                await self._outbox.mark_sent(done, self._clock.now())
                self.delivered += len(done)
            if len(done) < len(items):
                await self._clock.sleep(1.0)
