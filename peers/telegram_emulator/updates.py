"""The update queue behind getUpdates: offsets confirm, long polls wait, a newer poll wins."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from peers.telegram_emulator.models import CONFLICT_OTHER_POLLER, ApiError

# What Telegram delivers when allowed_updates is empty or never set.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_POLL_TIMEOUT = 50.0


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Updates waiting for the bot, in update_id order.

    As on Telegram, fetching does not remove anything: an update is dropped only when a later
    getUpdates passes an `offset` above its id. A getUpdates that arrives while another one is
    still waiting ends the older one with 409 Conflict (two pollers on one token).
    """

    def __init__(self, first_update_id: int = 1000) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self._allowed: frozenset[str] | None = None
        self._changed = asyncio.Event()
        self._generation = 0
        self._closed = False
        self.waiting = 0  # long polls currently waiting for an update
        self.delivered: set[int] = set()  # update_ids handed out at least once

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (body without update_id) and wake a waiting poll."""
        update = {"update_id": self._next_id, **body}
        self._next_id += 1
        self._pending.append(update)
        self._wake()
        return update

    def drop_all(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        """End every waiting poll with an empty answer (server shutdown)."""
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable(self) -> list[dict[str, Any]]:
        """Drop queued updates of types the bot did not ask for, as Telegram never sends them."""
        kept = []
        for update in self._pending:
            kind = update_type(update)
            allowed = (
                kind not in EXCLUDED_BY_DEFAULT if self._allowed is None else kind in self._allowed
            )
            if allowed:
                kept.append(update)
        self._pending = kept
        return kept

    async def get(
        self, offset: int, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then answer at once or wait up to `timeout`."""
        self._generation += 1
        me = self._generation
        self._wake()  # an older poll still waiting now ends with 409
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else None
        self._confirm(offset)
        limit = min(max(limit, 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(timeout, 0.0), MAX_POLL_TIMEOUT)
        while True:
            if me != self._generation:
                raise ApiError(409, CONFLICT_OTHER_POLLER)
            ready = self._deliverable()[:limit]
            remaining = deadline - loop.time()
            if ready or self._closed or remaining <= 0:
                self.delivered.update(u["update_id"] for u in ready)
                return ready
            changed = self._changed
            self.waiting += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
            finally:
                self.waiting -= 1
