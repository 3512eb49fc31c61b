"""Announcing the venue's own warnings: which markets gained or lost a warning or caution flag.

`NoticeWatcher` refreshes the notices (any `NoticeSource`, the Upbit client as wired by
bot/features/kimp.py) every `refresh` seconds into the shared `core.market_notices.NoticeBoard`
(which the strategy runner reads to refuse entries) and sends one alert per change. The first
refresh is the starting point, not a change: a restart does not re-announce every flag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from loguru import logger

from core.clock import Clock
from core.market_notices import MarketNotice, NoticeBoard
from core.notifications import Notification, NotificationKind
from core.symbols import Symbol, Venue
from core.text import Text

NoticeSource = Callable[[], Awaitable[list[MarketNotice]]]
Send = Callable[[Notification], Awaitable[None]]


def notice_changes(old: dict[Symbol, MarketNotice], new: list[MarketNotice]) -> list[Text]:
    """One text per market whose warning or caution flags changed (markets that appear or
    disappear are the universe's business: listings, not warnings)."""
    out = []
    for n in new:
        before = old.get(n.symbol)
        if before is None:
            continue
        market = str(n.symbol)
        if n.warning != before.warning:
            key = "notice.alert.warning_on" if n.warning else "notice.alert.warning_off"
            out.append(Text.of(key, venue=n.venue, market=market))
        added = sorted(set(n.cautions) - set(before.cautions))
        gone = sorted(set(before.cautions) - set(n.cautions))
        if added:
            flags = ", ".join(added)
            out.append(
                Text.of("notice.alert.caution_on", venue=n.venue, market=market, flags=flags)
            )
        if gone:
            flags = ", ".join(gone)
            out.append(
                Text.of("notice.alert.caution_off", venue=n.venue, market=market, flags=flags)
            )
    return out


@dataclass(slots=True)
class NoticeWatcher:
    venue: Venue
    source: NoticeSource
    board: NoticeBoard
    clock: Clock
    send: Send
    refresh: float = 60.0
    last_error: str | None = None
    sent: int = 0

    async def refresh_once(self) -> list[Text]:
        """One refresh; returns the changes it announced (never raises I/O)."""
        try:
            notices = await self.source()
        except Exception as exc:  # any failure of the source: keep the board as it was
            self.last_error = str(exc) or type(exc).__name__
            logger.warning("{} market warnings: refresh failed ({})", self.venue, exc)
            return []
        self.last_error = None
        first = self.venue not in self.board.known
        old = self.board.replace(self.venue, notices)
        changes = [] if first else notice_changes(old, notices)
        for text in changes:
            await self.send(Notification(NotificationKind.KIMP_ALERT, text))
            self.sent += 1
        return changes

    async def run(self) -> None:
        while True:
            await self.refresh_once()
            await self.clock.sleep(self.refresh)
