"""Order-book depth: several levels of one market, for walking a trade size through the book.

`exchanges/` reads the venues' books into `BookDepth`; the kimp monitor's executable premium
(`alerts/executable.py`) walks them. Floats: market data, not the money path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from core.symbols import Instrument, Venue

Level = tuple[float, float]  # (price, qty)


@dataclass(frozen=True, slots=True)
class BookDepth:
    """Bids and asks best first, with the venue's time (ms) and our receive time (s)."""

    instrument: Instrument
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    ts_ms: int
    recv_ts: float


class DepthError(Exception):
    """The venue's book could not be read; the message says why, for the user."""


# Books for the given coins' KRW markets on the named KRW venue (Upbit, Bithumb) and Binance USDT
# markets, plus that KRW venue's KRW-USDT.
DepthSource = Callable[[Sequence[str], Venue], Awaitable[list[BookDepth]]]
