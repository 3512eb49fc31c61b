"""Funding rates stored at each funding time (issue 16, second pass): the mark-price stream's
announced rate, once a later funding time is announced, is what the previous one settled at;
the kimp service stores them with each minute, and the retention pass prunes them."""

from __future__ import annotations

from pathlib import Path

from alerts.funding import FundingBook
from alerts.funding_history import FundingHistory, FundingRate
from bot.config import load_settings
from bot.ops.install import retention_rules
from core.clock import ManualClock
from core.market import MarkPrice
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue

H8 = 8 * 3600
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC, a funding time


def mark(coin: str, rate: float, next_funding: int, quote: str = "USDT") -> MarkPrice:
    inst = Instrument(Venue.BINANCE_FUTURES, Symbol(coin, quote))
    return MarkPrice(inst, 1.0, 1.0, rate, next_funding * 1000, next_funding * 1000, 0.0)


def test_a_funding_time_settles_at_the_rate_last_announced_for_it() -> None:
    book = FundingBook()
    book.on_mark(mark("XRP", 0.0001, T0))
    book.on_mark(mark("XRP", 0.00025, T0))  # the estimate moves until the funding time
    book.on_mark(mark("XRP", 0.0003, T0, quote="USDC"))  # not a USDT perpetual: ignored
    assert book.take_settled() == []
    book.on_mark(mark("XRP", 0.0004, T0 + H8))  # T0 settled; the next one is announced
    book.on_mark(mark("XRP", 0.0004, T0 + H8))
    assert book.take_settled() == [FundingRate("XRP", T0, 0.00025)]
    assert book.take_settled() == []  # taken once


async def test_stored_rates_are_read_back_by_time_and_pruned(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    async with Database.open(path) as db:
        store = FundingHistory(db)
        rows = [FundingRate("XRP", T0 + i * H8, 0.0001 * i) for i in range(9)]  # three days
        assert await store.record([*rows, FundingRate("ETH", T0, -0.0002)]) == 10
        await store.record([FundingRate("XRP", T0, 0.0005)])  # the newer figure wins
        got = await store.rates("xrp", T0, T0 + 3 * H8)
        assert [(r.funding_ts, r.rate) for r in got] == [
            (T0, 0.0005), (T0 + H8, 0.0001), (T0 + 2 * H8, 0.0002)
        ]  # fmt: skip
        clock = ManualClock(start=float(T0 + 3 * 86400))
        settings = load_settings(env_file=None, db_path=path, kimp_history_days=1)
        (rule,) = [r for r in retention_rules(settings, db, clock) if r.table == "funding_rates"]
        cutoff = clock.now() - rule.keep_seconds
        assert await rule.store.prune_before(cutoff, 1000) == 7  # ETH's and XRP's first 6
        left = await store.rates("XRP", 0, 2e9)
        assert [r.funding_ts for r in left] == [T0 + 6 * H8, T0 + 7 * H8, T0 + 8 * H8]


async def test_the_kimp_service_stores_settled_rates_with_each_minute(tmp_path: Path) -> None:
    from tests.alerts.test_service import Inbox, service

    clock = ManualClock(start=float(T0 + 60))
    async with service(tmp_path / "k.db", clock, Inbox()) as svc:
        svc.monitor.on_event(mark("XRP", 0.0002, T0 + H8))
        svc.monitor.on_event(mark("XRP", -0.0001, T0 + 2 * H8))  # T0 + 8 h settled
        await svc.record_minute(T0)
        got = await svc.funding_history.rates("XRP", 0, 2e9)
        assert [(r.funding_ts, r.rate) for r in got] == [(T0 + H8, 0.0002)]
