"""What happens when a futures position's stop-loss or take-profit fails.

A protective order fails when the venue ends it without executing it (rejected when it
triggered, expired, stuck in TRIGGERING, finished with no order: `core.broker.EndedBy`) while
its position is still open, or when the venue refuses it as it is placed. Either way a leveraged
position is unprotected, so the user is told at once, and the stated policy
(`BRACKET_FAILURE_POLICY`) runs:

- `replace_then_close` (default): place it again once; if that fails too, close the position
  at market;
- `replace_then_alert`: place it again once; if that fails too, the position stays open and the
  user is alerted at every further failure (the periodic protection check keeps trying to place
  it, and each refusal is another alert);
- `close`: close the position at market.

So every path ends in a protected position, a closed position, or a loud repeated alert. A
second failure of the same bracket within `RETRY_WINDOW` of the retry is "failed again"; after
that a failure starts a new episode (one more retry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum

from loguru import logger

from core.notifications import Notification, NotificationKind
from core.orders import OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol
from core.text import Text
from trading.executor import OrderService, SubmitResult

RETRY_WINDOW = 900.0  # seconds: a failure this soon after the retry counts as the retry failing

Closer = Callable[[Symbol, str | None, str], Awaitable[SubmitResult]]


class FailurePolicy(StrEnum):
    REPLACE_THEN_CLOSE = "replace_then_close"
    REPLACE_THEN_ALERT = "replace_then_alert"
    CLOSE = "close"


class BracketGuard:
    """Carries out the policy; `close(symbol, bot, reason)` closes a position at market."""

    def __init__(
        self, svc: OrderService, kv: KeyValueStore, policy: FailurePolicy, close: Closer
    ) -> None:
        self.svc = svc
        self.kv = kv
        self.policy = policy
        self.close = close

    def _key(self, inst: Instrument, typ: OrderType) -> str:
        return f"bracket-retry:{'paper' if self.svc.paper else 'live'}:{inst.symbol}:{typ.value}"

    async def failed(
        self, inst: Instrument, typ: OrderType, bot: str | None, why: str | Text
    ) -> bool:
        """One protective order of the open position on `inst` failed (`why` says how).
        True: the caller places it again now. False: the position was closed, or the user
        alerted that it stays open without it."""
        what = Text.of(f"risk.bracket.{typ.value}")
        key = self._key(inst, typ)
        now = self.svc.clock.now()
        last = await self.kv.get(key)
        again = bool(last) and now - float(last or 0) < RETRY_WINDOW
        logger.error("{} {} failed ({}), policy {}", inst, typ.value, why, self.policy.value)
        if self.policy is not FailurePolicy.CLOSE and not again:
            await self.kv.set(key, str(now))
            self._tell("bracket.failed_replacing", inst, what, why)
            return True
        if self.policy is FailurePolicy.REPLACE_THEN_ALERT:
            self._tell("bracket.failed_alert", inst, what, why)
            return False
        self._tell("bracket.failed_closing", inst, what, why)
        res = await self.close(inst.symbol, bot, f"{typ.value} failed")
        if res.accepted:
            self._tell("bracket.closed", inst, what, why)
        else:
            self._tell("bracket.close_failed", inst, what, res.reason)
        return False

    def _tell(self, key: str, inst: Instrument, what: Text, why: str | Text) -> None:
        text = Text.of(key, symbol=inst.symbol, what=what, why=why, policy=self.policy.value)
        self.svc.notify(Notification(NotificationKind.RISK, text))
