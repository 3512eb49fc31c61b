"""The `candles` table: every read and write of it goes through here.

The market-data layer saves the candles it builds (`save`, final: they replace what is there),
bots record their warm-up history (`keep`, never overwriting) and read history back, and the
backtest command reads a database file synchronously (`CandleFile`). The schema lives in the
core.storage migrations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from core.candles import CandleReadError, CandleRow
from core.market import Candle
from core.storage import Database
from core.symbols import Instrument

_COLUMNS = "(venue, symbol, timeframe, open_ts, open, high, low, close, volume)"
_RANGE = (
    "SELECT open_ts, open, high, low, close, volume FROM candles WHERE venue = ? AND "
    "symbol = ? AND timeframe = ? AND open_ts >= ? AND open_ts < ? ORDER BY open_ts"
)


def _rows(candles: Sequence[Candle]) -> list[tuple[object, ...]]:
    return [
        (c.instrument.venue.value, str(c.instrument.symbol), c.timeframe, c.open_ts,
         c.open, c.high, c.low, c.close, c.volume)
        for c in candles
    ]  # fmt: skip


class CandleStore:
    """The table on the app's database (implements `core.candles.CandleStore`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def history(
        self, instrument: Instrument, timeframe: str, limit: int, before: int | None = None
    ) -> list[Candle]:
        rows = await self._db.fetchall(
            "SELECT open_ts, open, high, low, close, volume FROM candles WHERE venue = ? AND "
            "symbol = ? AND timeframe = ? AND open_ts < ? ORDER BY open_ts DESC LIMIT ?",
            (
                instrument.venue.value,
                str(instrument.symbol),
                timeframe,
                2**62 if before is None else before,
                limit,
            ),
        )
        return [
            Candle(instrument, timeframe, int(r[0]), r[1], r[2], r[3], r[4], r[5])
            for r in reversed(rows)
        ]

    async def keep(self, candles: Sequence[Candle]) -> None:
        await self._db.executemany(
            f"INSERT OR IGNORE INTO candles {_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _rows(candles),
        )

    async def save(self, candles: Sequence[Candle]) -> None:
        """Store built candles; they replace a stored version of the same minute."""
        await self._db.executemany(
            f"INSERT OR REPLACE INTO candles {_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _rows(candles),
        )

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): drop up to `limit` candles that opened
        before `cutoff` (epoch seconds), oldest first."""
        return await self._db.execute(
            "DELETE FROM candles WHERE (venue, symbol, timeframe, open_ts) IN (SELECT venue, "
            "symbol, timeframe, open_ts FROM candles WHERE open_ts < ? ORDER BY open_ts LIMIT ?)",
            (int(cutoff * 1000), limit),
        )


class CandleFile:
    """The table in a database file, read-only and synchronous (implements
    `core.candles.CandleArchive`), for the backtest command."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(
        self, instrument: Instrument, timeframe: str, start_ms: int, end_ms: int
    ) -> list[CandleRow]:
        args = (instrument.venue.value, str(instrument.symbol), timeframe, start_ms, end_ms)
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                rows: list[CandleRow] = conn.execute(_RANGE, args).fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise CandleReadError(f"cannot read candles from {self.path}: {exc}") from None
        return rows
