"""The web token: generated once if unset, stored only as a hash; sessions; control rate limit.

Checked in one place (`Gate.check`), for the API (Authorization: Bearer <token>) and the page
(an HttpOnly session cookie from logging in with the token).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from loguru import logger

from core.storage.kv import KeyValueStore

TOKEN_KEY = "web.token_sha256"
SESSION_COOKIE = "kimp_session"
SESSION_TTL = 12 * 3600.0  # s a page login stays valid


def digest(token: str) -> str:
    # The token is 32 random bytes, so a plain SHA-256 is enough (no dictionary to resist).
    return hashlib.sha256(token.encode()).hexdigest()


async def token_hash(kv: KeyValueStore, configured: str | None) -> str:
    """The hash to check requests against. WEB_TOKEN wins; else the stored hash; else a new token
    is generated, printed once (never logged: the log may be shipped elsewhere) and its hash
    stored."""
    if configured:
        return digest(configured)
    stored = await kv.get(TOKEN_KEY)
    if stored:
        return stored
    token = secrets.token_urlsafe(32)
    await kv.set(TOKEN_KEY, digest(token))
    print(f"\nWeb dashboard token (shown once, keep it safe): {token}\n", flush=True)
    logger.warning("WEB_TOKEN unset: generated a web token and printed it once on the console")
    return digest(token)


@dataclass(slots=True)
class Gate:
    """Who may call: a request with the token, or with a live session cookie."""

    hashed: str
    sessions: dict[str, float] = field(default_factory=dict)  # session id -> expiry (monotonic)

    def token_ok(self, token: str) -> bool:
        return hmac.compare_digest(digest(token), self.hashed)

    def login(self, token: str) -> str | None:
        if not self.token_ok(token):
            return None
        now = time.monotonic()
        self.sessions = {s: t for s, t in self.sessions.items() if t > now}
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = now + SESSION_TTL
        return sid

    def logout(self, sid: str | None) -> None:
        if sid is not None:
            self.sessions.pop(sid, None)

    def check(self, authorization: str | None, sid: str | None) -> bool:
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            return scheme.lower() == "bearer" and self.token_ok(token.strip())
        if sid is not None:
            expiry = self.sessions.get(sid)
            return expiry is not None and expiry > time.monotonic()
        return False


@dataclass(slots=True)
class RateLimit:
    """At most `per_minute` control requests in any 60 s (a sliding window)."""

    per_minute: int
    window: float = 60.0
    _times: deque[float] = field(default_factory=deque)

    def allow(self) -> bool:
        now = time.monotonic()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= self.per_minute:
            return False
        self._times.append(now)
        return True
