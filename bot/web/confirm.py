"""The explicit confirm step of a control request: ask, then confirm within a minute, once."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

CONFIRM_TTL = 60.0  # s a pending control request waits for its confirmation


@dataclass(frozen=True, slots=True)
class Pending:
    action: str  # start | stop | pause | resume
    bot: str
    expires: float  # monotonic


@dataclass(slots=True)
class Confirmations:
    _pending: dict[str, Pending] = field(default_factory=dict)

    def ask(self, action: str, bot: str) -> str:
        now = time.monotonic()
        self._pending = {k: p for k, p in self._pending.items() if p.expires > now}
        key = secrets.token_urlsafe(16)
        self._pending[key] = Pending(action, bot, now + CONFIRM_TTL)
        return key

    def take(self, key: str) -> Pending | None:
        """The pending request, removed (a confirmation works once), None if unknown/expired."""
        pending = self._pending.pop(key, None)
        if pending is None or pending.expires <= time.monotonic():
            return None
        return pending
