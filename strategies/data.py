"""Candles for the backtest: from the stored candles (a `core.candles.CandleArchive`) or a CSV
file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from core.candles import CandleArchive, CandleReadError
from core.symbols import Instrument
from strategies.bars import Bars


class DataError(Exception):
    """Candles cannot be loaded; the message says why and what to do."""


def day_range_ms(start: str, end: str) -> tuple[int, int]:
    """`--from`/`--to` as UTC days, `to` inclusive: [start 00:00, end + 1 day 00:00)."""
    try:
        d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise DataError(f"dates must look like 2026-01-31, got {start!r} and {end!r}") from None
    if d1 < d0:
        raise DataError("--to is before --from")
    t0 = datetime(d0.year, d0.month, d0.day, tzinfo=UTC)
    t1 = datetime(d1.year, d1.month, d1.day, tzinfo=UTC) + timedelta(days=1)
    return int(t0.timestamp() * 1000), int(t1.timestamp() * 1000)


def load_stored(
    archive: CandleArchive, instrument: Instrument, timeframe: str, start_ms: int, end_ms: int
) -> Bars:
    try:
        rows = archive.rows(instrument, timeframe, start_ms, end_ms)
    except CandleReadError as exc:
        raise DataError(str(exc)) from None
    arr = np.array(rows, dtype=np.float64).reshape(-1, 6)
    return _bars(instrument, timeframe, arr)


_TIME_COLUMNS = ("open_ts", "timestamp", "time", "date", "datetime", "open_time")


def load_csv(
    path: Path,
    instrument: Instrument,
    timeframe: str,
    start_ms: int,
    end_ms: int,
) -> Bars:
    """CSV with a time column (ms/s epoch or ISO text, UTC) and open, high, low, close[, volume].
    A `symbol` column, if present, selects the instrument's rows (BTC/KRW form)."""
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"no CSV file at {path}") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    tcol = next((c for c in _TIME_COLUMNS if c in df.columns), None)
    missing = [c for c in ("open", "high", "low", "close") if c not in df.columns]
    if tcol is None or missing:
        need = "a time column (" + "/".join(_TIME_COLUMNS) + ")" if tcol is None else ""
        raise DataError(
            f"{path} needs {need}{' and ' if need and missing else ''}"
            f"{'columns ' + ', '.join(missing) if missing else ''}"
        )
    if "symbol" in df.columns:
        df = df[df["symbol"].astype(str).str.upper() == str(instrument.symbol)]
    t = df[tcol]
    if pd.api.types.is_numeric_dtype(t):
        ms = t.to_numpy(dtype=np.float64)
        ms = np.where(ms < 1e11, ms * 1000, ms)  # seconds -> ms
    else:
        try:
            parsed = pd.to_datetime(t, utc=True)
        except (ValueError, TypeError) as exc:
            raise DataError(f"{path}: cannot read times in column {tcol!r}: {exc}") from None
        ms = ((parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)).to_numpy()
    vol = df["volume"].to_numpy(np.float64) if "volume" in df.columns else np.zeros(len(df))
    try:
        arr = np.column_stack(
            (
                ms.astype(np.float64),
                df["open"].to_numpy(np.float64),
                df["high"].to_numpy(np.float64),
                df["low"].to_numpy(np.float64),
                df["close"].to_numpy(np.float64),
                vol,
            )
        )
    except ValueError as exc:
        raise DataError(f"{path}: prices must be numbers ({exc})") from None
    arr = arr[(arr[:, 0] >= start_ms) & (arr[:, 0] < end_ms)]
    arr = arr[np.argsort(arr[:, 0], kind="stable")]
    if np.isnan(arr[:, 1:5]).any() or (arr[:, 1:5] <= 0).any():
        raise DataError(f"{path}: some prices are empty, zero or negative")
    return _bars(instrument, timeframe, arr)


def _bars(instrument: Instrument, timeframe: str, arr: np.ndarray) -> Bars:
    return Bars(
        instrument,
        timeframe,
        arr[:, 0].astype(np.int64),
        np.ascontiguousarray(arr[:, 1]),
        np.ascontiguousarray(arr[:, 2]),
        np.ascontiguousarray(arr[:, 3]),
        np.ascontiguousarray(arr[:, 4]),
        np.ascontiguousarray(arr[:, 5]),
    )
