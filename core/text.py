"""`Text`: something to tell the user, not yet worded.

Engines (the executor, risk, validation, the kimp monitor and alerts) describe what happened as a
catalog key and its data; the app renders it in the configured language (bot/i18n `render`).
So no feature imports the catalog, and no translated string is ever kept as engine state: the
same `Text` reads in Korean or English depending on who renders it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
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


class Lines(tuple[Any, ...]):
    """A `Text` value of several texts read one per line (a plain tuple or list of them reads
    comma-separated): e.g. the changes a grouped notice lists."""

    __slots__ = ()


# Stored texts (a bot's decision log): a `Text` as JSON, so it is worded when read, in the
# reader's language. A plain string (rows written before, a user strategy's own reason) stays as
# it is. Parameters keep JSON's types; anything else is kept as its `str()`.
_TAG = "$text"
_ENUM = "$enum"


def _enum(name: str) -> type[Enum] | None:
    """A foundation enum by its dotted name (`core.symbols.Venue`), looked up when a stored
    text is read: the enums' modules import this one, so it cannot import them up front."""
    module, _, cls = name.rpartition(".")
    if not module.startswith("core."):  # only the foundation's own types are trusted
        return None
    try:
        found = getattr(importlib.import_module(module), cls, None)
    except ImportError:
        return None
    return found if isinstance(found, type) and issubclass(found, Enum) else None


def dump_text(text: str | Text) -> str:
    """`text` for storage: a plain string unchanged, a `Text` as JSON."""
    if isinstance(text, str):
        return text
    return json.dumps(_encode(text), ensure_ascii=False, separators=(",", ":"))


def load_text(stored: str) -> str | Text:
    """What `dump_text` stored; a string that is not a stored `Text` comes back as it is."""
    if not stored.startswith('{"' + _TAG):
        return stored
    try:
        value = _decode(json.loads(stored))
    except (ValueError, TypeError, KeyError):
        return stored
    return value if isinstance(value, Text) else stored


def _encode(value: Any) -> Any:
    if isinstance(value, Enum):  # worded by the app (a venue's name, 매수): kept as an enum
        kind = type(value)
        return {_ENUM: f"{kind.__module__}.{kind.__qualname__}", "value": value.value}
    if isinstance(value, Text):
        return {_TAG: value.key, "params": {k: _encode(v) for k, v in value.params.items()}}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and _ENUM in value:
        enum = _enum(value[_ENUM])
        return enum(value["value"]) if enum is not None else value["value"]
    if isinstance(value, dict):
        return Text.of(value[_TAG], **{k: _decode(v) for k, v in value["params"].items()})
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
