"""Typed notifications: anything the user should be told about goes through these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.text import Text


class NotificationKind(StrEnum):
    """One per event type; each can be set on, silent or off (NOTIFY_<KIND>)."""

    STARTUP = "startup"
    SHUTDOWN = "shutdown"
    ORDER_PLACED = "order_placed"
    ORDER_FILLED = "order_filled"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_REFUSED = "order_refused"
    KIMP_ALERT = "kimp_alert"
    STREAM = "stream"
    COMPONENT = "component"
    RISK = "risk"
    RECONCILE = "reconcile"  # our records against the venue: differences found and fixed
    REPORT = "report"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Action:
    """An inline button under a notification: pressing it runs `command` (a command line, at
    most 64 bytes: Telegram's callback-data limit) as if the user had typed it."""

    label: str | Text
    command: str


Actions = tuple[tuple[Action, ...], ...]  # rows of buttons


@dataclass(frozen=True, slots=True)
class Notification:
    kind: NotificationKind
    # Plain text, or a `Text` the notifier words in the configured language; transports
    # escape/format it.
    text: str | Text
    dedup_key: str | None = None  # same key is delivered at most once
    photo_path: str | None = None
    buttons: Actions = ()  # kept with the queued message, so a restart sends them too
