"""The one message catalog: every text the service sends the trader, in Korean and English.

Components receive the language (`settings.language`, `LANGUAGE`, default ko) and look texts up
with `tr(language, key, **params)`, or bind it once with `Messages(language)`. Numbers are made
digits by `core.numbers` (one rounding for every view) and money gets its unit here
(`bot/i18n/money.py`: 1,234,567원 / 1,234,567 KRW; a `core.numbers.Money` parameter is worded
so); the tables hold the words around them (bot/i18n/en.py, ko.py, same keys and placeholders).
"""

from __future__ import annotations

from enum import Enum

from bot.i18n import en, ko
from bot.i18n import money as _money
from bot.i18n.money import word_money
from core.market import StreamState, StreamStatus
from core.notifications import NotificationKind
from core.numbers import Money, Number, Price
from core.symbols import Venue
from core.text import Lines, Text

DEFAULT = "ko"
TABLES: dict[str, dict[str, str]] = {"ko": ko.TEXTS, "en": en.TEXTS}
_HEADERS: dict[str, dict[str, str]] = {"ko": ko.HEADERS, "en": en.HEADERS}


def lang(language: str) -> str:
    """A supported language code: `language` itself, or the default (ko) when unknown."""
    return language if language in TABLES else DEFAULT


def tr(language: str, key: str, **params: object) -> str:
    """The text `key` in `language` (English when a table lacks it), formatted with `params`."""
    template = TABLES[lang(language)].get(key) or en.TEXTS[key]
    return template.format(**params) if params else template


def render(language: str, text: str | Text) -> str:
    """A `Text` from an engine worded in `language`; a plain string is returned as it is."""
    if isinstance(text, str):
        return text
    return tr(language, text.key, **{k: _value(language, v) for k, v in text.params.items()})


def _value(language: str, value: object) -> object:
    if isinstance(value, Text):
        return render(language, value)
    if isinstance(value, Enum):
        return word(language, value)
    if isinstance(value, Money | Price):
        return word_money(language, value)
    if isinstance(value, Lines):  # several texts, one per line
        return "\n".join(str(_value(language, v)) for v in value)
    if isinstance(value, list | tuple):  # several texts in one place: a list, comma-separated
        return ", ".join(str(_value(language, v)) for v in value)
    return value


def header(language: str, kind: NotificationKind) -> str:
    """The bold first line of a notification; empty when the text has its own title."""
    return _HEADERS[lang(language)].get(kind.value, kind.value)


def word(language: str, value: Enum) -> str:
    """An enum value as a word: a side (매수/buy), an order type or status, a venue's name.

    English keeps the value as the code has always written it (`buy`, `limit`, `open`), so only
    Korean texts change."""
    key = f"{type(value).__name__.lower()}.{value.value}"
    if key in TABLES[lang(language)]:
        return tr(language, key)
    if isinstance(value, Venue):
        return value.label
    return str(value.value)


def stream_status(language: str, st: StreamStatus) -> str:
    """A venue's market data going down / degraded / recovered, as one notification line."""
    icon = {StreamState.DOWN: "🔴", StreamState.DEGRADED: "🟠", StreamState.RECOVERED: "🟢"}
    return tr(
        language,
        "stream.status",
        icon=icon.get(st.state, ""),
        venue=word(language, st.venue),
        state=tr(language, f"stream.{st.state.value}"),
        reason=render(language, st.reason),
    )


class Messages:
    """`tr` bound to one language: `t = Messages(settings.language); t("shutdown")`."""

    __slots__ = ("language",)

    def __init__(self, language: str) -> None:
        self.language = lang(language)

    def __call__(self, key: str, **params: object) -> str:
        return tr(self.language, key, **params)

    def word(self, value: Enum) -> str:
        return word(self.language, value)

    def render(self, text: str | Text) -> str:
        return render(self.language, text)

    def money(self, value: Number | None, currency: str, short: bool = False) -> str:
        """An amount with its unit (1,234,567원 / 1,234,567 KRW); `?` when unknown."""
        return "?" if value is None else _money.money(self.language, value, currency, short)

    def price(self, value: Number | None, currency: str) -> str:
        """A price with its unit (100,950,000원 / 64,123.1 USDT); `?` when unknown."""
        return "?" if value is None else _money.price(self.language, value, currency)

    def pnl(self, value: Number | None, currency: str, pct: Number | None = None) -> str:
        """A gain or loss with sign, unit and percentage (+1,234원 (+1.23%)); `?` when unknown."""
        return "?" if value is None else _money.pnl(self.language, value, currency, pct)
