"""Scripted faults and Telegram-like flood limits (both off until a test asks for them)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from peers.telegram_emulator.models import Fault, retry_after_error

# Methods that count against Telegram's flood limits.
FLOOD_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)


class FaultBook:
    """Pending faults, first match wins; a fault with a count is used up, `count=None` stays."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.count is not None and fault.count < 1:
            raise ValueError("count must be at least 1 (or None for a lasting fault)")
        self._faults.append(fault)

    def clear(self, method: str | None = None) -> None:
        if method is None:
            self._faults.clear()
        else:
            self._faults = [f for f in self._faults if f.method.lower() != method.lower()]

    @property
    def active(self) -> list[Fault]:
        return list(self._faults)

    def take(self, method: str) -> Fault | None:
        for index, fault in enumerate(self._faults):
            if not fault.matches(method):
                continue
            if fault.count is None:
                return fault
            if fault.count <= 1:
                del self._faults[index]
            else:
                self._faults[index] = replace(fault, count=fault.count - 1)
            return fault
        return None


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Telegram's published soft limits: ~1 msg/s per chat (short bursts tolerated), 20 msg/min
    per group, ~30 msg/s overall."""

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    global_per_second: float = 30.0
    global_burst: int = 30


@dataclass(slots=True)
class _Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class FloodLimiter:
    """Token buckets per chat, per group and global; a request over any of them gets 429."""

    def __init__(
        self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or FloodLimits()
        self.enabled = False
        self.rejected = 0
        self._clock = clock
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None

    def _bucket(self, table: dict[int, _Bucket], key: int, rate: float, cap: float) -> _Bucket:
        if key not in table:
            table[key] = _Bucket(rate, cap, cap, self._clock())
        return table[key]

    def check(self, method: str, chat_id: int | None) -> None:
        """Consume one message for `chat_id` or raise the 429 Telegram would answer."""
        if not self.enabled or chat_id is None or method.lower() not in FLOOD_METHODS:
            return
        now = self._clock()
        lim = self.limits
        if self._global is None:
            self._global = _Bucket(lim.global_per_second, lim.global_burst, lim.global_burst, now)
        buckets = [
            self._global,
            self._bucket(self._chats, chat_id, lim.per_chat_per_second, lim.per_chat_burst),
        ]
        if chat_id < 0:
            rate = lim.per_group_per_minute / 60.0
            buckets.append(self._bucket(self._groups, chat_id, rate, lim.per_group_per_minute))
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            self.rejected += 1
            raise retry_after_error(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1.0
