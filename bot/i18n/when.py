"""Time as the trader reads it: durations in their language (35초 / 35s) and clock times in the
configured zone, always labelled with the zone (`12-05 21:30 KST`), so no figure leaves the
service in an unnamed zone (issue 14)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.i18n import tr

# (below this many seconds, divide by, catalog key, decimals)
_STEPS = (
    (90.0, 1.0, "unit.seconds", 0),
    (5400.0, 60.0, "unit.minutes", 0),
    (172800.0, 3600.0, "unit.hours", 1),
)


def duration(language: str, seconds: float | None) -> str:
    """An age or a span: 35s / 5m / 1.5h / 2.0d (ko 35초 / 5분 / 1.5시간 / 2.0일); a dash when
    unknown."""
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    for below, div, key, places in _STEPS:
        if seconds < below:
            return tr(language, key, n=f"{seconds / div:.{places}f}")
    return tr(language, "unit.days", n=f"{seconds / 86400:.1f}")


def zone_label(when: datetime) -> str:
    """The zone's short name (KST, UTC, CET); its offset (+09) where it has no name."""
    name = when.tzname() or ""
    return name if name and name[0] not in "+-" else f"UTC{name}"


def clock(ts: float, tz: tzinfo, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """Epoch seconds in `tz`, labelled: `2026-12-05 21:30 KST`."""
    when = datetime.fromtimestamp(ts, tz)
    return f"{when.strftime(pattern)} {zone_label(when)}"
