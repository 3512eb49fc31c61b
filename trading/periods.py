"""Calendar periods in the configured time zone: day, ISO week (Monday first), month."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

UNITS = ("day", "week", "month")


def period_start(ts: float, tz: ZoneInfo, unit: str, back: int = 0) -> float:
    """Epoch seconds of local midnight starting the period `ts` falls in, `back` periods
    earlier (a local midnight, so a daylight-saving change cannot shift it)."""
    day = datetime.fromtimestamp(ts, tz).date()
    if unit == "day":
        day -= timedelta(days=back)
    elif unit == "week":
        day -= timedelta(days=day.weekday() + 7 * back)
    elif unit == "month":
        months = day.year * 12 + day.month - 1 - back
        day = day.replace(year=months // 12, month=months % 12 + 1, day=1)
    else:
        raise ValueError(f"unit {unit!r}: use one of {', '.join(UNITS)}")
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def period_key(ts: float, tz: ZoneInfo, unit: str) -> str:
    """The period's label: 2026-12-05, 2026-11-30 (its Monday), 2026-12."""
    start = datetime.fromtimestamp(period_start(ts, tz, unit), tz)
    return start.strftime("%Y-%m" if unit == "month" else "%Y-%m-%d")
