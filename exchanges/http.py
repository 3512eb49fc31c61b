"""A small JSON-over-HTTP helper for the public REST endpoints market data needs.

Requests are spaced to a safe rate per venue and every failure becomes a `RestError` that says
whether trying again later can help (network, 5xx, 429/418) or not (4xx).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson

from core.clock import Clock, SystemClock


class RestError(Exception):
    def __init__(self, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class RestClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        min_interval: float,
        timeout: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock or SystemClock()
        self._lock = asyncio.Lock()
        self._next = 0.0
        self.requests = 0
        self.errors = 0

    async def get(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        async with self._lock:
            wait = self._next - self._clock.monotonic()
            if wait > 0:
                await self._clock.sleep(wait)
            self._next = self._clock.monotonic() + self.min_interval
        self.requests += 1
        url = self.base_url + path
        try:
            async with self._session.get(url, params=params, timeout=self._timeout) as resp:
                body = await resp.read()
                status = resp.status
                retry_after = resp.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self.errors += 1
            raise RestError(f"GET {path}: {type(exc).__name__}: {exc}", retryable=True) from None
        if status != 200:
            self.errors += 1
            text = body[:200].decode("utf-8", "replace")
            retryable = status >= 500 or status in (408, 418, 429)
            after = float(retry_after) if retry_after and retry_after.isdigit() else None
            raise RestError(f"GET {path}: HTTP {status} {text}", retryable, after)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            self.errors += 1
            raise RestError(f"GET {path}: the answer is not JSON", retryable=True) from None


class FeedError(Exception):
    """A venue's public REST endpoint answered something unusable (the kimp REST quote feed)."""


async def get_json(session: aiohttp.ClientSession, url: str, timeout: float) -> Any:
    """One GET, decoded; a non-200 answer or a body that is not JSON is a `FeedError`."""
    async with asyncio.timeout(timeout), session.get(url) as resp:
        body = await resp.read()
        if resp.status != 200:
            raise FeedError(f"{url.split('?')[0]} answered HTTP {resp.status}")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise FeedError(f"{url.split('?')[0]} did not answer JSON") from None


class SessionHolder:
    """An HTTP session handed in by the caller, or one of our own made on first use.

    `close()` closes only our own (the caller closes theirs); a closed own session is replaced
    on the next request, so a client survives its owner's restart."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._given = session
        self._owned: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._given is not None:
            return self._given
        if self._owned is None or self._owned.closed:
            self._owned = aiohttp.ClientSession()
        return self._owned

    async def fetch(
        self,
        url: str,
        timeout: float,
        error: type[Exception],
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """One GET under `timeout`: the status and the body. A transport failure (connection,
        timeout) is raised as `error` with its text, so callers only judge the answer."""
        try:
            async with asyncio.timeout(timeout), self.get().get(url, headers=headers) as resp:
                return resp.status, await resp.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise error(str(exc) or type(exc).__name__) from exc

    async def close(self) -> None:
        if self._owned is not None:
            await self._owned.close()
            self._owned = None
