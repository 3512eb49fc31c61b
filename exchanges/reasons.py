"""Why a stream changed state, as `Text` the app words in the user's language.

Every reason the venue layer gives in a `StreamStatus` (and keeps as `WsRunner.reason`) is built
here from a catalog key (`stream.why.*` in bot/i18n/en.py, ko.py) and its values; close codes,
seconds and venue error strings go in as parameters. A plain `str` is still allowed for text
that is the venue's or the OS's own words (an exception message, a shutdown notice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.symbols import Venue
from core.text import Text

Reason = str | Text


def _why(key: str, **params: Any) -> Text:
    return Text.of(f"stream.why.{key}", **params)


NOT_CONNECTED = _why("not_connected")
CONNECTED = _why("connected")
CONNECTION_LOST = _why("lost")
CONNECT_TIMEOUT = _why("timeout")
SERVER_ENDED = _why("ended")
REST_STOPPED = _why("rest_stopped")
DATA_FLOWING = _why("flowing")
CAUGHT_UP = _why("caught_up")


def refused(status: int) -> Text:
    return _why("refused", status=status)


def closed(code: int, why: str) -> Text:
    return _why("closed_why", code=code, why=why) if why else _why("closed", code=code)


def cannot_connect(error: str) -> Text:
    return _why("cannot_connect", error=error)


def reconnected(after: Reason) -> Text:
    return _why("reconnected", reason=after)


def stale(seconds: float) -> Text:
    return _why("stale", seconds=seconds)


def stale_symbols(n: int, symbols: str) -> Text:
    return _why("stale_symbols", n=n, symbols=symbols)


def delayed(seconds: float) -> Text:
    """Frames arrive, but `seconds` behind the venue's own event time."""
    return _why("delayed", seconds=seconds)


def lifetime(seconds: float) -> Text:
    return _why("lifetime", seconds=seconds)


def watchdog_failed(error: str) -> Text:
    return _why("watchdog", error=error)


def rest_fallback(sick: Sequence[tuple[str, Reason]], interval: float) -> Text:
    """`sick`: (connection, reason) of the unhealthy connections, joined with "; "."""
    parts = [_why("runner", name=name, reason=reason) for name, reason in sick]
    why: Reason = parts[-1] if parts else ""
    for part in reversed(parts[:-1]):
        why = _why("more", first=part, rest=why)
    return _why("rest_fallback", why=why, interval=interval)


def no_data(venue: Venue, seconds: float) -> Text:
    return _why("no_data", venue=venue, seconds=seconds)


def plain(reason: Reason) -> str:
    """A reason for the log: worded by the catalog the app installed (`core.text`), else compact."""
    return str(reason)
