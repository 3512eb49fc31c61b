"""The streams bench's pruning mode: the batched retention pass (bot/ops/maintenance.py) runs on
a filled database in the pipeline's own process and event loop, as in the service, while the
paced feed streams; `bench.streams` prints the paced p99 without and with it.

The database holds `days` days of 150 coins' per-minute premium and 30 markets' 1m candles, all
past a one-day retention, so every batch deletes a full 500 rows until the backlog is gone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.history import PremiumHistory
from bot.ops.maintenance import DAY, Maintenance
from core.clock import ManualClock
from core.market import Candle
from core.storage import Database
from core.storage.retention import Prunable, RetentionRule
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore

START = 1_767_225_600.0  # 2026-01-01 UTC
COINS = 150
MARKETS = 30


@dataclass
class PruneLoad:
    """What the background pruning did while the paced feed ran."""

    rows: int = 0
    first: float = 0.0  # perf_counter() of the first and the last batch
    last: float = 0.0
    backlog: int = 0

    @property
    def seconds(self) -> float:
        return self.last - self.first


async def fill(db: Database, days: int) -> int:
    """`days` of premium samples and candles, all old; returns the row count."""
    markets = [Instrument(Venue.BINANCE_SPOT, Symbol(f"C{i:03d}", "USDT")) for i in range(MARKETS)]
    rows = 0
    for day in range(days):
        start = int(START + day * DAY)
        minutes = range(start, start + int(DAY), 60)
        await db.executemany(
            "INSERT OR REPLACE INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, "
            "tether_premium, upbit_krw, binance_usdt) VALUES (?, ?, 1.5, 1.7, 0.2, 100.0, 0.07)",
            [(f"C{c:03d}", m) for c in range(COINS) for m in minutes],
        )
        await CandleStore(db).save(
            [Candle(i, "1m", m * 1000, 1.0, 1.1, 0.9, 1.05, 10.0) for i in markets for m in minutes]
        )
        rows += len(minutes) * (COINS + MARKETS)
    return rows


class _Counted:
    """A store's `prune_before`, counting each batch as it lands (a pass cut short by the end of
    the run still counts what it deleted)."""

    def __init__(self, store: Prunable, load: PruneLoad) -> None:
        self._store = store
        self._load = load

    async def prune_before(self, cutoff: float, limit: int) -> int:
        t = time.perf_counter()
        n = await self._store.prune_before(cutoff, limit)
        if n:
            self._load.first = self._load.first or t
            self._load.last = time.perf_counter()
            self._load.rows += n
        return n


async def pruning(
    stack: AsyncExitStack, folder: Path, days: int
) -> tuple[Callable[[], Awaitable[None]], PruneLoad]:
    """Open and fill the database (before the timed run); return the pruning loop to run beside
    the pipeline and the figures it fills in."""
    db = await stack.enter_async_context(Database.open(folder / "bot.sqlite3"))
    load = PruneLoad(backlog=await fill(db, days))
    clock = ManualClock(start=START + (days + 1) * DAY)
    rules = [
        RetentionRule("kimp_samples", DAY, _Counted(PremiumHistory(db), load)),
        RetentionRule("candles", DAY, _Counted(CandleStore(db), load)),
    ]
    maint = Maintenance(db, rules, clock, ZoneInfo("UTC"), quiet_hour=25 % 24)

    async def run() -> None:
        while True:  # pass after pass while the feed runs; idle once the backlog is gone
            if not any((await maint.prune()).values()):
                await asyncio.sleep(0.05)

    return run, load
