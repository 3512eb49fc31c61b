"""`Text`: something to tell the user, not yet worded.

Engines (the executor, risk, validation, the kimp monitor and alerts) describe what happened as a
catalog key and its data; the app renders it in the configured language (bot/i18n `render`).
So no feature imports the catalog, and no translated string is ever kept as engine state: the
same `Text` reads in Korean or English depending on who renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


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
