"""`Text`: something to tell the user, not yet worded.

Engines (the executor, risk, validation, the kimp monitor and alerts) describe what happened as a
catalog key and its data; the app renders it in the configured language (bot/i18n `render`).
So no feature imports the catalog, and no translated string is ever kept as engine state: the
same `Text` reads in Korean or English depending on who renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})

# How `str(text)` reads in logs. The foundation cannot import the catalog, so the app installs
# its renderer at start-up (`set_log_words`, English: log lines are for the operator and have
# always been English); until then, and if rendering fails, a compact `key(param=value)` form.
_log_words: Callable[[Text], str] | None = None


def set_log_words(words: Callable[[Text], str] | None) -> None:
    """Install (or remove, with None) how texts read in log lines and other `str()` uses."""
    global _log_words
    _log_words = words


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key (bot/i18n/en.py, ko.py) and the values of its placeholders.

    A value may itself be a `Text` (rendered first) or an enum (rendered as its word, e.g. a
    side or a venue); anything else is formatted as the template says.
    """

    key: str
    params: Mapping[str, Any] = field(default=_EMPTY)

    @classmethod
    def of(cls, key: str, **params: Any) -> Text:
        return cls(key, MappingProxyType(dict(params)) if params else _EMPTY)

    def compact(self) -> str:
        """`key(param=value, ...)`: readable without the catalog."""
        if not self.params:
            return self.key
        inner = ", ".join(
            f"{k}={v.compact() if isinstance(v, Text) else v}" for k, v in self.params.items()
        )
        return f"{self.key}({inner})"

    def __str__(self) -> str:
        if _log_words is not None:
            try:
                return _log_words(self)
            except (KeyError, IndexError, ValueError):  # a key or placeholder the catalog lacks
                pass
        return self.compact()
