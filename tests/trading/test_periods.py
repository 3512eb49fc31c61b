"""/weekly and /monthly are calendar weeks (Monday first) and months in the configured time
zone (they were the last 7 and 30 days)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from trading.periods import period_key, period_start

KST = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")


def ts(y: int, mo: int, d: int, h: int = 12, tz: ZoneInfo = KST) -> float:
    return datetime(y, mo, d, h, tzinfo=tz).timestamp()


def test_weeks_start_on_monday_in_the_time_zone() -> None:
    sat = ts(2026, 12, 5)  # a Saturday
    assert period_key(sat, KST, "week") == "2026-11-30"
    assert period_start(sat, KST, "week") == ts(2026, 11, 30, 0)
    assert period_start(sat, KST, "week", 2) == ts(2026, 11, 16, 0)
    # Monday 00:30 KST is still Sunday in UTC: the week is KST's
    assert period_key(ts(2026, 11, 30, 0) + 1800, KST, "week") == "2026-11-30"


def test_months_roll_over_the_year_and_daylight_saving() -> None:
    jan = ts(2027, 1, 15)
    assert [period_key(period_start(jan, KST, "month", i), KST, "month") for i in range(3)] == [
        "2027-01",
        "2026-12",
        "2026-11",
    ]
    # a month that spans the end of summer time starts at local midnight all the same
    nov = ts(2026, 11, 2, tz=BERLIN)
    assert period_start(nov, BERLIN, "month", 1) == ts(2026, 10, 1, 0, tz=BERLIN)


def test_days_and_unknown_units() -> None:
    assert period_key(ts(2026, 12, 5, 23), KST, "day") == "2026-12-05"
    with pytest.raises(ValueError, match="unit"):
        period_start(0.0, KST, "year")
