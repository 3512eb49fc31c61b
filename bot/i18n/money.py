"""Money in the reader's language: the one place a currency gets its word.

Korean writes won as `1,234,567원` (and, for large totals where it helps, `1억 2,345만원`),
English as `1,234,567 KRW`; any other currency is `12.34 USDT` in both. Digits come from
`core.numbers`, so every view rounds the same way.
"""

from __future__ import annotations

from decimal import Decimal

from core import numbers
from core.numbers import Money, Number, Price

_EOK = Decimal(100_000_000)
_MAN = Decimal(10_000)


def money(language: str, value: Number, currency: str, short: bool = False) -> str:
    """`value` of `currency` with its unit: 1,234,567원 (ko) / 1,234,567 KRW (en).
    `short`: Korean won past 1억 in 억/만 units (`3억 4,500만원`), for headline totals."""
    cur = currency.upper()
    if language == "ko" and cur == "KRW":
        d = numbers.to_decimal(value)
        if short and d.is_finite() and abs(d) >= _EOK:
            return f"{man_eok(d)}원"
        return f"{numbers.amount(value, cur)}원"
    return f"{numbers.amount(value, cur)} {cur}"


def man_eok(value: Decimal) -> str:
    """Won in 억 and 만 (the rest below 만 dropped): 345,678,901 -> 3억 4,567만."""
    sign = "-" if value < 0 else ""
    units = int(abs(value).quantize(Decimal(1)) // _MAN)  # whole 만
    eok, man = divmod(units, 10_000)
    parts = [f"{eok:,}억"] if eok else []
    if man:
        parts.append(f"{man:,}만")
    return sign + (" ".join(parts) or "0")


def signed_money(language: str, value: Number, currency: str) -> str:
    """A gain or loss with its sign and unit: +1,234원 / -238 KRW / +5.00 USDT."""
    text = money(language, value, currency)
    # the sign as core.numbers decides it: no "+" on a gain that rounds to 0
    return f"+{text}" if numbers.signed(value, currency).startswith("+") else text


def pnl(language: str, value: Number, currency: str, pct: Number | None = None) -> str:
    """PnL with sign, unit and, when known, the percentage: +1,234원 (+1.23%)."""
    text = signed_money(language, value, currency)
    return text if pct is None else f"{text} ({numbers.percent(pct)}%)"


def price(language: str, value: Number, currency: str, tick: Decimal | None = None) -> str:
    """A price with its unit: 100,950,000원 (ko, KRW) / 100,950,000 KRW / 64,123.1 USDT."""
    digits = numbers.price(value, tick)
    cur = currency.upper()
    return f"{digits}원" if language == "ko" and cur == "KRW" else f"{digits} {cur}"


def word_money(language: str, m: Money | Price) -> str:
    """A `Money` or `Price` carried in a `Text`, worded for `language`."""
    if isinstance(m, Price):
        return price(language, m.value, m.currency, m.tick)
    if m.signed:
        return signed_money(language, m.value, m.currency)
    return money(language, m.value, m.currency)
