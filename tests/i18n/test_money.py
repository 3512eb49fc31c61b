"""bot.i18n.money: won written one way per language, PnL with sign and percentage."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import render
from bot.i18n.money import man_eok, money, pnl
from core.numbers import Money
from core.text import Text


def test_won_in_korean_and_english() -> None:
    assert money("ko", Decimal("1234567.4"), "KRW") == "1,234,567원"
    assert money("en", Decimal("1234567.4"), "KRW") == "1,234,567 KRW"
    assert money("ko", Decimal("12.3"), "USDT") == "12.30 USDT"
    assert money("ko", Decimal("0.5"), "BTC") == "0.5 BTC"


def test_large_won_in_eok_and_man_only_when_asked() -> None:
    assert money("ko", Decimal("345678901"), "KRW", short=True) == "3억 4,567만원"
    assert money("ko", Decimal("100000000"), "KRW", short=True) == "1억원"
    assert money("ko", Decimal("99999999"), "KRW", short=True) == "99,999,999원"
    assert money("en", Decimal("345678901"), "KRW", short=True) == "345,678,901 KRW"
    assert man_eok(Decimal("-1234567890000")) == "-12,345억 6,789만"


def test_pnl_with_sign_and_percentage() -> None:
    assert pnl("ko", Decimal("-238.2"), "KRW", Decimal("-1.18")) == "-238원 (-1.18%)"
    assert pnl("en", Decimal("1500"), "KRW", Decimal("2.5")) == "+1,500 KRW (+2.50%)"
    assert pnl("en", Decimal("3.456"), "USDT") == "+3.46 USDT"


def test_money_inside_a_text_is_worded_by_the_reader() -> None:
    text = Text.of("order.pnl", pnl=Money(Decimal("-110.4"), "KRW", signed=True), pct="", quote="")
    assert "-110" in render("ko", text) and "-110" in render("en", text)
