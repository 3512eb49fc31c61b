"""Who may talk to the bot, decided in one place, and the two-instances (409) watch.

Only `TELEGRAM_CHAT_ID` may command or read anything; when that chat is a group, only the
members listed in `TELEGRAM_ALLOWED_USERS` may. Everyone else gets no answer at all. Attempts are
logged (a few per intruder per window, the rest counted) and the owner is told once per window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger
from telegram.error import Conflict, TelegramError

from core.clock import Clock, SystemClock

GROUP_TYPES = frozenset({"group", "supergroup"})


@dataclass(slots=True)
class _Attempts:
    window_start: float
    count: int = 0
    reported: bool = False


class AccessGate:
    def __init__(
        self,
        chat_id: int | None,
        allowed_users: list[int] | None = None,
        *,
        clock: Clock | None = None,
        on_intruder: Callable[[int | None, int | None, int], None] | None = None,
        window: float = 600.0,
        log_per_window: int = 3,
    ) -> None:
        self._chat_id = chat_id
        self._allowed = frozenset(allowed_users or ())
        self._clock = clock or SystemClock()
        self._on_intruder = on_intruder
        self._window = window
        self._log_per_window = log_per_window
        self._attempts: dict[int | None, _Attempts] = {}
        self.denied = 0

    def is_allowed(self, chat_id: int | None, user_id: int | None, chat_type: str | None) -> bool:
        """The one access rule. No chat id configured means nobody is allowed."""
        if self._chat_id is None or chat_id != self._chat_id or user_id is None:
            return False
        if chat_type in GROUP_TYPES:
            return user_id in self._allowed
        if chat_type == "private":
            return user_id == chat_id or user_id in self._allowed
        return False  # channels and anything new: no commands

    def check(self, chat_id: int | None, user_id: int | None, chat_type: str | None) -> bool:
        """`is_allowed`, recording (rate-limited) every refusal."""
        if self.is_allowed(chat_id, user_id, chat_type):
            return True
        self._refuse(chat_id, user_id, chat_type)
        return False

    def _refuse(self, chat_id: int | None, user_id: int | None, chat_type: str | None) -> None:
        self.denied += 1
        now = self._clock.monotonic()
        key = user_id if user_id is not None else chat_id  # one intruder, many chats
        seen = self._attempts.get(key)
        if seen is None or now - seen.window_start >= self._window:
            seen = self._attempts[key] = _Attempts(window_start=now)
            if len(self._attempts) > 1000:  # an abuser with many accounts cannot grow this forever
                oldest = min(self._attempts, key=lambda k: self._attempts[k].window_start)
                del self._attempts[oldest]
        seen.count += 1
        if seen.count <= self._log_per_window:
            hint = ""
            if chat_id == self._chat_id and chat_type in GROUP_TYPES:
                hint = " (a member of the configured group: add the id to TELEGRAM_ALLOWED_USERS)"
            logger.warning(
                "refused Telegram update from chat {} ({}), user {}{}",
                chat_id,
                chat_type,
                user_id,
                hint,
            )
        if not seen.reported and self._on_intruder is not None:
            seen.reported = True
            try:
                self._on_intruder(chat_id, user_id, seen.count)
            except Exception:
                logger.exception("could not report an unauthorised access attempt")


class ConflictWatch:
    """Turns 409 Conflict from getUpdates (another poller on our token) into one notification
    per `cooldown`, and counts other polling errors."""

    def __init__(
        self,
        report: Callable[[], None],
        *,
        clock: Clock | None = None,
        cooldown: float = 600.0,
    ) -> None:
        self._report = report
        self._clock = clock or SystemClock()
        self._cooldown = cooldown
        self._last: float | None = None
        self.conflicts = 0
        self.errors = 0

    def __call__(self, exc: TelegramError) -> None:
        """PTB's polling `error_callback`: sync and must never raise."""
        try:
            if not isinstance(exc, Conflict):
                self.errors += 1
                logger.warning("Telegram polling error: {}: {}", type(exc).__name__, exc)
                return
            self.conflicts += 1
            now = self._clock.monotonic()
            if self._last is not None and now - self._last < self._cooldown:
                return
            self._last = now
            logger.error("409 Conflict: another instance is polling this bot token ({})", exc)
            self._report()
        except Exception:
            logger.exception("conflict watch failed")
