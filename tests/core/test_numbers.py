"""core.numbers: the one formatter, against the raw figures issue 14 found in the service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import numbers
from core.numbers import Money


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        # issue 14: "@ 141,976,981.5427427484275836611" (a KRW average price, Decimal division)
        (Decimal("141976981.5427427484275836611"), "141,976,982"),
        # issue 14: "9,830.643427166666666666666667"
        (Decimal("9830.643427166666666666666667"), "9,830.6434"),
        # issue 14: "@ 1.41459e+08 KRW" (a float through :g)
        (141459000.0, "141,459,000"),
        (Decimal("0.000012345678912"), "0.00001235"),
        (Decimal("64123.1"), "64,123.1"),
        (Decimal("0"), "0"),
        (float("nan"), numbers.NOT_A_NUMBER),
        (float("inf"), numbers.NOT_A_NUMBER),
    ],
)
def test_price_without_rules_is_short_and_never_scientific(raw: Decimal, shown: str) -> None:
    text = numbers.price(raw)
    assert text == shown
    assert "e" not in text.lower()


def test_price_on_the_markets_tick() -> None:
    assert numbers.price(Decimal("141976981.54"), Decimal("1000")) == "141,976,982"
    assert numbers.price(Decimal("64123.456"), Decimal("0.01")) == "64,123.46"
    assert numbers.price(Decimal("1380.5"), Decimal("0.5")) == "1,380.5"
    assert numbers.price(Decimal("0.12"), Decimal("0.0001")) == "0.1200"


def test_cash_amounts_by_currency() -> None:
    # issue 14: KRW amounts with eight decimals
    assert numbers.amount(Decimal("1234567.12345678"), "KRW") == "1,234,567"
    assert numbers.amount(Decimal("12.345"), "USDT") == "12.34"
    assert numbers.amount(Decimal("12"), "usdt") == "12.00"
    assert numbers.amount(Decimal("0.123456789"), "BTC") == "0.12345679"
    assert numbers.amount(Decimal("1E+30"), "KRW") == "1,000,000,000,000,000,000,000,000,000,000"


def test_quantity_on_the_markets_step() -> None:
    assert numbers.quantity(Decimal("0.00012345"), Decimal("0.00001")) == "0.00012"
    assert numbers.quantity(Decimal("0.10000000"), None) == "0.1"
    assert numbers.quantity(1e-05, None) == "0.00001"
    assert numbers.quantity(Decimal("1234.5"), Decimal("0.1")) == "1,234.5"


def test_a_quantity_ending_in_zero_has_one_spelling_with_or_without_the_step() -> None:
    """Regression: a fill notice (to the step) printed 0.00070720 where /positions (no step)
    printed 0.0007072 for the same quantity."""
    for qty, step in (
        (Decimal("0.00070720"), Decimal("0.00000001")),
        (Decimal("3"), Decimal("0.001")),
        (Decimal("0.5000"), Decimal("0.0001")),
        (Decimal("120.0"), Decimal("0.1")),
        (Decimal("10"), Decimal("1")),
    ):
        assert numbers.quantity(qty, step) == numbers.quantity(qty), (qty, step)
    assert numbers.quantity(Decimal("0.00070720"), Decimal("0.00000001")) == "0.0007072"
    assert numbers.quantity(Decimal("3"), Decimal("0.001")) == "3"


def test_signs_and_percentages() -> None:
    assert numbers.signed(Decimal("-238.4"), "KRW") == "-238"
    assert numbers.signed(Decimal("1234.5"), "KRW") == "+1,234"
    assert numbers.signed(Decimal("0.2"), "KRW") == "0"  # no "+0"
    assert numbers.signed(Decimal("-0.2"), "KRW") == "0"  # no "-0"
    assert numbers.percent(Decimal("1.234")) == "+1.23"
    assert numbers.percent(Decimal("-0.001")) == "0.00"
    assert numbers.percent(Decimal("-5.5"), 1) == "-5.5"
    assert numbers.pnl_pct(Decimal("-110"), Decimal("10000")) == Decimal("-1.1")
    assert numbers.pnl_pct(Decimal("5"), Decimal("0")) is None


def test_money_reads_in_logs() -> None:
    assert str(Money(Decimal("-388.7"), "KRW", signed=True)) == "-389 KRW"
    assert str(Money(Decimal("5"), "USDT")) == "5.00 USDT"


def test_numpy_scalars_from_indicators() -> None:
    np = pytest.importorskip("numpy")
    assert numbers.grouped(np.float64(30.123456), 2) == "30.12"
    assert numbers.grouped(np.float64("nan"), 2) == numbers.NOT_A_NUMBER
    assert numbers.price(np.float32(0.5)) == "0.5"


def test_plain_is_what_a_user_types_back() -> None:
    assert numbers.plain(200000.0) == "200000"  # f"{x:g}" said 200000, and 2e+06 for 2,000,000
    assert numbers.plain(2_000_000.0) == "2000000"
    assert numbers.plain(Decimal("0.0100")) == "0.01"
