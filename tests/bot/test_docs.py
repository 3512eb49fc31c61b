"""Every setting is documented in .env.example and the README; the example file itself loads."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        env = name.upper()
        assert f"\n{env}=" in example, f"{env} missing from .env.example"
        assert f"`{env}`" in readme, f"{env} missing from the README settings table"


def test_env_example_is_valid() -> None:
    settings = load_settings(env_file=ROOT / ".env.example")
    assert settings.trading_mode.value == "paper"


def test_env_example_has_no_unknown_keys() -> None:
    from bot.settings_check import unknown_settings

    assert unknown_settings(Settings.model_fields, ROOT / ".env.example", {}) == []


def test_docs_match_the_access_rule_for_an_empty_allowed_users_list() -> None:
    """Regression (issue 12): the docs said an empty TELEGRAM_ALLOWED_USERS admits any member of
    the group, while the access gate (as its docstring says) admits none of them."""
    from bot.telegram.access import AccessGate

    gate = AccessGate(chat_id=-100, allowed_users=[])
    assert not gate.is_allowed(-100, 42, "supergroup")
    assert gate.is_allowed(7, 7, "private") is False  # not the configured chat
    assert AccessGate(chat_id=7, allowed_users=[]).is_allowed(7, 7, "private")
    for doc in ((ROOT / "README.md").read_text(), (ROOT / ".env.example").read_text()):
        assert "any member" not in doc
        assert "empty: no member can" in doc


def test_every_notification_kind_is_documented() -> None:
    from core.notifications import NotificationKind

    readme = (ROOT / "README.md").read_text()
    example = " ".join((ROOT / ".env.example").read_text().replace("#", " ").split())
    for kind in NotificationKind:
        assert f" {kind.value}," in readme or f" {kind.value} |" in readme, kind
        assert f" {kind.value}," in example or f" {kind.value} NOTIFY_LEVELS=" in example, kind
