"""Announcing that trading opens on a market listed for deposits only (Upbit's ticker
`market_state` going PREVIEW -> ACTIVE), with its first premium.

A new Upbit listing usually opens for deposits first (PREVIEW) and for trading hours later:
the opening is when the premium moves, so it is told like a listing. The feed loop hands each
ticker that carries a state to `seen` (cheap and synchronous: a dict lookup per ticker); the
shared `NoticeBoard` gets the state at once (`/kimp` tags PREVIEW/DELISTED, orders and bot
entries are refused there). `due` (its own task) sends the opening once the coin's premium is
known, or without it after `wait` seconds. The first state seen for a market is the starting
point: a restart announces nothing, and a market already ACTIVE is no opening.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.clock import Clock
from core.market import Ticker, TradingState
from core.market_notices import NoticeBoard
from core.notifications import Notification, NotificationKind
from core.symbols import Instrument
from core.text import Text

Send = Callable[[Notification], Awaitable[None]]
# The market's own USDT premium (%) on its KRW venue's book, None when not known.
Premium = Callable[[Instrument], float | None]


class TradingOpenWatch:
    def __init__(
        self,
        board: NoticeBoard,
        premium: Premium,
        send: Send,
        clock: Clock,
        wait: float = 300.0,
        every: float = 1.0,
    ) -> None:
        self.board = board
        self._premium = premium
        self._send = send
        self._clock = clock
        self.wait = wait
        self.every = every
        self._opened: dict[Instrument, float] = {}  # opened, premium not announced yet -> when
        self.sent = 0

    def seen(self, ticker: Ticker) -> None:
        """A ticker carrying `market_state`: note it on the board, queue an opening."""
        state = ticker.state
        if state is None:
            return
        inst = ticker.instrument
        before = self.board.set_state(inst.venue, inst.symbol, state)
        if before is TradingState.PREVIEW and state is TradingState.ACTIVE:
            self._opened.setdefault(inst, self._clock.now())
        elif state is not TradingState.ACTIVE:
            self._opened.pop(inst, None)  # back to preview or delisted before we told it

    async def due(self) -> list[Text]:
        """Send the openings whose premium is known, or whose wait is over."""
        now = self._clock.now()
        out = []
        for inst, since in list(self._opened.items()):
            pct = self._premium(inst)
            if pct is None and now - since < self.wait:
                continue
            del self._opened[inst]
            market = str(inst.symbol)
            if pct is None:
                text = Text.of(
                    "notice.alert.trading_open_no_price", venue=inst.venue, market=market
                )
            else:
                text = Text.of(
                    "notice.alert.trading_open", venue=inst.venue, market=market, pct=f"{pct:+.2f}"
                )
            key = f"kimp.trading_open.{inst}@{int(since)}"
            await self._send(Notification(NotificationKind.KIMP_ALERT, text, dedup_key=key))
            self.sent += 1
            out.append(text)
        return out

    async def run(self) -> None:
        while True:
            await self.due()
            await self._clock.sleep(self.every)
