"""The live hedge runner on the bus with the paper gateway: a kimp_hedge bot from the bots file,
started through the bot manager, enters and exits where the replay of the same recorded series
does; its hedge comes back from the gateway after a restart; a paused bot does not enter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.freshness import Freshness
from core.hedge import HedgeDirection, HedgeOutcome, HedgeRequest, HedgeResult
from core.market import Quote
from core.market_notices import EntryGate, MarketNotice, NoticeBoard
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from strategies.botconfig import parse_bots
from strategies.hedge.config import HedgeConfig
from strategies.hedge.paper import PaperHedgeGateway
from strategies.hedge.policy import HedgeAction
from strategies.hedge.premium import USDT_KRW
from strategies.hedge.replay import replay
from strategies.hedge.runner import HedgeRunner
from strategies.hedge.series import PremiumSeries
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually
from tests.strategies.hedge.helpers import T0, premium_path, series_for

BOTS = """
[bots.kh]
strategy = "kimp_hedge"
exchange = "upbit"
symbols = ["XRP/KRW"]
stake = 1000000
[bots.kh.params]
entry_pct = 0.5
exit_pct = 2.5
max_hold_hours = 2
"""
XRP_KRW = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))
XRP_USDT = Instrument(Venue.BINANCE_SPOT, Symbol("XRP", "USDT"))
MODEL = FillModel(slippage_bps=5)


def _quote(inst: Instrument, price: float, ts: float) -> Quote:
    return Quote(inst, price, 1.0, price, 1.0, int(ts * 1000), ts)


class Rig:
    def __init__(
        self,
        db: Database,
        gateway: PaperHedgeGateway | None = None,
        freshness: Freshness | None = None,
        entry_gate: EntryGate | None = None,
    ) -> None:
        self.bus = EventBus()
        self.clock = ManualClock()
        (d,) = parse_bots(BOTS, StrategyRegistry(), max_leverage=5)
        self.cfg = HedgeConfig.of(d)
        self.manager = BotManager(
            [d], StrategyRegistry(), BotStore(db, self.clock), self.bus, MODEL
        )
        self.runner: HedgeRunner
        self.gateway = gateway or PaperHedgeGateway(lambda c: None, MODEL, self.clock.now)
        self.runner = HedgeRunner(
            [self.cfg], self.gateway, self.bus, self.manager.store, self.clock,
            running=lambda n: n in self.manager.runners,
            paused=lambda n: self.manager.runners[n].engine.paused,
            freshness=freshness, entry_gate=entry_gate,
        )  # fmt: skip
        self.gateway._prices = self.runner.tracker.reading  # the paper fills at the bot's reading

    async def feed(self, s: PremiumSeries, rows: range) -> None:
        for i in rows:
            t = float(s.ts[i])
            self.clock.advance(t - self.clock.now())
            done = self.runner.evaluated
            for inst, price in (
                (XRP_KRW, s.upbit_krw[i]), (XRP_USDT, s.binance_usdt[i]), (USDT_KRW, s.usdt_krw[i])
            ):  # fmt: skip
                self.bus.publish(_quote(inst, float(price), t))
            await eventually(lambda: self.runner.evaluated > done, interval=0.001)  # noqa: B023


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "t.db") as database:
        yield database


async def _running(rig: Rig) -> asyncio.Task[None]:
    await rig.manager.load()
    await rig.manager.start("kh")
    return asyncio.create_task(rig.runner.run())


async def test_live_run_takes_the_replays_entries_and_exits(db: Database) -> None:
    s = series_for(premium_path(900))
    rig = Rig(db)
    task = await _running(rig)
    try:
        await rig.feed(s, range(len(s)))
    finally:
        task.cancel()
    live = [(t.ts, t.action.value, t.direction) for t in rig.runner.trades]
    want = replay(s, rig.cfg, MODEL, funding_rate_8h=0.0).events()
    assert len(want) >= 4
    assert live == want
    # The decision log has every entry and exit with its reason.
    rows = await rig.manager.store.decisions("kh", limit=100)
    assert sum(r.taken for r in rows) == len(want)
    # The paper gateway's fills are the replay's: same quantities and PnL (qty to 1e-8).
    (opened, closed), *_ = rig.gateway.closed
    first = replay(s, rig.cfg, MODEL, funding_rate_8h=0.0).trades[0]
    assert opened.spot is not None and opened.futures is not None
    assert closed.spot is not None and closed.futures is not None
    assert opened.spot.qty == opened.futures.qty == closed.spot.qty == closed.futures.qty
    assert float(opened.spot.qty) == pytest.approx(first.qty, rel=1e-8)
    # PnL of the paper legs by hand, the futures leg at KRW-USDT when it closed.
    usdt = float(s.usdt_krw[np.searchsorted(s.ts, first.exit_ts)])
    q = opened.spot.qty
    spot = q * (closed.spot.avg_price - opened.spot.avg_price) - opened.spot.fee - closed.spot.fee
    fut = q * (opened.futures.avg_price - closed.futures.avg_price)
    fut -= opened.futures.fee + closed.futures.fee
    assert float(spot) + float(fut) * usdt == pytest.approx(first.pnl_krw, rel=1e-6)


async def test_an_open_hedge_comes_back_from_the_gateway_after_a_restart(db: Database) -> None:
    prem = np.full(30, 1.5)
    prem[5] = 0.0  # enter
    prem[25] = 3.0  # exit
    s = series_for(prem)
    rig = Rig(db)
    task = await _running(rig)
    try:
        await rig.feed(s, range(0, 10))
    finally:
        task.cancel()
    assert [t.action for t in rig.runner.trades] == [HedgeAction.ENTER]
    # A new process: a new runner and manager over the same ledger (the gateway).
    again = Rig(db, rig.gateway)
    task = await _running(again)
    try:
        await again.feed(s, range(10, 30))
    finally:
        task.cancel()
    assert [(t.action, t.direction) for t in again.runner.trades] == [
        (HedgeAction.EXIT, HedgeDirection.FORWARD)
    ]
    assert len(rig.gateway.closed) == 1 and not await rig.gateway.open_hedges("kh")


async def test_a_paused_bot_records_the_refusal_once_and_does_not_enter(db: Database) -> None:
    prem = np.full(10, 1.5)
    prem[3:6] = 0.0
    s = series_for(prem)
    rig = Rig(db)
    task = await _running(rig)
    await rig.manager.set_paused("kh", True)
    try:
        await rig.feed(s, range(len(s)))
    finally:
        task.cancel()
    assert rig.runner.trades == []
    rows = await rig.manager.store.decisions("kh", limit=10)
    assert [(r.taken, r.reason) for r in rows] == [(False, Text.of("hedge.paused"))]


async def test_a_stopped_bot_does_nothing(db: Database) -> None:
    prem = np.full(6, 0.0)
    s = series_for(prem)
    rig = Rig(db)
    task = await _running(rig)
    await rig.manager.stop("kh")
    try:
        await rig.feed(s, range(len(s)))
    finally:
        task.cancel()
    assert rig.runner.trades == []


class _Refusing(PaperHedgeGateway):
    """The paper gateway, but every open is refused (a venue down, a minimum not met)."""

    def __init__(self) -> None:
        super().__init__(lambda c: None, MODEL, lambda: 0.0)
        self.tries = 0

    async def submit(self, req: HedgeRequest) -> HedgeResult:
        self.tries += 1
        return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=Text.of("hedge.bad_size"))


async def test_a_failed_entry_is_not_retried_on_every_price_but_after_a_minute(
    db: Database,
) -> None:
    prem = np.full(10, 0.0)  # in the entry band all along
    s = PremiumSeries.of(
        "XRP", [T0 + 20 * i for i in range(10)], (2800.0 * (1 + prem / 100)).tolist(),
        [2.0] * 10, [1400.0] * 10,
    )  # fmt: skip
    gateway = _Refusing()
    rig = Rig(db, gateway)
    task = await _running(rig)
    try:
        await rig.feed(s, range(len(s)))  # 20 s apart over 3 min: tries at 0, 60, 120 and 180 s
    finally:
        task.cancel()
    assert gateway.tries == 4 and rig.runner.trades == []
    rows = await rig.manager.store.decisions("kh", limit=10)
    assert [(r.taken, r.reason.key) for r in rows] == [(False, "hedge.not_done")]  # type: ignore[union-attr]


@pytest.mark.parametrize("gate", ["stale", "flagged"])
async def test_stale_data_or_an_upbit_warning_refuses_the_entry_with_its_reason(
    db: Database, gate: str
) -> None:
    s = series_for(np.full(5, 0.0))
    board = NoticeBoard()
    board.replace(Venue.UPBIT, [MarketNotice(Venue.UPBIT, Symbol("XRP", "KRW"), True)])
    if gate == "stale":  # every price 30 s old, 5 s allowed
        rig = Rig(db, freshness=Freshness(5.0, lambda inst: 30.0))
    else:
        rig = Rig(db, entry_gate=board.entry_problem)
    task = await _running(rig)
    try:
        await rig.feed(s, range(len(s)))
    finally:
        task.cancel()
    assert rig.runner.trades == []
    rows = await rig.manager.store.decisions("kh", limit=10)
    key = "reason.data_old" if gate == "stale" else "reason.market_flagged"
    assert [(r.taken, r.reason.key) for r in rows] == [(False, key)]  # type: ignore[union-attr]


class _Exposing(PaperHedgeGateway):
    """Opens on paper but reports the open as EXPOSED (one leg short of the other), as the
    executor does when a top-up fails; the hedge stays among its open hedges."""

    async def submit(self, req: HedgeRequest) -> HedgeResult:
        result = await super().submit(req)
        if req.opening and result.outcome is HedgeOutcome.OPENED:
            return HedgeResult(req.hedge_id, HedgeOutcome.EXPOSED, result.spot, result.futures,
                               reason=Text.of("hedge.bad_size"))  # fmt: skip
        return result


async def test_an_exposed_entry_is_held_not_opened_again_and_closed_on_the_band(
    db: Database,
) -> None:
    prem = np.full(12, 0.0)  # the entry band for 4 minutes, then the exit band
    prem[8:] = 3.0
    s = series_for(prem, t0=T0)
    rig = Rig(db)
    gateway = _Exposing(rig.runner.tracker.reading, MODEL, rig.clock.now)
    rig = Rig(db, gateway)
    task = await _running(rig)
    try:
        await rig.feed(s, range(len(s)))
    finally:
        task.cancel()
    assert [t.action for t in rig.runner.trades] == [HedgeAction.EXIT]
    assert len(gateway.closed) == 1 and not await gateway.open_hedges("kh")
