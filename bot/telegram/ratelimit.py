"""Telegram flood limits on our side: per-chat and global token buckets plus RetryAfter pauses.

Installed as PTB's rate limiter, so every API call (command answers, edits, notifications)
goes through one place. Telegram asks for about 1 message/s per chat (short bursts tolerated),
20/min per group and 30/s overall; a 429 pauses *all* sends for `retry_after`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from loguru import logger
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from core.clock import Clock, SystemClock

# Endpoints that count against the flood limits (answerCallbackQuery, getMe, ... do not).
LIMITED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's delay in seconds, whether PTB hands out an int or a timedelta."""
    value: Any = exc.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


@dataclass(slots=True)
class Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


@dataclass(frozen=True, slots=True)
class Limits:
    # A hair under Telegram's 1 msg/s: at exactly the same rate, network jitter alone turns
    # every few dozen sends into a 429.
    per_chat_per_second: float = 0.95
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    global_per_second: float = 30.0
    global_burst: int = 30


class Throttle:
    """Token buckets by chat and overall; `pause` holds every send (after a 429)."""

    def __init__(self, limits: Limits | None = None, clock: Clock | None = None) -> None:
        self.limits = limits or Limits()
        self._clock = clock or SystemClock()
        now = self._clock.monotonic()
        lim = self.limits
        self._global = Bucket(lim.global_per_second, lim.global_burst, lim.global_burst, now)
        self._chats: dict[int | str, Bucket] = {}
        self._groups: dict[int | str, Bucket] = {}
        self._paused_until = 0.0
        self.waited = 0.0  # seconds spent waiting for tokens or pauses (for the benchmark)
        self.pauses = 0
        self.closed = False

    def _buckets(self, chat_id: int | str) -> list[Bucket]:
        lim = self.limits
        now = self._clock.monotonic()
        if chat_id not in self._chats:
            self._chats[chat_id] = Bucket(
                lim.per_chat_per_second, lim.per_chat_burst, lim.per_chat_burst, now
            )
        buckets = [self._global, self._chats[chat_id]]
        if isinstance(chat_id, str) or chat_id < 0:  # groups and channels
            if chat_id not in self._groups:
                rate = lim.per_group_per_minute / 60.0
                cap = float(lim.per_group_per_minute)
                self._groups[chat_id] = Bucket(rate, cap, cap, now)
            buckets.append(self._groups[chat_id])
        return buckets

    def delay(self, chat_id: int | str | None) -> float:
        """Seconds until a message to `chat_id` may go (0: now). Does not consume."""
        now = self._clock.monotonic()
        pause = max(0.0, self._paused_until - now)
        if chat_id is None:
            return pause
        buckets = self._buckets(chat_id)
        for bucket in buckets:
            bucket.refill(now)
        return max(pause, *(b.wait() for b in buckets))

    def available(self, chat_id: int | str) -> int:
        """How many messages could go to `chat_id` right now without waiting."""
        if self.delay(None) > 0:
            return 0
        return int(min(b.tokens for b in self._buckets(chat_id)))

    def close(self) -> None:
        """Shutting down: stop waiting, so handlers queued behind the limit finish at once."""
        self.closed = True

    async def acquire(self, chat_id: int | str | None) -> None:
        while not self.closed and (wait := self.delay(chat_id)) > 0:
            self.waited += wait
            await self._clock.sleep(wait)
        if chat_id is not None:
            for bucket in self._buckets(chat_id):
                bucket.tokens -= 1.0

    def pause(self, seconds: float) -> None:
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock.monotonic())


class ThrottledRequests(BaseRateLimiter[int]):
    """PTB rate limiter over `Throttle`. `rate_limit_args` is the number of retries after a 429
    (default `max_retries`; the notifier's sender passes 0 and backs off through the outbox)."""

    def __init__(self, throttle: Throttle, max_retries: int = 2) -> None:
        self.throttle = throttle
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id") if endpoint in LIMITED else None
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            await self.throttle.acquire(_chat_key(chat_id))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_seconds(exc) + 0.1
                self.throttle.pause(delay)
                logger.warning("Telegram flood limit on {}: pausing sends {:.1f}s", endpoint, delay)
                if attempt >= retries or self.throttle.closed:
                    raise
                attempt += 1


def _chat_key(chat_id: Any) -> int | str | None:
    if chat_id is None:
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text
