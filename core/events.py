"""A small typed event flow from producers (streams, brokers, monitors) to subscribers.

`publish` never blocks: a slow subscriber must not stall a stream. Market-data events are
conflated per key (the latest quote/price per instrument wins and the overwritten ones are
counted as dropped); everything else (candles, status, fills, notifications) is never dropped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from core.market import MarkPrice, Quote, Ticker, Trade

# Events whose latest value is all a late subscriber needs. Keyed by (type, instrument).
CONFLATABLE: tuple[type, ...] = (Quote, Ticker, MarkPrice, Trade)


_CONFLATE: dict[type, bool] = {}  # per concrete type: is it (a subclass of) a CONFLATABLE type


def _conflatable(cls: type) -> bool:
    verdict = _CONFLATE[cls] = issubclass(cls, CONFLATABLE)
    return verdict


@dataclass(slots=True)
class SubscriptionStats:
    delivered: int = 0
    dropped: int = 0  # market data overwritten by a newer value before delivery


@dataclass(eq=False, slots=True)
class Subscription:
    """One subscriber's inbox. `await sub.get()` returns the next event."""

    name: str
    types: tuple[type, ...]
    conflate: bool
    stats: SubscriptionStats = field(default_factory=SubscriptionStats)
    _lossless: deque[Any] = field(default_factory=deque)
    _latest: dict[Hashable, Any] = field(default_factory=dict)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, event: Any) -> None:
        # Hot path (every market event, every subscriber): one type check, two dict operations.
        cls = type(event)
        conflate = self.conflate and _CONFLATE.get(cls)
        if conflate is None:
            conflate = _conflatable(cls)
        if conflate:
            key = (cls, event.instrument)
            latest = self._latest
            # Pop and re-insert so delivery order follows the newest arrival.
            if latest.pop(key, None) is not None:
                self.stats.dropped += 1
            latest[key] = event
        else:
            self._lossless.append(event)
        wakeup = self._wakeup
        if not wakeup.is_set():
            wakeup.set()

    def pending(self) -> int:
        return len(self._lossless) + len(self._latest)

    def get_nowait(self) -> Any | None:
        if self._lossless:
            event = self._lossless.popleft()
        elif self._latest:
            key = next(iter(self._latest))
            event = self._latest.pop(key)
        else:
            return None
        self.stats.delivered += 1
        return event

    async def get(self) -> Any:
        while True:
            event = self.get_nowait()
            if event is not None:
                return event
            self._wakeup.clear()
            await self._wakeup.wait()

    def drain(self) -> list[Any]:
        out = []
        while (event := self.get_nowait()) is not None:
            out.append(event)
        return out


class EventBus:
    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._by_type: dict[type, list[Subscription]] = {}

    def subscribe(self, name: str, *types: type, conflate: bool = True) -> Subscription:
        """Receive events of `types` (and their subclasses). `conflate=False` keeps every event."""
        sub = Subscription(name=name, types=types, conflate=conflate)
        self._subs.append(sub)
        self._by_type.clear()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subs:
            self._subs.remove(sub)
            self._by_type.clear()

    def publish(self, event: Any) -> None:
        cls = type(event)
        targets = self._by_type.get(cls)
        if targets is None:
            targets = [s for s in self._subs if issubclass(cls, s.types)]
            self._by_type[cls] = targets
        for sub in targets:
            sub.offer(event)

    def stats(self) -> dict[str, SubscriptionStats]:
        return {s.name: s.stats for s in self._subs}
