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
