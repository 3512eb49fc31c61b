"""Our own risk limits, checked after validation and before anything is written or sent.

Exits (sells of what we hold, reduce-only futures orders, orders that shrink a position) are
always allowed, so a user can get out while entries are paused. Everything that opens or grows
exposure must pass: kill switch, daily loss pause, stale market data, per-order cap, maximum
open positions and maximum position size as a share of equity.

Orders in flight count too: an entry that passes takes a `Reservation` in the same critical
section as its check (one `asyncio.Lock`, nothing awaited inside), so concurrent orders (Telegram
updates run concurrently, bots act on the same candle) each see the others. A reservation counts
as an open position in its instrument and as its unfilled notional in that position's size until
the order is settled: fills move it into the position, a final status (filled, cancelled,
rejected, never placed) releases it, and an unknown outcome keeps it until it is resolved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from loguru import logger

from core import numbers
from core.clock import Clock
from core.errors import Rejected
from core.notifications import Notification, NotificationKind
from core.numbers import Money
from core.symbols import Instrument, Venue
from core.text import Text
from trading.pnl import day_key


@dataclass(frozen=True, slots=True)
class RiskLimits:
    max_position_pct: Decimal = Decimal(30)
    max_open_positions: int = 5
    max_order_krw: Decimal = Decimal(5_000_000)
    daily_loss_limit_pct: Decimal = Decimal(5)


@dataclass(frozen=True, slots=True)
class Exposure:
    """The account as the risk check sees it, everything in KRW."""

    equity_krw: Decimal
    open_instruments: frozenset[Instrument]
    position_value_krw: Decimal  # current value of the position in the order's instrument
    daily_pnl_krw: Decimal  # realised today, fees included (negative = loss)


@dataclass(slots=True)
class Reservation:
    """An entry order in flight: what it may still add to its instrument's position."""

    instrument: Instrument
    qty: Decimal  # base quantity ordered (an estimate for a buy by quote amount)
    notional_krw: Decimal  # the whole order, valued when it was checked
    filled: Decimal = Decimal(0)  # already booked in the position

    @property
    def open_krw(self) -> Decimal:
        """The part not yet in the position."""
        if self.qty <= 0:
            return self.notional_krw
        return self.notional_krw * max(self.qty - self.filled, Decimal(0)) / self.qty


NotifyFn = Callable[[Notification], None]
StaleFn = Callable[[Venue], bool]
ExposureFn = Callable[[], Exposure]


