"""The Telegram layer's view onto the one message catalog (bot/i18n): same texts, same keys.

Kept so the transport, sender, renderer and reports keep their `i18n.text` / `i18n.header`
calls; every table lives in bot/i18n/en.py and bot/i18n/ko.py.
"""

from __future__ import annotations

from bot.i18n import header as _header
from bot.i18n import tr
from core.notifications import NotificationKind


def text(language: str, key: str, **values: object) -> str:
    """The text `key` in `language` (ko when unknown), formatted with `values`."""
    return tr(language, key, **values)


def header(language: str, kind: NotificationKind) -> str:
    """The bold first line of a notification; empty when the text has its own title."""
    return _header(language, kind)
