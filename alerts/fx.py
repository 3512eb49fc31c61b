"""The kimp monitor's USD/KRW poller: several sources in a configured order, one rate chosen.

Each source (`core.fx.FxSource`, the HTTP clients in exchanges/fx.py as wired by
bot/features/kimp.py) fetches and parses; this module keeps each source's last good rate with
the source's own quote time, and every round hands the monitor the first source in order whose
rate is fresh (or is the closing rate while the FX market is shut, `alerts/fx_hours.py`). When
the chosen rate and another usable one differ by more than `disagree_pct`, that goes along.
There is deliberately no fallback constant: when no source has a usable rate, the newest stale
one is handed over so the monitor can say how old it is, and the FX figures (FX kimp, tether
premium) are unavailable, never made up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loguru import logger

from alerts.fx_hours import judge
from core.clock import Clock
from core.fx import FxError, FxRate, FxSource
from core.text import Text

# (rate, the source's quote time, source name, disagreement or None)
OnRate = Callable[[float, float, str, Text | None], None]


@dataclass(slots=True)
class FxState:
    rate: float | None = None  # the chosen rate of the last round that had one
    source: str | None = None
    quoted_at: float | None = None  # the source's own time of that quote
    last_error: str | None = None  # what the failing sources said, joined
    failures: int = 0  # consecutive rounds without a usable rate
    latest: dict[str, FxRate] = field(default_factory=dict)  # each source's last good rate
    errors: dict[str, str] = field(default_factory=dict)  # each source's last error, if failing

    def age(self, now: float) -> float | None:
        return None if self.quoted_at is None else max(0.0, now - self.quoted_at)


class FxPoller:
    """Asks every source each `refresh` seconds (faster while none is usable) and reports the
    chosen rate."""

    def __init__(
        self,
        sources: Sequence[tuple[str, FxSource]],
        clock: Clock,
        on_rate: OnRate,
        refresh: float = 300.0,
        retry: float = 15.0,
        on_error: Callable[[str], None] | None = None,
        stale_after: float = 3600.0,
        disagree_pct: float = 0.5,
    ) -> None:
        if not sources:
            raise ValueError("at least one FX source is needed")
        self.state = FxState()
        self._sources = list(sources)
        self._clock = clock
        self._on_rate = on_rate
        self._on_error = on_error
        self._refresh = refresh
        self._retry = min(retry, refresh)
        self._stale_after = stale_after
        self._disagree_pct = disagree_pct

    async def _ask(self, name: str, source: FxSource) -> None:
        try:
            fx = await source()
        except FxError as exc:
            self.state.errors[name] = str(exc) or type(exc).__name__
            return
        self.state.latest[name] = fx
        self.state.errors.pop(name, None)

    def _disagreement(self, chosen: FxRate, usable: list[FxRate]) -> Text | None:
        worst = max(usable, key=lambda r: abs(r.rate / chosen.rate - 1), default=None)
        if worst is None:
            return None
        pct = abs(worst.rate / chosen.rate - 1) * 100
        if pct <= self._disagree_pct:
            return None
        return Text.of(
            "kimp.fx_disagree",
            source=Text.of(f"fx.source.{chosen.source}"),
            rate=f"{chosen.rate:,.2f}",
            other=Text.of(f"fx.source.{worst.source}"),
            other_rate=f"{worst.rate:,.2f}",
            pct=f"{pct:.2f}",
        )

    async def fetch_once(self) -> float | None:
        """One round; updates `state`; returns the chosen rate, or None when no source has a
        usable one (never raises I/O)."""
        await asyncio.gather(*(self._ask(name, src) for name, src in self._sources))
        now = self._clock.now()
        st = self.state
        have = [st.latest[name] for name, _ in self._sources if name in st.latest]
        usable = [r for r in have if judge(r.quoted_at, now, self._stale_after) != "stale"]
        errors = "; ".join(f"{name}: {why}" for name, why in st.errors.items())
        st.last_error = errors or None
        if usable:
            chosen = usable[0]
            why = self._disagreement(chosen, usable[1:])
            if why is not None:
                logger.warning("FX sources disagree: {}", why)
        elif have:  # the newest stale one, so the monitor can tell its age and date
            chosen, why = max(have, key=lambda r: r.quoted_at), None
        else:
            chosen, why = None, None
        if chosen is not None:
            st.rate, st.source, st.quoted_at = chosen.rate, chosen.source, chosen.quoted_at
            self._on_rate(chosen.rate, chosen.quoted_at, chosen.source, why)
        if usable:
            st.failures = 0
            if errors and self._on_error is not None:  # said if the chosen rate ages out
                self._on_error(errors)
            return chosen.rate if chosen is not None else None
        st.failures += 1
        reason = errors or "no FX source has a recent rate"
        if self._on_error is not None:
            self._on_error(reason)
        if st.failures in (1, 10) or st.failures % 100 == 0:
            logger.warning("FX: no usable rate ({}x): {}", st.failures, reason)
        return None

    async def run(self) -> None:
        while True:
            ok = await self.fetch_once() is not None
            await self._clock.sleep(self._refresh if ok else self._retry)