class RiskManager:
    def __init__(
        self,
        limits: RiskLimits,
        clock: Clock,
        tz_name: str = "Asia/Seoul",
        notify: NotifyFn | None = None,
        is_stale: StaleFn | None = None,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._tz = ZoneInfo(tz_name)
        self._notify = notify
        self.is_stale = is_stale
        self.kill_switch = False
        self._paused_day: str | None = None
        self._lock = asyncio.Lock()
        self._reserved: dict[str, Reservation] = {}  # by client id

    @property
    def tz(self) -> ZoneInfo:
        """The zone the trading day (daily loss limit, daily PnL) starts and ends in."""
        return self._tz

    @property
    def paused(self) -> bool:
        return self._paused_day == day_key(self._clock.now(), self._tz)

    def set_kill_switch(self, on: bool) -> None:
        self.kill_switch = on
        logger.warning("kill switch {}", "ON: new orders refused" if on else "off")

    def status_lines(self) -> list[Text]:
        lines = []
        if self.kill_switch:
            lines.append(Text.of("risk.status_kill_switch"))
        if self.paused:
            lines.append(Text.of("risk.status_paused"))
        return lines

    @property
    def reserved(self) -> Mapping[str, Reservation]:
        """Entries in flight, by client id."""
        return self._reserved

    async def reserve(
        self,
        client_id: str,
        inst: Instrument,
        qty: Decimal,
        notional_krw: Decimal,
        exposure: ExposureFn,
    ) -> None:
        """Check an entry against every limit, counting the orders in flight, and reserve its
        room; raise `Rejected` with the reason instead. `exposure` reads the booked account
        (positions, today's PnL) as it is at that moment: it must not await."""
        async with self._lock:  # check and reserve as one step; nothing in here awaits
            self.check(inst, notional_krw, True, exposure())
            self._reserved[client_id] = Reservation(inst, qty, notional_krw)

    def restore(self, client_id: str, reservation: Reservation) -> None:
        """An entry still open at start-up (resting, or its outcome unknown) keeps its room."""
        self._reserved[client_id] = reservation

    def filled(self, client_id: str, filled_qty: Decimal) -> None:
        """`filled_qty` of the order is booked in the position now: only the rest stays reserved."""
        r = self._reserved.get(client_id)
        if r is not None:
            r.filled = max(r.filled, filled_qty)

    def release(self, client_id: str) -> None:
        """The order is settled (final): its fills are in the position, the rest is free."""
        self._reserved.pop(client_id, None)

    def check(
        self, inst: Instrument, notional_krw: Decimal, is_entry: bool, exposure: Exposure
    ) -> None:
        """Raise `Rejected` with the reason when this order breaks a limit. Entries in flight
        (`reserved`) count as open positions and as part of their instrument's position."""
        if not is_entry:
            return
        in_flight = self._reserved.values()
        opening = {r.instrument for r in in_flight} - exposure.open_instruments
        exposure = Exposure(
            equity_krw=exposure.equity_krw,
            open_instruments=exposure.open_instruments | opening,
            position_value_krw=exposure.position_value_krw
            + sum((r.open_krw for r in in_flight if r.instrument == inst), Decimal(0)),
            daily_pnl_krw=exposure.daily_pnl_krw,
        )
        lim, t = self.limits, Text.of
        if self.kill_switch:
            raise Rejected(t("reason.kill_switch"))
        self._check_daily_loss(exposure)
        if self.paused:
            raise Rejected(t("reason.daily_paused", pct=numbers.grouped(lim.daily_loss_limit_pct)))
        if self.is_stale is not None and self.is_stale(inst.venue):
            raise Rejected(t("reason.stale", venue=inst.venue))
        if notional_krw > lim.max_order_krw:
            value = Money(notional_krw, "KRW")
            raise Rejected(t("reason.max_order", value=value, cap=Money(lim.max_order_krw, "KRW")))
        if (
            inst not in exposure.open_instruments
            and len(exposure.open_instruments) >= lim.max_open_positions
        ):
            n = len(exposure.open_instruments)
            if opening:
                raise Rejected(
                    t(
                        "reason.max_positions_in_flight",
                        n=n - len(opening),
                        k=len(opening),
                        max=lim.max_open_positions,
                    )
                )
            raise Rejected(t("reason.max_positions", n=n, max=lim.max_open_positions))
        if exposure.equity_krw <= 0:
            raise Rejected(t("reason.no_equity"))
        after = exposure.position_value_krw + notional_krw
        pct = after / exposure.equity_krw * 100
        if pct > lim.max_position_pct:
            raise Rejected(
                t(
                    "reason.max_position_pct",
                    symbol=inst.symbol,
                    pct=pct.quantize(Decimal("0.1")),
                    max=numbers.grouped(lim.max_position_pct),
                )
            )

    def _check_daily_loss(self, exposure: Exposure) -> None:
        if self.paused or exposure.equity_krw <= 0:
            return
        limit = exposure.equity_krw * self.limits.daily_loss_limit_pct / 100
        if exposure.daily_pnl_krw <= -limit:
            today = day_key(self._clock.now(), self._tz)
            self._paused_day = today
            pnl, cap = Money(exposure.daily_pnl_krw, "KRW", signed=True), Money(limit, "KRW")
            text = Text.of("risk.daily_loss", pnl=pnl, limit=cap)
            logger.warning("daily loss limit: {} today, limit {}: entries paused", pnl, cap)
            if self._notify is not None:
                self._notify(
                    Notification(NotificationKind.RISK, text, dedup_key=f"daily-loss-{today}")
                )
