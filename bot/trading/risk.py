"""Our own risk limits, checked after validation and before anything is written or sent.

Exits (sells of what we hold, reduce-only futures orders, orders that shrink a position) are
always allowed, so a user can get out while entries are paused. Everything that opens or grows
exposure must pass: kill switch, daily loss pause, stale market data, per-order cap, maximum
open positions and maximum position size as a share of equity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from loguru import logger

from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.notifications import Notification, NotificationKind
from bot.domain.symbols import Instrument, Venue
from bot.trading.errors import Rejected
from bot.trading.pnl import day_key
from bot.trading.validation import fmt


@dataclass(frozen=True, slots=True)
class RiskLimits:
    max_position_pct: Decimal = Decimal(30)
    max_open_positions: int = 5
    max_order_krw: Decimal = Decimal(5_000_000)
    daily_loss_limit_pct: Decimal = Decimal(5)

    @classmethod
    def from_settings(cls, s: Settings) -> RiskLimits:
        return cls(
            max_position_pct=Decimal(str(s.max_position_pct)),
            max_open_positions=s.max_open_positions,
            max_order_krw=Decimal(str(s.max_order_krw)),
            daily_loss_limit_pct=Decimal(str(s.daily_loss_limit_pct)),
        )


@dataclass(frozen=True, slots=True)
class Exposure:
    """The account as the risk check sees it, everything in KRW."""

    equity_krw: Decimal
    open_instruments: frozenset[Instrument]
    position_value_krw: Decimal  # current value of the position in the order's instrument
    daily_pnl_krw: Decimal  # realised today, fees included (negative = loss)


NotifyFn = Callable[[Notification], None]
StaleFn = Callable[[Venue], bool]


class RiskManager:
    def __init__(
        self,
        limits: RiskLimits,
        clock: Clock,
        tz_name: str = "Asia/Seoul",
        notify: NotifyFn | None = None,
        is_stale: StaleFn | None = None,
    ) -> None:
        from zoneinfo import ZoneInfo

        self.limits = limits
        self._clock = clock
        self._tz = ZoneInfo(tz_name)
        self._notify = notify
        self.is_stale = is_stale
        self.kill_switch = False
        self._paused_day: str | None = None

    @property
    def paused(self) -> bool:
        return self._paused_day == day_key(self._clock.now(), self._tz)

    def set_kill_switch(self, on: bool) -> None:
        self.kill_switch = on
        logger.warning("kill switch {}", "ON: new orders refused" if on else "off")

    def status_lines(self) -> list[str]:
        lines = []
        if self.kill_switch:
            lines.append("KILL SWITCH ON: new entries refused")
        if self.paused:
            lines.append("daily loss limit reached: new entries paused until tomorrow")
        return lines

    def check(
        self, inst: Instrument, notional_krw: Decimal, is_entry: bool, exposure: Exposure
    ) -> None:
        """Raise `Rejected` with the reason when this order breaks a limit."""
        if not is_entry:
            return
        lim = self.limits
        if self.kill_switch:
            raise Rejected("The kill switch is on: new entries are refused. /killswitch to reset.")
        self._check_daily_loss(exposure)
        if self.paused:
            raise Rejected(
                "The daily loss limit was reached: new entries are paused until tomorrow "
                f"({fmt(lim.daily_loss_limit_pct)}% of equity)."
            )
        if self.is_stale is not None and self.is_stale(inst.venue):
            raise Rejected(
                f"{inst.venue.label} market data is stale or degraded: new orders are refused "
                "until prices are live again."
            )
        if notional_krw > lim.max_order_krw:
            raise Rejected(
                f"The order is worth {fmt(notional_krw.quantize(Decimal(1)), 'KRW')}, above the "
                f"per-order cap of {fmt(lim.max_order_krw, 'KRW')} (MAX_ORDER_KRW)."
            )
        if (
            inst not in exposure.open_instruments
            and len(exposure.open_instruments) >= lim.max_open_positions
        ):
            raise Rejected(
                f"{len(exposure.open_instruments)} positions are already open, the maximum is "
                f"{lim.max_open_positions} (MAX_OPEN_POSITIONS). Close one first."
            )
        if exposure.equity_krw <= 0:
            raise Rejected("The account equity is unknown or zero; cannot size a new position.")
        after = exposure.position_value_krw + notional_krw
        pct = after / exposure.equity_krw * 100
        if pct > lim.max_position_pct:
            raise Rejected(
                f"This would make the {inst.symbol} position {pct.quantize(Decimal('0.1'))}% of "
                f"equity, above the {fmt(lim.max_position_pct)}% limit (MAX_POSITION_PCT)."
            )

    def _check_daily_loss(self, exposure: Exposure) -> None:
        if self.paused or exposure.equity_krw <= 0:
            return
        limit = exposure.equity_krw * self.limits.daily_loss_limit_pct / 100
        if exposure.daily_pnl_krw <= -limit:
            today = day_key(self._clock.now(), self._tz)
            self._paused_day = today
            text = (
                f"Daily loss limit reached: {fmt(exposure.daily_pnl_krw.quantize(Decimal(1)))} "
                f"KRW today (limit {fmt(limit.quantize(Decimal(1)))} KRW). New entries are paused "
                "until tomorrow; exits still work."
            )
            logger.warning(text)
            if self._notify is not None:
                self._notify(
                    Notification(NotificationKind.RISK, text, dedup_key=f"daily-loss-{today}")
                )
