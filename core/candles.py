"""What the candle store offers the features that read or record candles (the strategies).

The `candles` table has one owner, `exchanges.candle_store`; others get these views of it,
handed in by the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.market import Candle
from core.symbols import Instrument

# (open_ts ms, open, high, low, close, volume): plain rows rather than `Candle`s, because a
# backtest reads a year of minutes at once and turns them straight into arrays.
CandleRow = tuple[int, float, float, float, float, float]


class CandleReadError(Exception):
    """Stored candles cannot be read; the message says why."""


class CandleHistory(Protocol):
    async def history(
        self, instrument: Instrument, timeframe: str, limit: int, before: int | None = None
    ) -> list[Candle]:
        """Up to `limit` most recent closed candles opening before `before` (ms; default:
        now), oldest first."""
        ...


class CandleStore(CandleHistory, Protocol):
    async def keep(self, candles: Sequence[Candle]) -> None:
        """Put candles on record, keeping any already stored for the same minute."""
        ...


class CandleArchive(Protocol):
    """Stored candles read synchronously (the backtest command runs outside the service)."""

    def rows(
        self, instrument: Instrument, timeframe: str, start_ms: int, end_ms: int
    ) -> list[CandleRow]:
        """Candles opening in [start_ms, end_ms), oldest first; raises `CandleReadError`."""
        ...
