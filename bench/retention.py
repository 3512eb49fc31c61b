"""Bounded storage benchmark: days of the service's writes in virtual time (150 coins' premium
every minute, 1m candles, decisions, notifications), a retention pass after each day, the
database size per day, and how much the pruning delays the event loop (what the stream pipeline
runs on) against the same loop idle.

    python -m bench.retention            # 150 coins, 12 days, 5 days kept
    python -m bench.retention --quick    # 50 coins, 5 days, 2 days kept
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alerts.history import PremiumHistory
from bot.notify.outbox import Outbox
from bot.ops.maintenance import DAY, Maintenance
from core.clock import ManualClock
from core.market import Candle
from core.storage import Database
from core.storage.retention import RetentionRule, db_size, human_size
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore
from strategies.store import BotStore

PROBE = 0.001  # the loop-lag probe's period (s)


async def _day(db: Database, coins: int, markets: list[Instrument], start: float) -> None:
    minutes = range(int(start) // 60 * 60, int(start + DAY), 60)
    await db.executemany(
        "INSERT OR REPLACE INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, "
        "tether_premium, upbit_krw, binance_usdt) VALUES (?, ?, 1.5, 1.7, 0.2, 100.0, 0.07)",
        [(f"C{c:03d}", m) for c in range(coins) for m in minutes],
    )
    await CandleStore(db).save(
        [Candle(i, "1m", m * 1000, 1.0, 1.1, 0.9, 1.05, 10.0) for i in markets for m in minutes]
    )
    await db.executemany(
        "INSERT INTO decisions(bot, symbol, action, taken, reason, ts, candle_ts) "
        "VALUES ('b', 'C000/USDT', 'hold', 0, 'no signal', ?, 0)",
        [(start + k * 60.0,) for k in range(1440)],
    )
    await db.executemany(
        "INSERT INTO outbox(kind, text, silent, created_ts, sent_ts) VALUES ('info', ?, 0, ?, ?)",
        [("x" * 300, start + k * 300, start + k * 300 + 1) for k in range(288)],
    )


async def _lag_during(work: asyncio.Future[Any] | None, seconds: float) -> list[float]:
    """Overshoot of a 1 ms sleep, sampled while `work` runs (or for `seconds` when None)."""
    lags: list[float] = []
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while (work is not None and not work.done()) or (work is None and loop.time() < end):
        t = time.perf_counter()
        await asyncio.sleep(PROBE)
        lags.append(time.perf_counter() - t - PROBE)
    return lags


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


async def run(coins: int, days: int, keep_days: int, markets: int) -> None:
    instruments = [
        Instrument(Venue.BINANCE_SPOT, Symbol(f"C{i:03d}", "USDT")) for i in range(markets)
    ]
    clock = ManualClock(start=1_767_225_600.0)
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "bot.sqlite3") as db:
            rules = [
                RetentionRule("kimp_samples", keep_days * DAY, PremiumHistory(db)),
                RetentionRule("candles", keep_days * DAY, CandleStore(db)),
                RetentionRule("decisions", keep_days * DAY, BotStore(db, clock)),
                RetentionRule("outbox", keep_days * DAY, Outbox(db)),
            ]
            maint = Maintenance(db, rules, clock, ZoneInfo("UTC"), quiet_hour=25 % 24)
            idle = await _lag_during(None, 2.0)
            busy: list[float] = []
            print(f"{coins} coins, {markets} markets' 1m candles, {keep_days} days kept")
            for day in range(1, days + 1):
                await _day(db, coins, instruments, clock.now())
                clock.advance(DAY)
                t = time.perf_counter()
                work = asyncio.ensure_future(maint.prune())
                busy += await _lag_during(work, 0)
                pruned = sum((await work).values())
                took = time.perf_counter() - t
                await maint.upkeep()
                size = await db_size(db)
                print(
                    f"  day {day:2d}: {human_size(size.total):>9} on disk "
                    f"({human_size(size.free_bytes)} free), pruned {pruned:,} rows in {took:.2f}s"
                )
            print(
                f"event-loop lag, 1 ms probe: idle p50 {_pct(idle, 0.5):.2f} ms p99 "
                f"{_pct(idle, 0.99):.2f} ms max {_pct(idle, 1.0):.2f} ms; while pruning p50 "
                f"{_pct(busy, 0.5):.2f} ms p99 {_pct(busy, 0.99):.2f} ms max {_pct(busy, 1.0):.2f} ms"
            )


def main(quick: bool = False, argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.retention", description=__doc__)
    p.add_argument("--coins", type=int, default=50 if quick else 150)
    p.add_argument("--days", type=int, default=5 if quick else 12)
    p.add_argument("--keep", type=int, default=2 if quick else 5)
    p.add_argument("--markets", type=int, default=10 if quick else 30)
    args = p.parse_args(argv if argv is not None else ([] if quick else None))
    asyncio.run(run(args.coins, args.days, args.keep, args.markets))


if __name__ == "__main__":
    main()
