"""Venues and one normalised symbol type for every exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Venue(StrEnum):
    UPBIT = "upbit"
    BINANCE_SPOT = "binance"
    BINANCE_FUTURES = "binance_futures"
    BITHUMB = "bithumb"

    @property
    def label(self) -> str:
        return _VENUE_LABELS[self]

    @property
    def krw(self) -> bool:
        """A Korean won spot venue (Upbit, Bithumb): prices in KRW, the fee in KRW on both
        sides, market buys by KRW total."""
        return self in (Venue.UPBIT, Venue.BITHUMB)

    @property
    def quote(self) -> str:
        """The currency the venue's markets we trade are quoted in."""
        return "KRW" if self.krw else "USDT"


_VENUE_LABELS = {
    Venue.UPBIT: "Upbit",
    Venue.BINANCE_SPOT: "Binance spot",
    Venue.BINANCE_FUTURES: "Binance USDT-M",
    Venue.BITHUMB: "Bithumb",
}


@dataclass(frozen=True, slots=True)
class Symbol:
    """A market as base/quote, whatever the venue calls it (`KRW-BTC`, `BTCUSDT`)."""

    base: str
    quote: str

    def __str__(self) -> str:
        return f"{self.base}/{self.quote}"

    @classmethod
    def parse(cls, text: str) -> Symbol:
        """Parse the unified form `BTC/KRW` (also accepts `BTC-KRW`)."""
        for sep in ("/", "-"):
            if sep in text:
                base, quote = text.upper().split(sep, 1)
                if base and quote:
                    return cls(base, quote)
        raise ValueError(f"not a symbol: {text!r} (expected BASE/QUOTE such as BTC/KRW)")

    # Venue id conversions live here because they are pure string rules used by every layer.
    @classmethod
    def from_upbit(cls, market: str) -> Symbol:
        """`KRW-BTC` -> BTC/KRW."""
        quote, _, base = market.partition("-")
        if not base:
            raise ValueError(f"not an Upbit market code: {market!r}")
        return cls(base, quote)

    def to_upbit(self) -> str:
        return f"{self.quote}-{self.base}"

    @classmethod
    def from_binance(
        cls, raw: str, quotes: tuple[str, ...] = ("USDT", "USDC", "FDUSD", "BTC")
    ) -> Symbol:
        """`BTCUSDT` -> BTC/USDT (Binance ids have no separator, so known quotes are tried)."""
        raw = raw.upper()
        for quote in quotes:
            if raw.endswith(quote) and len(raw) > len(quote):
                return cls(raw[: -len(quote)], quote)
        raise ValueError(f"not a Binance symbol with a known quote: {raw!r}")

    def to_binance(self) -> str:
        return f"{self.base}{self.quote}"


@dataclass(frozen=True, slots=True)
class Instrument:
    """A symbol on a venue: the key for market data and orders.

    The hash is computed once: instruments key every per-market dict on the market-data hot
    path (several lookups per event), where a recomputed dataclass hash was a measurable cost.
    """

    venue: Venue
    symbol: Symbol
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.venue, self.symbol)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Instrument], tuple[Venue, Symbol]]:
        # String hashes differ between processes: rebuild (and rehash) when unpickled.
        return (Instrument, (self.venue, self.symbol))

    def __str__(self) -> str:
        return f"{self.venue.value}:{self.symbol}"
