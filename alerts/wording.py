"""What the kimp service needs from whoever words its alerts (the app, bot/notify/kimp_alerts.py).

The engines hand over typed events; the wording side groups one round of them into messages
(digests, grouped suspensions) in its language and renders the odd reason for /status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from alerts.config import AlertConfig
from alerts.events import AlertEvent
from core.notifications import Actions
from core.text import Text


@dataclass(frozen=True, slots=True)
class AlertMessage:
    text: str
    events: tuple[AlertEvent, ...]
    dedup_key: str
    buttons: Actions = ()  # inline buttons under the message (mute, chart)


class AlertWording(Protocol):
    def compose(
        self, events: list[AlertEvent], now: float, digest_until: float, config: AlertConfig
    ) -> tuple[list[AlertMessage], float]:
        """Group one round of events into messages; returns (messages, new digest_until)."""
        ...

    def text(self, text: str | Text) -> str:
        """A reason or label worded (a plain string passes through)."""
        ...
