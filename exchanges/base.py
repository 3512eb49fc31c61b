"""Shared pieces of the exchange boundary: bad-input accounting and the trade gate.

Bad input (malformed or truncated frames, unknown messages, error objects, duplicate or
out-of-order trades) is counted per kind and logged at most once per kind per interval, so a
flood of garbage can neither crash a connection nor drown the log.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from loguru import logger

from bot.domain.market import Candle, MarkPrice, Quote, StreamStatus, Ticker, Trade

MarketEvent = Trade | Quote | Ticker | Candle | MarkPrice | StreamStatus


class ParseError(ValueError):
    """A frame that cannot be turned into domain events; `kind` says which counter to bump."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ReconnectRequested(Exception):
    """The venue asked us to reconnect (e.g. Binance `serverShutdown`)."""


@dataclass(slots=True)
class BadInput:
    """Counts bad input by kind; logs the first occurrence and then one summary per interval."""

    name: str
    log_interval: float = 10.0
    now: Callable[[], float] = time.monotonic
    counts: dict[str, int] = field(default_factory=dict)
    _last_log: dict[str, float] = field(default_factory=dict)
    _unlogged: dict[str, int] = field(default_factory=dict)

    def record(self, kind: str, detail: str = "") -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        now = self.now()
        last = self._last_log.get(kind)
        if last is not None and now - last < self.log_interval:
            self._unlogged[kind] = self._unlogged.get(kind, 0) + 1
            return
        skipped = self._unlogged.pop(kind, 0)
        self._last_log[kind] = now
        more = f" (+{skipped} more since the last report)" if skipped else ""
        logger.warning("{}: bad input {} {}{}", self.name, kind, detail[:200], more)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Verdict(IntEnum):
    ACCEPT = 0
    DUPLICATE = 1
    OUT_OF_ORDER = 2
    GAP = 3  # accepted, but trades were missed before it (ids are contiguous on this feed)


class TradeGate:
    """Drops duplicate and out-of-order trades per market before they reach anyone.

    `contiguous=True` (Binance trade/aggTrade ids count up by one per symbol): anything at or
    below the last id is dropped and a jump is reported as GAP so candles get backfilled.
    `contiguous=False` (Upbit `sequential_id`, unique but not ordered): ids seen recently are
    duplicates and a trade older than the newest accepted one is out of order.
    """

    __slots__ = ("_contiguous", "_last", "_recent", "_window")

    def __init__(self, contiguous: bool, window: int = 512) -> None:
        self._contiguous = contiguous
        self._window = window
        self._last: dict[Any, tuple[int, int]] = {}  # key -> (last id, last ts)
        self._recent: dict[Any, tuple[set[int], deque[int]]] = {}

    def check(self, key: Any, trade_id: int, ts: int) -> Verdict:
        last = self._last.get(key)
        if self._contiguous:
            if last is None:
                self._last[key] = (trade_id, ts)
                return Verdict.ACCEPT
            last_id = last[0]
            if trade_id <= last_id:
                return Verdict.DUPLICATE if trade_id == last_id else Verdict.OUT_OF_ORDER
            self._last[key] = (trade_id, ts)
            return Verdict.GAP if trade_id > last_id + 1 else Verdict.ACCEPT
        recent = self._recent.get(key)
        if recent is None:
            recent = self._recent[key] = (set(), deque())
        seen, order = recent
        if trade_id in seen:
            return Verdict.DUPLICATE
        if last is not None and ts < last[1]:
            return Verdict.OUT_OF_ORDER
        seen.add(trade_id)
        order.append(trade_id)
        if len(order) > self._window:
            seen.discard(order.popleft())
        self._last[key] = (trade_id, ts)
        return Verdict.ACCEPT

    def last_ts(self, key: Any) -> int | None:
        last = self._last.get(key)
        return None if last is None else last[1]
