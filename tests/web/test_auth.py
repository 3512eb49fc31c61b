"""The web token and the gate: generated once and stored hashed, sessions, the control limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.web.auth import TOKEN_KEY, Gate, RateLimit, digest, token_hash
from core.storage import Database
from core.storage.kv import KeyValueStore


def test_off_by_default_and_on_loopback() -> None:
    web = load_settings(env_file=None).web
    assert web.web_enabled is False
    assert web.web_host == "127.0.0.1" and web.web_port == 8080
    assert web.web_token is None


def test_the_web_token_is_a_secret_for_the_log_redaction() -> None:
    settings = load_settings(env_file=None, web_token="s3cret-web-token")
    assert "s3cret-web-token" in settings.secrets()
    assert settings.redacted()["WEB_TOKEN"] == "***set***"


@pytest.mark.asyncio
async def test_generated_once_printed_once_stored_hashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await Database.connect(tmp_path / "db.sqlite3")
    try:
        kv = KeyValueStore(db)
        first = await token_hash(kv, None)
        printed = capsys.readouterr().out
        token = printed.split(": ", 1)[1].strip()
        assert len(token) >= 40
        assert first == digest(token) == await kv.get(TOKEN_KEY)
        assert token not in (await kv.get(TOKEN_KEY) or "")
        # Next start: the stored hash, nothing printed, the same token still works.
        assert await token_hash(kv, None) == first
        assert capsys.readouterr().out == ""
        # WEB_TOKEN set wins over the stored one.
        assert await token_hash(kv, "configured") == digest("configured")
    finally:
        await db.close()


def test_gate_bearer_and_sessions() -> None:
    gate = Gate(digest("tok"))
    assert gate.check("Bearer tok", None)
    assert not gate.check("Bearer tok2", None)
    assert not gate.check("Basic tok", None)
    assert not gate.check(None, None)
    assert gate.login("nope") is None
    sid = gate.login("tok")
    assert sid is not None and gate.check(None, sid)
    assert not gate.check(None, sid + "x")
    gate.logout(sid)
    assert not gate.check(None, sid)


def test_control_rate_limit() -> None:
    limit = RateLimit(3)
    assert [limit.allow() for _ in range(5)] == [True, True, True, False, False]
