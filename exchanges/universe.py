"""The symbol universe (from REST at start and refreshed) and how subscriptions are split
across connections within each venue's limits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from loguru import logger

from core.symbols import Symbol, Venue
from exchanges.http import RestError

MarketsFetcher = Callable[[], Awaitable[list[Symbol]]]


def split(items: list[str], per_connection: int) -> list[list[str]]:
    """Chunks of at most `per_connection`, in order."""
    if per_connection <= 0:
        raise ValueError("per_connection must be positive")
    return [items[i : i + per_connection] for i in range(0, len(items), per_connection)]


@dataclass(slots=True)
class UniverseChange:
    """What one refresh found, per venue: markets newly listed and markets gone."""

    added: dict[Venue, list[Symbol]] = field(default_factory=dict)
    removed: dict[Venue, list[Symbol]] = field(default_factory=dict)


@dataclass(slots=True)
class Universe:
    """Tradable symbols per venue, as the venues list them."""

    fetchers: dict[Venue, MarketsFetcher]
    symbols: dict[Venue, list[Symbol]] = field(default_factory=dict)
    refreshed: dict[Venue, float] = field(default_factory=dict)

    async def refresh(self, now: float) -> UniverseChange:
        """Fetch every venue's list; returns what is new and what is gone since last time.

        A venue that fails keeps its previous list (logged); the others still refresh. An
        empty answer is treated as a failure too: a venue does not delist everything at once.
        """
        change = UniverseChange()
        for venue, fetch in self.fetchers.items():
            try:
                fresh = await fetch()
            except RestError as exc:
                logger.warning("universe {}: refresh failed ({}); keeping the old list", venue, exc)
                continue
            if not fresh and self.symbols.get(venue):
                logger.warning(
                    "universe {}: the venue listed no markets; keeping the old list", venue
                )
                continue
            known = venue in self.symbols
            old = set(self.symbols.get(venue, []))
            now_listed = set(fresh)
            self.symbols[venue] = fresh
            self.refreshed[venue] = now
            if not known:
                continue  # the first listing is the starting point, not a change
            new = [s for s in fresh if s not in old]
            gone = sorted(old - now_listed, key=str)
            if new:
                change.added[venue] = new
            if gone:
                change.removed[venue] = gone
        return change

    def has(self, venue: Venue, symbol: Symbol) -> bool:
        return symbol in self.symbols.get(venue, ())
