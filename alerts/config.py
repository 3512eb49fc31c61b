"""The kimp feature's own configuration: the alert levels (`AlertConfig`, changeable at run
time with /kimpalert) and what the service needs besides (`KimpConfig`). The app builds both
from its settings (bot/features/kimp.py); alerts never sees the settings object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Literal

from core.symbols import Venue

TETHER_KEY = "tether"
SPREAD_PREFIX = "spread:"  # the Upbit–Bithumb spread's alert keys (alerts/krw_venues.py)


@dataclass(frozen=True, slots=True)
class AlertConfig:
    high_pct: float = 3.0
    low_pct: float = -2.0
    rearm_margin_pct: float = 0.5
    min_duration: float = 30.0
    cooldown: float = 600.0
    escalation_step_pct: float = 1.0
    jump_pct: float = 1.5
    jump_window: float = 300.0
    implausible_pct: float = 30.0
    digest_min: int = 3  # this many coin alerts in one round become one digest
    digest_window: float = 60.0  # and alerts within this long after a digest join the next one
    tether_high_pct: float = 2.0  # the tether premium's own levels (TETHER_HIGH/LOW_PCT)
    tether_low_pct: float = -1.0
    spread_high_pct: float = 1.0  # the spread between two KRW venues (KIMP_SPREAD_HIGH/LOW_PCT)
    spread_low_pct: float = -1.0

    def levels(self, key: str) -> tuple[float, float]:
        """(high, low) thresholds for a key: the tether premium and the spread have their own."""
        if key == TETHER_KEY or key.startswith(TETHER_KEY + "@"):  # every KRW venue's tether
            return self.tether_high_pct, self.tether_low_pct
        if key.startswith(SPREAD_PREFIX):
            return self.spread_high_pct, self.spread_low_pct
        return self.high_pct, self.low_pct

    def problems(self) -> list[str]:
        out = []
        m = self.rearm_margin_pct
        for name, hi, lo in (
            ("", self.high_pct, self.low_pct),
            ("tether ", self.tether_high_pct, self.tether_low_pct),
            ("spread ", self.spread_high_pct, self.spread_low_pct),
        ):
            if lo >= hi:
                out.append(f"the {name}low threshold must be below the {name}high threshold")
            elif hi - m <= lo + m:
                out.append(
                    f"the re-arm margin is too wide for the gap between the {name}thresholds"
                )
            if self.implausible_pct <= max(abs(hi), abs(lo)):
                out.append(f"the implausible bound must be beyond the {name}thresholds")
        if self.escalation_step_pct <= 0 or self.jump_pct <= 0 or self.jump_window <= 0:
            out.append("step, jump and window must be positive")
        if self.min_duration < 0 or self.cooldown < 0 or m < 0:
            out.append("duration, cooldown and margin cannot be negative")
        return out


@dataclass(frozen=True, slots=True)
class KimpConfig:
    """Everything `KimpService` reads besides the alert levels (settings names in comments)."""

    alerts: AlertConfig = field(default_factory=AlertConfig)  # the KIMP_* levels at start-up
    stale_after: float = 30.0  # STALE_AFTER
    fx_stale_after: float = 3600.0  # FX_STALE_AFTER
    startup_grace: float = 120.0  # NO_DATA_ALERT_AFTER
    denylist: frozenset[str] = frozenset()  # KIMP_DENYLIST
    alert_basis: Literal["usdt", "fx"] = "usdt"  # KIMP_ALERT_BASIS
    exec_size_krw: float = 1_000_000.0  # KIMP_EXEC_SIZE_KRW
    min_volume_krw: float = 0.0  # KIMP_MIN_VOLUME_KRW: coins below it never alert; 0 = no floor
    one_venue_listings: Literal["krw", "all", "none"] = "krw"  # KIMP_ONE_VENUE_LISTINGS
    tz: tzinfo = UTC  # TZ, for the chart's time axis
    # KRW venues besides Upbit whose premium and spread against Upbit are watched, and the one
    # /kimp shows by default (KIMP_KRW_VENUE).
    extra_krw: tuple[Venue, ...] = ()
    default_krw: Venue = Venue.UPBIT
    # The spread alert watches the net spread at the best prices after both taker fees, or the
    # raw price difference (KIMP_SPREAD_ALERT_BASIS).
    spread_basis: Literal["net", "raw"] = "net"
