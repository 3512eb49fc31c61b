"""Queue notifications durably and deliver them through one transport (console or Telegram).

Storage faults (disk full, a read-only or damaged database) must neither lose a notification
nor repeat one: a notification that cannot be written is kept in memory and delivered from
there (with negative ids), a delivered item whose "sent" mark cannot be written is remembered
as sent and its mark retried, and the fault itself is told to the user once (also in memory)
and shown by /status (`storage_fault`) until a write succeeds again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from dataclasses import replace
from typing import Protocol

from loguru import logger

from bot.config import NotifyLevel
from bot.i18n import render
from bot.notify.outbox import Outbox, OutboxItem
from bot.settings_sections import NotifySettings
from core.clock import Clock, SystemClock
from core.notifications import Actions, Notification, NotificationKind
from core.text import Text


class DeliveryError(Exception):
    """The transport could not deliver; `retry_after` says when to try again (seconds).

    `done`: items delivered before the failure; `maybe_sent`: items whose send may have reached
    the chat (its answer timed out): their next send is their one resend, marked as such."""

    def __init__(
        self,
        message: str,
        retry_after: float = 5.0,
        *,
        done: tuple[int, ...] = (),
        maybe_sent: tuple[int, ...] = (),
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.done = done
        self.maybe_sent = maybe_sent


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
        self._memory: deque[OutboxItem] = deque()  # could not be written: delivered from here
        self._next_memory_id = -1
        self._memory_keys: set[str] = set()
        self._unmarked: dict[int, float] = {}  # delivered, "sent" not written yet: id -> when
        self._resend: set[int] = set()  # maybe delivered: the next send is the marked resend
        self.storage_fault: str | None = None  # the last storage error, until a write succeeds

    @property
    def has_sender(self) -> bool:
        return self._sender is not None

    def set_sender(self, sender: Sender) -> None:
        self._sender = sender
        self._wakeup.set()

    async def pending_count(self) -> int:
        try:
            stored = await self._outbox.pending_count() - len(self._unmarked)
        except sqlite3.Error:
            stored = 0
        return max(0, stored) + len(self._memory)

    def level(self, kind: NotificationKind) -> NotifyLevel:
        return self._levels.get(kind.value, NotifyLevel.ON)

    async def notify_async(self, note: Notification) -> None:
        level = self.level(note.kind)
        if level is NotifyLevel.OFF:
            return
        if not isinstance(note.text, str):  # worded once, here: the outbox keeps what is sent
            note = replace(note, text=render(self._language, note.text))
        if any(not isinstance(b.label, str) for row in note.buttons for b in row):
            note = replace(note, buttons=self._worded(note.buttons))
        silent = level is NotifyLevel.SILENT
        try:
            await self._outbox.add(note, silent=silent, now=self._clock.now())
        except sqlite3.Error as exc:
            self._keep_in_memory(note, silent)
            self._storage_failed(exc)
        else:
            self._storage_ok()
        self._wakeup.set()

    def _worded(self, buttons: Actions) -> Actions:
        return tuple(
            tuple(replace(b, label=render(self._language, b.label)) for b in row) for row in buttons
        )

    def _keep_in_memory(self, note: Notification, silent: bool) -> None:
        if note.dedup_key is not None and note.dedup_key in self._memory_keys:
            return  # the outbox's dedup, for what it could not hold
        text = note.text if isinstance(note.text, str) else render(self._language, note.text)
        item = OutboxItem(
            self._next_memory_id,
            note.kind,
            text,
            note.photo_path,
            silent,
            self._clock.now(),
            0,
            self._worded(note.buttons),
        )
        self._next_memory_id -= 1
        self._memory.append(item)
        if note.dedup_key is not None:
            self._memory_keys.add(note.dedup_key)

    def _storage_failed(self, exc: Exception) -> None:
        first = self.storage_fault is None
        self.storage_fault = str(exc) or type(exc).__name__
        logger.error("storage fault: {}; notifications are kept in memory", self.storage_fault)
        if first:  # told once per fault, from memory: the outbox is what is failing
            text = render(self._language, Text.of("storage.fault", error=self.storage_fault))
            self._keep_in_memory(Notification(NotificationKind.COMPONENT, text), silent=False)

    def _storage_ok(self) -> None:
        if self.storage_fault is not None:
            logger.info("storage writable again")
            self.storage_fault = None

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
            await self._retry_marks()
            items = await self._pending()
            if not items:
                return
            try:
                done = await self._sender.deliver(items)
            except DeliveryError as exc:
                logger.warning(
                    "notification delivery failed ({}); retry in {:.1f}s", exc, exc.retry_after
                )
                if exc.done:
                    self._mark_delivered(list(exc.done))
                    self.delivered += len(exc.done)
                if exc.maybe_sent:
                    await self._mark_resend(list(exc.maybe_sent), str(exc))
                elif items[0].id > 0 and items[0].id not in exc.done:
                    with contextlib.suppress(
                        sqlite3.Error
                    ):  # an attempt count is not worth a fault
                        await self._outbox.mark_failed(items[0].id, str(exc))
                await self._clock.sleep(exc.retry_after)
                continue
            if done:
                self._mark_delivered(done)
                self.delivered += len(done)
                await self._retry_marks()
            if len(done) < len(items):
                await self._clock.sleep(1.0)

    async def _pending(self) -> list[OutboxItem]:
        """Stored items not yet delivered, then the ones only memory holds."""
        try:
            stored = await self._outbox.pending()
        except sqlite3.Error as exc:
            self._storage_failed(exc)
            stored = []
        items = [i for i in stored if i.id not in self._unmarked] + list(self._memory)
        return [replace(i, resend=True) if i.id in self._resend else i for i in items]

    async def _mark_resend(self, ids: list[int], error: str) -> None:
        """Remember (in memory, and in the outbox for the next start) that these may have been
        delivered, so their next send is the marked resend and never a silent duplicate."""
        self._resend.update(ids)
        stored = [i for i in ids if i > 0]
        if stored:
            with contextlib.suppress(sqlite3.Error):  # memory holds it for this run
                await self._outbox.mark_resend(stored, error)

    def _mark_delivered(self, ids: list[int]) -> None:
        done = set(ids)
        self._resend -= done
        now = self._clock.now()
        for i in ids:
            if i > 0:
                self._unmarked[i] = now
        self._memory = deque(i for i in self._memory if i.id not in done)

    async def _retry_marks(self) -> None:
        """Write the "sent" marks not written yet; until then they are remembered here, so a
        delivered message is never sent again because its mark failed."""
        if not self._unmarked:
            return
        marks = dict(self._unmarked)
        try:
            for ts in sorted(set(marks.values())):
                await self._outbox.mark_sent([i for i, t in marks.items() if t == ts], ts)
        except sqlite3.Error as exc:
            self._storage_failed(exc)
            return
        for i in marks:
            self._unmarked.pop(i, None)
        self._storage_ok()
