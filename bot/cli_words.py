"""The language of the command lines (`python -m bot ...`), known before they parse."""

from __future__ import annotations

from pathlib import Path

from bot.config import SettingsError, load_settings
from bot.i18n import DEFAULT as DEFAULT_LANGUAGE
from bot.i18n import Messages


def cli_language(env_file: str | None = ".env") -> Messages:
    """The words of the command line: LANGUAGE from the settings, the default (Korean) when
    they cannot be read (the settings error itself is reported by whoever needs them)."""
    path = env_file if env_file is not None and Path(env_file).exists() else None
    try:
        return Messages(load_settings(env_file=path).language)
    except SettingsError:
        return Messages(DEFAULT_LANGUAGE)
