"""Freshness, a rule of the money path: no decision and no order priced on old market data.

The market-data feature knows how old a market's price is (its streams, its REST fallback); the
strategy runner and the order service must refuse to act on it once it is older than
`max_age`. They meet here: the app hands both a `Freshness` built from the market-data layer's
`data_age` and the `MAX_DATA_AGE` setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.symbols import Instrument
from core.text import Text

# Seconds since a market's price was last known to be current; None when it never was.
DataAge = Callable[[Instrument], float | None]


@dataclass(frozen=True, slots=True)
class Freshness:
    max_age: float  # seconds
    age: DataAge

    def problem(self, instrument: Instrument) -> Text | None:
        """Why `instrument`'s price is too old to act on (with its age), or None when fresh."""
        age = self.age(instrument)
        if age is None:
            return Text.of("reason.data_none", symbol=instrument.symbol, venue=instrument.venue)
        if age > self.max_age:
            return Text.of(
                "reason.data_old",
                symbol=instrument.symbol,
                venue=instrument.venue,
                age=f"{age:.0f}",
                max=f"{self.max_age:g}",
            )
        return None
