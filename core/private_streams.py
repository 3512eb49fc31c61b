"""Whether each venue's private (user-data) stream is up: what /status shows.

Any private stream (Binance spot WebSocket API, Binance USDⓈ-M user stream, Upbit
myOrder/myAsset, Bithumb's private WebSocket v2) reports here through a
`PrivateStreamReporter`: up once the venue has accepted the subscription, down when the
connection is lost or refused. While a venue's stream is down the order tracker's polling is
the only way fills arrive (it runs either way; the stream only rings the bell sooner), and
/status says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.symbols import Venue


@dataclass(frozen=True, slots=True)
class PrivateStreamState:
    venue: Venue
    up: bool
    ts: float  # local time of the change
    reason: str = ""  # why it is down (a short technical reason, never a secret)


PrivateStreamReporter = Callable[[PrivateStreamState], None]


class PrivateStreamBoard:
    """The latest `PrivateStreamState` per venue (only venues whose stream was started)."""

    def __init__(self) -> None:
        self._states: dict[Venue, PrivateStreamState] = {}

    def report(self, state: PrivateStreamState) -> None:
        self._states[state.venue] = state

    def get(self, venue: Venue) -> PrivateStreamState | None:
        return self._states.get(venue)

    def states(self) -> list[PrivateStreamState]:
        return [self._states[v] for v in Venue if v in self._states]
