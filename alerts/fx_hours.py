"""When the FX market is shut, and so whether an old USD/KRW quote is still the latest one.

The interbank FX market trades around the clock from Sunday 17:00 to Friday 17:00 New York time;
on 25 December and 1 January it is shut everywhere. While it is shut no source can have a newer
quote than the last one before the close: that quote is marked as the closing rate, never
passed off as fresh, and it counts as usable. A rate fixed well before the close (the ECB's
Friday 16:00 CET reference rate on a Sunday) is stale all the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

_NEW_YORK = ZoneInfo("America/New_York")
_CUTOFF = dt.time(17, 0)
_HOLIDAYS = ((12, 25), (1, 1))  # month, day (New York date)
_MAX_CLOSED = 5 * 86400.0  # longer than any weekend plus holidays: stop searching there

Freshness = Literal["fresh", "closed", "stale"]


def market_open(ts: float) -> bool:
    """Whether the FX market trades at epoch second `ts`."""
    t = dt.datetime.fromtimestamp(ts, _NEW_YORK)
    if (t.month, t.day) in _HOLIDAYS:
        return False
    wd = t.weekday()  # Monday 0
    if wd == 5:
        return False
    if wd == 4:
        return t.time() < _CUTOFF
    if wd == 6:
        return t.time() >= _CUTOFF
    return True


def closed_since(now: float) -> float | None:
    """When the current closure began (to the minute), or None while the market is open."""
    if market_open(now):
        return None
    t = now
    while now - t < _MAX_CLOSED:  # hour steps back to the last open hour, then minutes
        t -= 3600.0
        if market_open(t):
            break
    else:
        return None
    while market_open(t + 60.0):
        t += 60.0
    return t + 60.0


def judge(as_of: float, now: float, stale_after: float) -> Freshness:
    """`fresh`: quoted within `stale_after`; `closed`: the market is shut and the quote is
    from around the close (within `stale_after` of it); `stale`: anything else.

    Real sources freeze their quote time at the close; a quote stamped well inside the closure
    comes from a source that stamps its own fetch time, and is judged by its age alone."""
    if now - as_of <= stale_after:
        return "fresh"
    since = closed_since(now)
    if since is not None and abs(as_of - since) <= stale_after:
        return "closed"
    return "stale"
