"""Order-book snapshots of the market model, with levels built on first access.

The model emits one book per market per tick, but most listeners never look at the levels
(no subscriber for that market, no resting order), and building 30 seeded levels is most of
a tick's cost at high speed. So a `SimBook` captures everything its levels depend on (touch,
grid, the per-step seed) when it is made and builds the levels only when `bids` or `asks` is
read: the result is the same whenever it is read.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

Levels = list[tuple[float, float]]


class SimBook:
    """One venue market's book at one step: `bids`/`asks` as (price, qty), best first."""

    __slots__ = ("_asks", "_bids", "_build", "market", "ts_ms", "venue")

    def __init__(
        self,
        venue: str,
        market: str,
        bids: Levels | None = None,
        asks: Levels | None = None,
        ts_ms: int = 0,
        *,
        build: Callable[[], tuple[Levels, Levels]] | None = None,
    ) -> None:
        self.venue = venue
        self.market = market
        self.ts_ms = ts_ms
        self._bids = bids
        self._asks = asks
        self._build = build
        if build is None and (bids is None or asks is None):
            raise ValueError("a SimBook needs levels or a builder")

    def _levels(self) -> tuple[Levels, Levels]:
        if self._bids is None or self._asks is None:
            assert self._build is not None
            self._bids, self._asks = self._build()
            self._build = None
        return self._bids, self._asks

    @property
    def bids(self) -> Levels:
        return self._levels()[0]

    @property
    def asks(self) -> Levels:
        return self._levels()[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimBook):
            return NotImplemented
        return (self.venue, self.market, self.ts_ms, self.bids, self.asks) == (
            other.venue, other.market, other.ts_ms, other.bids, other.asks,
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"SimBook(venue={self.venue!r}, market={self.market!r}, bids={self.bids!r}, "
            f"asks={self.asks!r}, ts_ms={self.ts_ms})"
        )


def level_builder(
    seed: int,
    bid: float,
    ask: float,
    gap: float,
    nd: int,
    level_quote: float,
    qty_step: float,
    qty_decimals: int,
    depth: int,
) -> Callable[[], tuple[Levels, Levels]]:
    """Levels `i * gap` away from the touch, each with a seeded random size around
    `level_quote * (1 + 0.3 i)` of quote currency, on the quantity grid."""

    def build() -> tuple[Levels, Levels]:
        rng = random.Random(seed)
        mid = (bid + ask) / 2
        bids: Levels = []
        asks: Levels = []
        floor = math.floor
        for i in range(depth):
            scale = level_quote * (1 + i * 0.3)
            bp = round(bid - i * gap, nd)
            ap = round(ask + i * gap, nd)
            # ticks.floor_to, inlined (this loop is hot)
            bq = scale * rng.uniform(0.3, 2.0) / mid
            bq = round(floor(bq / qty_step + 1e-9) * qty_step, qty_decimals)
            aq = scale * rng.uniform(0.3, 2.0) / mid
            aq = round(floor(aq / qty_step + 1e-9) * qty_step, qty_decimals)
            if bp > 0:
                bids.append((bp, max(bq, qty_step)))
            asks.append((ap, max(aq, qty_step)))
        return bids, asks

    return build
