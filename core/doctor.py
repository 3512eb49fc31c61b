"""The live pre-flight check's results (`python -m bot doctor`, `/doctor`, before live start).

Venue probes (`exchanges/<venue>/doctor.py`) and the app's own checks (Telegram, the bots file)
return `Check`s; the app words them (`bot/doctor`). A check says what was looked at (`item`,
a catalog key under `doctor.item.`), what was found and, when it is not fine, what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.symbols import Symbol, Venue
from core.text import Text


class CheckStatus(StrEnum):
    OK = "ok"  # ✅
    INFO = "info"  # ℹ️ nothing wrong, but worth knowing (e.g. a venue without keys)
    WARN = "warn"  # ⚠️ live trading may start, but fix it
    FAIL = "fail"  # ❌ live trading refuses to start


class Area(StrEnum):
    """Where a check belongs: each is a heading of the checklist (`doctor.area.<value>`)."""

    UPBIT = "upbit"
    BINANCE_SPOT = "binance"
    BINANCE_FUTURES = "binance_futures"
    TELEGRAM = "telegram"
    BOTS = "bots"
    BITHUMB = "bithumb"


@dataclass(frozen=True, slots=True)
class Check:
    area: Area
    item: str  # what was checked: catalog key `doctor.item.<item>` (keys, clock, ...)
    status: CheckStatus
    found: Text
    fix: Text | None = None  # what to do; every WARN and FAIL has one
    subject: str = ""  # which bot / market the check is about, when there are several


@dataclass(frozen=True, slots=True)
class StakePlan:
    """One configured bot's entry size on one market, for the minimum-order check."""

    bot: str
    venue: Venue
    symbol: Symbol
    stake: Decimal | None  # quote amount per position, or
    stake_pct: Decimal | None  # a share of the venue's quote balance, in percent
    leverage: int = 1

    def notional(self, balance: Decimal | None) -> Decimal | None:
        """The order's quote value (stake, or stake_pct of `balance`, times leverage); None
        when it depends on a balance that is unknown."""
        if self.stake is not None:
            base = self.stake
        elif self.stake_pct is not None and balance is not None:
            base = balance * self.stake_pct / 100
        else:
            return None
        return base * self.leverage


def worst(checks: Iterable[Check]) -> CheckStatus:
    order = (CheckStatus.OK, CheckStatus.INFO, CheckStatus.WARN, CheckStatus.FAIL)
    return max((c.status for c in checks), key=order.index, default=CheckStatus.OK)


def failed(checks: Iterable[Check]) -> bool:
    """Whether live trading must refuse to start."""
    return any(c.status is CheckStatus.FAIL for c in checks)
