"""The alert engine's typed output: zones, event kinds, the readings it is fed and the events it
emits. The app words events (bot/notify/kimp_alerts.py); the engine and its store only keep
data. Its own module so the engine (state_machine) and its store (alert_state) share the types
without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alerts.wallet import WalletNote
from core.text import Text


class Zone(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    LOW = "low"


class EventKind(StrEnum):
    ENTER = "enter"  # crossed the high (zone=high) or low (zone=low) threshold
    ESCALATE = "escalate"
    NORMAL = "normal"  # back to normal
    JUMP = "jump"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    IMPLAUSIBLE = "implausible"  # flagged, recorded, never sent as an alert


@dataclass(frozen=True, slots=True)
class Reading:
    key: str  # "coin:BTC" or "tether"
    label: str | Text  # "BTC", or the tether premium's `Text`
    value: float | None  # percent
    suspended: str | Text | None = None  # why this key cannot be evaluated now
    market_wide: bool = False  # BTC and tether: always a message of their own
    basis: str | Text = ""  # which premium `value` is ("USDT kimp", "FX kimp"), shown in messages
    note: WalletNote | None = None  # shown with this key's alerts (the wallet gate's mark)


@dataclass(frozen=True, slots=True)
class AlertEvent:
    key: str
    label: str | Text
    kind: EventKind
    value: float | None
    zone: Zone
    level: int  # escalation level: 0 = the first alert, 1 = one step further, ...
    episode: int  # increases each time the key enters an alert zone
    ts: float
    market_wide: bool = False
    detail: str | Text = ""  # reason (suspension) or move (jump)
    threshold: float = 0.0  # the level crossed (enter/escalate)
    basis: str | Text = ""  # which premium `value` is
    note: WalletNote | None = None

    @property
    def dedup_key(self) -> str:
        if self.kind in (EventKind.ENTER, EventKind.ESCALATE, EventKind.NORMAL):
            return f"kimp:{self.key}:{self.episode}:{self.kind}:{self.level}"
        return f"kimp:{self.key}:{self.kind}:{self.ts:.0f}"
