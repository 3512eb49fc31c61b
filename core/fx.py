"""The USD/KRW exchange rate: what the FX source tells us, and how a failure is reported.

`exchanges/fx.py` fetches and parses the source into an `FxRate`; the kimp FX poller
(`alerts/fx.py`) decides when the last good rate is too old to use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


class FxError(Exception):
    """The FX source could not be read (an error answer, garbage, or no connection); the
    message says what, for the operator (it is shown as the reason FX figures are missing)."""


@dataclass(frozen=True, slots=True)
class FxRate:
    """KRW per USD, stamped with the local clock when the answer arrived."""

    rate: float
    recv_ts: float


# Fetches the current rate; raises FxError on any failure.
FxSource = Callable[[], Awaitable[FxRate]]
