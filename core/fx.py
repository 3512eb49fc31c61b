"""The USD/KRW exchange rate: what an FX source tells us, and how a failure is reported.

`exchanges/fx.py` fetches and parses each source into an `FxRate`; the kimp FX poller
(`alerts/fx.py`) picks one source's rate in the configured order and judges its age from the
source's own timestamp (`alerts/fx_hours.py` knows when the FX market is closed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


class FxError(Exception):
    """The FX source could not be read (an error answer, garbage, or no connection); the
    message says what, for the operator (it is shown as the reason FX figures are missing)."""


@dataclass(frozen=True, slots=True)
class FxRate:
    """KRW per USD as one source quoted it.

    `as_of` is the source's own time of the quote (epoch seconds; for a daily reference rate,
    the time it was fixed); `recv_ts` is the local clock when the answer arrived. Age is judged
    from `as_of`: a rate fetched a second ago may have been fixed on Friday.
    """

    rate: float
    recv_ts: float
    source: str = ""
    as_of: float | None = None  # None: the source gave no time; then `recv_ts` stands in

    @property
    def quoted_at(self) -> float:
        return self.recv_ts if self.as_of is None else self.as_of


# Fetches the current rate; raises FxError on any failure.
FxSource = Callable[[], Awaitable[FxRate]]
