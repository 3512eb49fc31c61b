"""Announcing a venue's scheduled delisting (Upbit's ticker `delisting_date`, 거래지원 종료일).

Upbit repeats the date on every ticker of the market from the day it is announced. The feed
loop hands each ticker that carries one to `seen` (cheap, synchronous: the hot path only
compares a string); `flush` (its own task) sends one alert per market and day and remembers it
in the key-value table, so a restart, which sees the date again on the first ticker, does not
repeat it. A changed date (postponed, brought forward) is announced again. A ticker without the
date for a market that had one (Upbit withdrew it) clears it: the market opens to entries again,
and a later date is news again.

The shared `NoticeBoard` gets the date at once: `/kimp` tags the coin and the strategy
runner's entry gate refuses new entries on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from loguru import logger

from core.clock import Clock
from core.market import Ticker
from core.market_notices import NoticeBoard
from core.notifications import Notification, NotificationKind
from core.storage.kv import KeyValueStore
from core.symbols import Instrument
from core.text import Text

Send = Callable[[Notification], Awaitable[None]]
KV_PREFIX = "kimp.delisting."  # + "upbit:XRP/KRW" -> the day announced


class DelistingWatch:
    def __init__(
        self, board: NoticeBoard, kv: KeyValueStore, send: Send, clock: Clock, every: float = 1.0
    ) -> None:
        self.board = board
        self._kv = kv
        self._send = send
        self._clock = clock
        self.every = every
        self._pending: dict[Instrument, str | None] = {}  # None: the date was withdrawn
        self.sent = 0

    @property
    def watching(self) -> bool:
        """Whether tickers without a date matter (some market has one that may be withdrawn)."""
        return self.board.delistings > 0

    def seen(self, ticker: Ticker) -> None:
        """A ticker with a delisting day: note it on the board, queue it if new. Without one,
        for a market that had a day: clear it."""
        day = ticker.delisting
        inst = ticker.instrument
        if day is None:
            if self.board.clear_delisting(inst.venue, inst.symbol):
                self._pending[inst] = None
        elif self.board.set_delisting(inst.venue, inst.symbol, day):
            self._pending[inst] = day

    async def flush(self) -> list[Text]:
        """Announce what is queued and not announced before (this run or an earlier one)."""
        out = []
        while self._pending:
            inst, day = self._pending.popitem()
            key = f"{KV_PREFIX}{inst}"
            if day is None:
                logger.info("{}: delisting date withdrawn", inst)
                await self._kv.set(key, "")  # a date announced again later is news again
                continue
            if await self._kv.get(key) == day:
                continue  # announced before a restart
            market = str(inst.symbol)
            text = Text.of("notice.alert.delisting", venue=inst.venue, market=market, day=day)
            note = Notification(NotificationKind.KIMP_ALERT, text, dedup_key=f"{key}@{day}")
            await self._send(note)
            await self._kv.set(key, day)
            self.sent += 1
            out.append(text)
        return out

    async def run(self) -> None:
        while True:
            await self.flush()
            await self._clock.sleep(self.every)
