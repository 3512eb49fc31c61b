"""The history recorder's minute loop: one sample per coin per minute, on the minute. It never
deletes: old samples are the batched retention pass's (bot/ops, tests/ops/test_retention.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alerts.history import TETHER_ROW
from alerts.premium import Fees
from alerts.service import KimpService
from bot.config import load_settings
from bot.features.kimp import make_service
from core.clock import ManualClock
from core.fills import FEE_RATES
from core.notifications import Notification
from core.storage import Database
from tests.alerts.conftest import SleepLog, bn, up
from tests.helpers import eventually

T = 1_400.0


async def _drop(note: Notification) -> None:
    return None


def _feed(svc: KimpService, clock: ManualClock, premium: float) -> None:
    svc.monitor.on_event(up("USDT", T, clock))
    svc.monitor.set_fx(1_385.0, clock.now())
    for coin in ("BTC", "ETH"):
        svc.monitor.on_event(bn(coin, 10.0, clock))
        svc.monitor.on_event(up(coin, 10.0 * T * (1 + premium / 100), clock))


async def _rows(db: Database) -> list[tuple[str, int, float | None]]:
    rows = await db.fetchall(
        "SELECT coin, minute_ts, usdt_kimp FROM kimp_samples ORDER BY minute_ts, coin"
    )
    return [(str(r[0]), int(r[1]), r[2]) for r in rows]


async def test_minute_loop_records_each_finished_minute_and_leaves_pruning_to_retention(
    tmp_path: Path,
) -> None:
    minute = 1_700_000_040.0  # a minute boundary
    clock = SleepLog(start=minute + 20)
    settings = load_settings(env_file=None, db_path=tmp_path / "k.db", kimp_history_days=1)
    async with Database.open(tmp_path / "k.db") as db:
        svc = make_service(
            settings.kimp,
            settings.market_data,
            settings.core,
            db,
            clock,
            _drop,
            Fees.from_rates(FEE_RATES),
        )
        await svc.load()
        svc.set_coins({"BTC", "ETH"})
        await (
            db.execute(  # two days old: beyond the one-day retention, yet not the loop's to delete
                "INSERT INTO kimp_samples(coin, minute_ts, usdt_kimp) VALUES ('BTC', ?, 1.0)",
                (int(minute) - 2 * 86_400,),
            )
        )
        _feed(svc, clock, 1.0)
        task = asyncio.create_task(svc.run_history(), name="kimp-history-test")
        try:
            await eventually(lambda: clock.sleeps)
            assert clock.sleeps == [40.5]  # wakes half a second after the minute ends
            clock.advance(40.0)
            assert len(clock.sleeps) == 1  # not yet
            _feed(svc, clock, 1.0)  # fresh legs: a stale coin is not sampled
            clock.advance(0.5)
            await eventually(lambda: len(clock.sleeps) == 2)
            old, *rows = await _rows(db)
            # The two-day-old row is still there: an unbatched DELETE here would hold the shared
            # connection for a whole table's worth of rows (it used to run hourly beside the pass).
            assert old == ("BTC", int(minute) - 2 * 86_400, 1.0)
            assert rows == [
                ("BTC", int(minute), rows[0][2]),
                ("ETH", int(minute), rows[1][2]),
                (TETHER_ROW, int(minute), None),
            ]
            assert abs((rows[0][2] or 0) - 1.0) < 1e-9
            assert clock.sleeps[1] == 60.0  # stays aligned: next wake at :00.5 again
            clock.advance(59.0)
            _feed(svc, clock, 2.0)
            clock.advance(1.0)
            await eventually(lambda: len(clock.sleeps) == 3)
            old, *rows = await _rows(db)
            nxt = [(c, v) for c, ts, v in rows if ts == int(minute) + 60]
            assert [c for c, _ in nxt] == ["BTC", "ETH", TETHER_ROW]
            assert nxt[0][1] is not None and abs(nxt[0][1] - 2.0) < 1e-9
            assert len(rows) == 6  # one sample per coin per minute, nothing twice
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
