"""The kimp universe: every coin listed both as Upbit KRW-X and Binance X/USDT, and the coins
newly listed on one of the two only (announced too: no premium until the other venue lists them).

Listings come in as domain `Symbol`s (whoever fetched them mapped venue ids at their boundary,
using Binance's own base/quote assets, never a string replace). A denylist drops tickers that
name different coins on the two venues.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from core.symbols import Symbol

# Fetches (Upbit listings, Binance spot listings). Raises on failure; the caller keeps the old set.
ListingSource = Callable[[], Awaitable[tuple[list[Symbol], list[Symbol]]]]

TETHER = "USDT"


def common_coins(
    upbit: Iterable[Symbol], binance: Iterable[Symbol], denylist: Iterable[str] = ()
) -> set[str]:
    """Bases quoted in KRW on Upbit and in USDT on Binance, minus the denylist and USDT itself."""
    deny = {d.upper() for d in denylist} | {TETHER}
    krw = {s.base.upper() for s in upbit if s.quote.upper() == "KRW"}
    usdt = {s.base.upper() for s in binance if s.quote.upper() == "USDT"}
    return (krw & usdt) - deny


def venue_bases(symbols: Iterable[Symbol], quote: str) -> frozenset[str]:
    """Bases quoted in `quote` (KRW on Upbit, USDT on Binance), USDT itself left out."""
    q = quote.upper()
    return frozenset(s.base.upper() for s in symbols if s.quote.upper() == q) - {TETHER}


@dataclass(frozen=True, slots=True)
class UniverseChange:
    added: frozenset[str]
    removed: frozenset[str]
    # Newly listed on one venue while the other has no market for it (no premium possible).
    upbit_only: frozenset[str] = frozenset()
    binance_only: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(slots=True)
class Universe:
    """The current common set; `apply` replaces it from fresh listings and reports the change."""

    denylist: frozenset[str] = frozenset()
    coins: frozenset[str] = frozenset()
    tether_listed: bool = False
    upbit_bases: frozenset[str] = frozenset()  # every KRW base on Upbit at the last refresh
    binance_bases: frozenset[str] = frozenset()  # every USDT base on Binance
    refreshed_at: float | None = None
    last_error: str | None = None

    def apply(self, upbit: list[Symbol], binance: list[Symbol], now: float) -> UniverseChange:
        if not upbit or not binance:
            # An empty listing is a broken answer, not "everything delisted".
            raise ValueError("a venue returned no listings; keeping the previous universe")
        new = frozenset(common_coins(upbit, binance, self.denylist))
        up, bn = venue_bases(upbit, "KRW"), venue_bases(binance, "USDT")
        deny = {d.upper() for d in self.denylist}
        change = UniverseChange(
            new - self.coins,
            self.coins - new,
            frozenset((up - self.upbit_bases) - bn - deny),
            frozenset((bn - self.binance_bases) - up - deny),
        )
        self.coins, self.upbit_bases, self.binance_bases = new, up, bn
        self.tether_listed = Symbol(TETHER, "KRW") in {
            Symbol(s.base.upper(), s.quote.upper()) for s in upbit
        }
        self.refreshed_at = now
        self.last_error = None
        return change

    async def refresh(self, source: ListingSource, now: float) -> UniverseChange | None:
        """Fetch and apply; on failure keep the old set and remember why."""
        try:
            upbit, binance = await source()
            return self.apply(upbit, binance, now)
        except Exception as exc:  # any source failure: keep serving the previous set
            self.last_error = f"{type(exc).__name__}: {exc}"
            return None
