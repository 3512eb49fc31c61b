"""Bots-file and strategy-file problems as catalog texts (`bots.problem.*`), so the start-up
error and /doctor word them in the reader's language like the rest of their frame.

A validator refuses with `Problem(Text)` (a `ValueError`, so pydantic reports it as usual and
keeps the exception in the error's context); pydantic's own errors (a missing field, a number
out of range, a value not among the choices) map to catalog keys by their error type, with
their limits as parameters. A type not mapped keeps pydantic's English as a detail.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.text import Text

P = "bots.problem."


class Problem(ValueError):
    """A validation refusal worded by the catalog."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.key)
        self.text = text


def problem(which: str, **params: Any) -> Problem:
    """`raise problem("order", order="a < b")`: a `Problem` of `bots.problem.<which>`."""
    return Problem(Text.of(P + which, **params))


# pydantic error type -> catalog key; the error's context (gt, ge, expected, ...) are its params
_TYPES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
    "int_parsing": "not_int",
    "int_type": "not_int",
    "int_from_float": "not_int",
    "float_parsing": "not_number",
    "float_type": "not_number",
    "bool_parsing": "not_bool",
    "bool_type": "not_bool",
    "string_type": "not_text",
    "enum": "one_of",
    "literal_error": "one_of",
    "dict_type": "not_table",
    "model_type": "not_table",
    "list_type": "not_list",
    "tuple_type": "not_list",
}


def _one(err: Any) -> Text:
    ctx = err.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, Problem):
        return inner.text
    key = _TYPES.get(err["type"])
    if key is None:
        return Text.of(P + "other", detail=str(err["msg"]).removeprefix("Value error, "))
    # "'usdt' or 'fx'": the choices, without pydantic's English "or"
    params = {k: str(v).replace(" or ", ", ") for k, v in ctx.items()}
    return Text.of(P + key, **params)


def from_pydantic(exc: ValidationError, parameter: bool = False) -> list[Text]:
    """One text per pydantic error, with the field it is about (`parameter`: a strategy's
    `params` table, worded "parameter x" / "parameters")."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        what = _one(err)
        kinds = ("param", "params") if parameter else ("field", "entry")
        out.append(Text.of(P + kinds[0 if loc else 1], field=loc, problem=what))
    return out


def in_bot(name: str, text: Text) -> Text:
    return Text.of(P + "in_bot", bot=name, problem=text)
