"""The symbol universe (from REST at start and refreshed) and how subscriptions are split
across connections within each venue's limits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from loguru import logger

from bot.domain.symbols import Symbol, Venue
from exchanges.http import RestError

MarketsFetcher = Callable[[], Awaitable[list[Symbol]]]


def split(items: list[str], per_connection: int) -> list[list[str]]:
    """Chunks of at most `per_connection`, in order."""
    if per_connection <= 0:
        raise ValueError("per_connection must be positive")
    return [items[i : i + per_connection] for i in range(0, len(items), per_connection)]


@dataclass(slots=True)
class Universe:
    """Tradable symbols per venue, as the venues list them."""

    fetchers: dict[Venue, MarketsFetcher]
    symbols: dict[Venue, list[Symbol]] = field(default_factory=dict)
    refreshed: dict[Venue, float] = field(default_factory=dict)

    async def refresh(self, now: float) -> dict[Venue, list[Symbol]]:
        """Fetch every venue's list; returns the symbols that are new since the last time.

        A venue that fails keeps its previous list (logged); the others still refresh.
        """
        added: dict[Venue, list[Symbol]] = {}
        for venue, fetch in self.fetchers.items():
            try:
                fresh = await fetch()
            except RestError as exc:
                logger.warning("universe {}: refresh failed ({}); keeping the old list", venue, exc)
                continue
            old = set(self.symbols.get(venue, []))
            new = [s for s in fresh if s not in old]
            gone = old - set(fresh)
            if gone:
                logger.info("universe {}: no longer listed: {}", venue, ", ".join(map(str, gone)))
            self.symbols[venue] = fresh
            self.refreshed[venue] = now
            if new:
                added[venue] = new
        return added

    def has(self, venue: Venue, symbol: Symbol) -> bool:
        return symbol in self.symbols.get(venue, ())
