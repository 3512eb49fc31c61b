"""Numbers as a trader reads them: the one place amounts, prices, quantities and percentages
become digits. Language-neutral (no units in words); the app adds `원`/`KRW` (bot/i18n/money.py).

Rules (issue 14): never an exponent (`1.41459e+08`), never Decimal's full precision
(`141,976,981.5427427484275836611`); cash to its currency's places (KRW 0, USDT 2); a quantity to
the market's step with trailing zeros dropped (`quantity`, the only quantity formatter); a price
to its tick; without rules a price keeps `SIG` significant digits and never loses an integer
digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

type Number = Decimal | float | int

# Places a cash currency is shown with; a currency not listed is a coin (see `amount`).
CASH_PLACES: dict[str, int] = {
    "KRW": 0,
    "USD": 2,
    "USDT": 2,
    "USDC": 2,
    "FDUSD": 2,
    "BUSD": 2,
}
SIG = 8  # significant digits of a price whose tick is unknown
MAX_PLACES = 8  # no figure shown has more decimals than the finest venue step (1e-8)
NOT_A_NUMBER = "—"  # NaN / infinity: shown as a dash, never as "nan" or "inf"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of a currency inside a `core.text.Text`: the app words it in the reader's
    language (`1,234,567원` / `1,234,567 KRW`). `signed` shows `+` on gains (PnL)."""

    value: Decimal
    currency: str
    signed: bool = False

    def __str__(self) -> str:  # log lines and `Text.compact()`
        text = (
            signed(self.value, self.currency) if self.signed else amount(self.value, self.currency)
        )
        return f"{text} {self.currency}"


@dataclass(frozen=True, slots=True)
class Price:
    """A price in `currency` inside a `core.text.Text` (to `tick` when known), worded by the app
    with its unit: `100,950,000원` / `100,950,000 KRW` / `64,123.1 USDT`."""

    value: Decimal
    currency: str
    tick: Decimal | None = None

    def __str__(self) -> str:
        return f"{price(self.value, self.tick)} {self.currency}"


def to_decimal(value: Number) -> Decimal:
    """A float through its shortest repr (0.1 -> 0.1, not 0.1000000000000000055...)."""
    if isinstance(value, Decimal):
        return value
    if type(value) is int:
        return Decimal(value)
    # float(): numpy scalars (indicator values) print as `np.float64(1.5)` through repr
    return Decimal(repr(float(value)))


def places_of(step: Decimal) -> int:
    """Decimals a grid of `step` needs: 0.001 -> 3, 1000 -> 0, 0.5 -> 1."""
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def grouped(value: Number, places: int | None = None) -> str:
    """Thousands separators, no exponent. `places`: exactly that many decimals (rounded half to
    even); None: as many as the value has, trailing zeros trimmed, at most `MAX_PLACES`."""
    d = to_decimal(value)
    if not d.is_finite():
        return NOT_A_NUMBER
    try:
        if places is None:
            d = d.quantize(Decimal(1).scaleb(-MAX_PLACES), ROUND_HALF_EVEN)
            text = f"{d:,f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        else:
            text = f"{d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN):,f}"
    except InvalidOperation:  # beyond Decimal's precision: still no exponent
        text = f"{d:,f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0"


def plain(value: Number) -> str:
    """As a user would type it back: no separators, no exponent, no trailing zeros (200000)."""
    d = to_decimal(value)
    return f"{d.normalize():f}" if d.is_finite() else NOT_A_NUMBER


def quantity(value: Number, step: Decimal | None = None) -> str:
    """A quantity, the one way every view shows it: rounded to the market's step when known
    (0.00012345 BTC at step 0.00001 -> 0.00012), trailing zeros always dropped (0.00070720 ->
    0.0007072, 3.000 -> 3), so a fill notice, /positions, /orders and the web API agree on the
    same digits; unknown step: up to `MAX_PLACES` decimals."""
    if step is None or step <= 0:
        return grouped(value)
    text = grouped(value, places_of(step))
    return text.rstrip("0").rstrip(".") if "." in text else text


def price(value: Number, tick: Decimal | None = None) -> str:
    """A price to the market's tick; without one, `SIG` significant digits, integer digits
    always kept (141,976,981.54 -> 141,976,982; 9,830.6434271 -> 9,830.6434)."""
    if tick is not None and tick > 0:
        return grouped(value, places_of(tick))
    d = to_decimal(value)
    if not d.is_finite() or d.is_zero():
        return grouped(d, 0) if d.is_finite() else NOT_A_NUMBER
    places = min(MAX_PLACES, max(0, SIG - 1 - d.adjusted()))
    text = grouped(d, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def cash_places(currency: str) -> int | None:
    """Decimals of a cash currency (KRW 0, USDT 2); None for a coin."""
    return CASH_PLACES.get(currency.upper())


def amount(value: Number, currency: str) -> str:
    """An amount of `currency`: KRW without decimals, USDT with 2, a coin up to 8 (trimmed)."""
    return grouped(value, cash_places(currency))


def signed(value: Number, currency: str) -> str:
    """An amount with its sign: +1,234 / -238 / 0 (PnL)."""
    text = amount(value, currency)
    d = to_decimal(value)
    return f"+{text}" if d.is_finite() and d > 0 and text.strip("0.,") else text


def percent(value: Number, places: int = 2, sign: bool = True) -> str:
    """A percentage figure (without the `%`): +1.23 / -0.50; `sign=False`: 1.23."""
    d = to_decimal(value)
    if not d.is_finite():
        return NOT_A_NUMBER
    text = grouped(d, places)
    return f"+{text}" if sign and not text.startswith("-") and text.strip("0.,") else text


def pnl_pct(pnl: Decimal, cost: Decimal) -> Decimal | None:
    """PnL as a percentage of what was put in; None when nothing was."""
    if not cost.is_finite() or cost.is_zero() or not pnl.is_finite():
        return None
    return pnl / abs(cost) * 100
