"""Domain objects to JSON-safe values: the API's one serializer.

Money stays exact (`Decimal` as a plain string, trailing zeros dropped as `core.numbers` drops
them in every other view: 0.00070720 -> "0.0007072", 100.00 -> "100"), enums as their value, instruments as `venue:symbol`,
and a `Text` worded in the reader's language, so the API never invents wording of its own.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum
from typing import Any

from bot.i18n import Messages
from core import numbers
from core.symbols import Instrument, Symbol
from core.text import Text


def shape(value: Any, m: Messages) -> Any:
    """`value` as JSON-ready data; dataclasses become objects of their public fields."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return numbers.plain(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Text):
        return m.render(value)
    if isinstance(value, Instrument):
        return f"{value.venue.value}:{value.symbol}"
    if isinstance(value, Symbol):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: shape(getattr(value, f.name), m)
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, dict):
        return {str(shape(k, m)): shape(v, m) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [shape(v, m) for v in value]
    return str(value)
