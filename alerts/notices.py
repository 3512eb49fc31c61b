"""Announcing the venue's own warnings: which markets gained or lost a warning or caution flag.

`NoticeWatcher` refreshes the notices (any `NoticeSource`, the Upbit client as wired by
bot/features/kimp.py) every `refresh` seconds into the shared `core.market_notices.NoticeBoard`
(which the strategy runner reads to refuse entries) and announces what changed in one message
per refresh: a lone change as its own line, several (one coin or many) grouped under a title,
like the grouped suspensions, with the app's mute buttons for the coins named. The first
refresh is the starting point, not a change: a restart does not re-announce every flag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from loguru import logger

from core.clock import Clock
from core.market_notices import MarketNotice, NoticeBoard
from core.notifications import Actions, Notification, NotificationKind
from core.symbols import Symbol, Venue
from core.text import Lines, Text

NoticeSource = Callable[[], Awaitable[list[MarketNotice]]]
Send = Callable[[Notification], Awaitable[None]]
# The app's buttons under a notice about these coins (mute them); none by default.
Buttons = Callable[[list[str]], Actions]


@dataclass(frozen=True, slots=True)
class NoticeChange:
    coin: str  # the market's base: what a mute button names
    text: Text


def notice_changes(old: dict[Symbol, MarketNotice], new: list[MarketNotice]) -> list[NoticeChange]:
    """One change per market and flag kind whose warning or caution flags changed (markets that
    appear or disappear are the universe's business: listings, not warnings)."""
    out = []
    for n in new:
        before = old.get(n.symbol)
        if before is None:
            continue
        market, coin = str(n.symbol), n.symbol.base
        if n.warning != before.warning:
            key = "notice.alert.warning_on" if n.warning else "notice.alert.warning_off"
            out.append(NoticeChange(coin, Text.of(key, venue=n.venue, market=market)))
        added = sorted(set(n.cautions) - set(before.cautions))
        gone = sorted(set(before.cautions) - set(n.cautions))
        for flags, key in ((added, "notice.alert.caution_on"), (gone, "notice.alert.caution_off")):
            if flags:
                text = Text.of(key, venue=n.venue, market=market, flags=", ".join(flags))
                out.append(NoticeChange(coin, text))
    return out


def notice_message(venue: Venue, changes: list[NoticeChange]) -> Text:
    """One refresh's changes as one text: a lone change as it is, several under a title."""
    if len(changes) == 1:
        return changes[0].text
    coins = {c.coin for c in changes}
    return Text.of(
        "notice.alert.group", venue=venue, n=len(coins), lines=Lines(c.text for c in changes)
    )


def _no_buttons(coins: list[str]) -> Actions:
    return ()


@dataclass(slots=True)
class NoticeWatcher:
    venue: Venue
    source: NoticeSource
    board: NoticeBoard
    clock: Clock
    send: Send
    refresh: float = 60.0
    buttons: Buttons = field(default=_no_buttons)
    last_error: str | None = None
    sent: int = 0

    async def refresh_once(self) -> list[NoticeChange]:
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
        if changes:
            coins = sorted({c.coin for c in changes})
            text = notice_message(self.venue, changes)
            note = Notification(NotificationKind.KIMP_ALERT, text, buttons=self.buttons(coins))
            await self.send(note)
            self.sent += 1
        return changes

    async def run(self) -> None:
        while True:
            await self.refresh_once()
            await self.clock.sleep(self.refresh)
