"""Drives the `CandleBuilder`: closes minutes by the clock, repairs tainted minutes from REST,
keeps recent history for strategies and stores closed candles in SQLite in batches (through
`exchanges.candle_store`, the table's owner).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from loguru import logger

from core.clock import Clock
from core.market import Candle
from core.storage import Database
from core.symbols import Instrument, Venue
from exchanges.candle_store import CandleStore
from exchanges.candles import MINUTE, CandleBuilder
from exchanges.http import RestError

RangeFetcher = Callable[[Instrument, int, int], Awaitable[list[Candle]]]


@dataclass(frozen=True, slots=True)
class CandleConfig:
    timeframes: tuple[str, ...] = ("5m", "15m", "1h")
    grace: float = 1.5  # seconds after the minute before the clock closes it
    tick_interval: float = 0.25
    backfill_give_up: float = 120.0  # after this, a tainted minute is released as built
    history: int = 1000  # candles kept per instrument and timeframe
    store_batch: int = 500
    store_interval: float = 2.0


class CandleService:
    def __init__(
        self,
        config: CandleConfig,
        clock: Clock,
        publish: Callable[[Candle], None],
        db: Database | None = None,
        max_lag: float = 30.0,
    ) -> None:
        """`max_lag`: how far (seconds) a live connection may lag our clock before its
        minutes close by our clock anyway; a stream that far behind is as good as stale."""
        self.config = config
        self._clock = clock
        self._publish = publish
        self._store = None if db is None else CandleStore(db)
        self.builder = CandleBuilder(
            self._emit, config.timeframes, int(config.grace * 1000), int(max_lag * 1000)
        )
        self.fetchers: dict[Venue, RangeFetcher] = {}
        self.history: dict[tuple[Instrument, str], deque[Candle]] = {}
        self._to_store: list[Candle] = []
        self._first_wanted: dict[tuple[Instrument, int], float] = {}
        self.stored = 0

    def _emit(self, candle: Candle) -> None:
        key = (candle.instrument, candle.timeframe)
        ring = self.history.get(key)
        if ring is None:
            ring = self.history[key] = deque(maxlen=self.config.history)
        ring.append(candle)
        self._to_store.append(candle)
        self._publish(candle)

    def seed(self, instrument: Instrument, timeframe: str, candles: list[Candle]) -> None:
        """Warm-up history (oldest first, closed only)."""
        key = (instrument, timeframe)
        ring = self.history.get(key)
        if ring is None:
            ring = self.history[key] = deque(maxlen=self.config.history)
        if ring:
            # Candles built live already: the history only goes in front of them, so the
            # ring stays in order without duplicates.
            first = ring[0].open_ts
            merged = [c for c in candles if c.open_ts < first] + list(ring)
            ring.clear()
            ring.extend(merged)
        else:
            ring.extend(candles)
        if timeframe == "1m":
            self.builder.seed(instrument, candles)

    def recent(self, instrument: Instrument, timeframe: str, n: int) -> list[Candle]:
        ring = self.history.get((instrument, timeframe))
        return list(ring)[-n:] if ring else []

    async def run(self) -> None:
        """Close minutes, backfill, store. Runs until cancelled (flushes what it has)."""
        cfg = self.config
        last_store = self._clock.monotonic()
        try:
            while True:
                self.builder.tick(int(self._clock.now() * 1000))
                await self._backfill()
                now = self._clock.monotonic()
                if len(self._to_store) >= cfg.store_batch or now - last_store >= cfg.store_interval:
                    last_store = now
                    await self.flush()
                await self._clock.sleep(cfg.tick_interval)
        finally:
            await asyncio.shield(self.flush())

    async def _backfill(self) -> None:
        now = self._clock.now()
        for inst, first, last in self.builder.wanted():
            fetch = self.fetchers.get(inst.venue)
            since = self._first_wanted.setdefault((inst, first), now)
            give_up = fetch is None or now - since >= self.config.backfill_give_up
            if give_up:
                logger.warning("candles {}: releasing unverified minutes from {}", inst, first)
                self.builder.resolve(inst, [], last, give_up=True)
                self._first_wanted.pop((inst, first), None)
                continue
            assert fetch is not None
            try:
                got = await fetch(inst, first, last)
            except RestError as exc:
                logger.info("candles {}: backfill failed ({}); will retry", inst, exc)
                continue
            # Only trust the venue for minutes it has finished (the newest may still be open).
            done_until = int(now * 1000) - int(self.config.grace * 1000) - MINUTE
            upto = min(last, done_until - done_until % MINUTE)
            if upto >= first:
                self.builder.resolve(inst, got, upto)
                self._first_wanted.pop((inst, first), None)

    async def flush(self) -> None:
        if not self._to_store or self._store is None:
            self._to_store.clear()
            return
        rows, self._to_store = self._to_store, []
        try:
            await self._store.save(rows)
            self.stored += len(rows)
        except Exception:
            logger.exception("storing {} candles failed; they stay in memory only", len(rows))
