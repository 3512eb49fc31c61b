"""The kimp-hedge bot end to end against the exchange simulator (live mode, both venues, real
ccxt adapters, the trading layer's two-leg executor): a scripted premium dip and recovery gives
one entry (both legs, equal quantity) and one exit, the hedge's PnL equals a hand computation
from the simulator's own orders, and the replay of the premium series the run saw takes the
same entry and exit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.clock import SystemClock
from core.fills import FillModel
from core.hedge import HedgeDirection, HedgeOutcome
from peers.exchange_sim.server import SimExchange
from strategies.botconfig import parse_bots
from strategies.hedge.config import HedgeConfig
from strategies.hedge.policy import HedgeAction, PremiumReading
from strategies.hedge.premium import PremiumTracker
from strategies.hedge.replay import replay
from strategies.hedge.runner import HedgeRunner
from strategies.hedge.series import PremiumSeries
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually
from tests.trading.test_hedge_sim import by_hand, desk, futures_amt, upbit_btc
from trading.hedge.store import HedgeState

BOTS = """
[bots.kh]
strategy = "kimp_hedge"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 1000000
[bots.kh.params]
entry_pct = 0.5
exit_pct = 2.5
short_leverage = 2
"""


class Recording(PremiumTracker):
    """The bus premium, keeping every reading the runner decided on (the recorded series)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[PremiumReading] = []

    def reading(self, coin: str) -> PremiumReading | None:
        r = super().reading(coin)
        if r is not None:
            self.seen.append(r)
        return r


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=1, tick_interval=0.02) as exchange:
        yield exchange


async def test_a_dip_and_recovery_is_one_hedge_in_and_out_with_pnl_by_hand(
    sim: SimExchange, tmp_path: Path
) -> None:
    sim.market.set_premium("BTC", 1.5)  # inside the bands: nothing to do
    btc0, amt0 = upbit_btc(sim), futures_amt(sim)
    (d,) = parse_bots(BOTS, StrategyRegistry(), max_leverage=5)
    async with desk(sim, tmp_path) as (env, hedges):
        store = BotStore(env.db, SystemClock())
        manager = BotManager([d], StrategyRegistry(), store, env.bus, FillModel())
        tracker = Recording()
        runner = HedgeRunner(
            [HedgeConfig.of(d)], hedges.hedge_gateway(), env.bus, store, SystemClock(),
            running=lambda n: n in manager.runners,
            paused=lambda n: manager.runners[n].engine.paused, tracker=tracker,
        )  # fmt: skip
        await manager.load()
        await manager.start("kh")
        task = asyncio.create_task(runner.run())
        try:
            await eventually(lambda: runner.evaluated > 5, timeout=30)
            assert runner.trades == []
            sim.market.ramp_premium("BTC", 0.0, over_seconds=1.0)  # the dip
            await eventually(lambda: len(runner.trades) == 1, timeout=30)
            entry = runner.trades[0]
            assert (entry.action, entry.direction) == (HedgeAction.ENTER, HedgeDirection.FORWARD)
            spot, fut = entry.result.spot, entry.result.futures
            assert entry.result.outcome is HedgeOutcome.OPENED
            assert spot is not None and fut is not None and spot.qty == fut.qty
            assert upbit_btc(sim) - btc0 == spot.qty and futures_amt(sim) - amt0 == -fut.qty
            sim.market.ramp_premium("BTC", 3.0, over_seconds=1.0)  # the recovery
            await eventually(lambda: len(runner.trades) == 2, timeout=30)
            seen = runner.evaluated
            await eventually(lambda: runner.evaluated > seen + 20, timeout=30)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert [(t.action, t.direction) for t in runner.trades] == [
            (HedgeAction.ENTER, HedgeDirection.FORWARD),
            (HedgeAction.EXIT, HedgeDirection.FORWARD),
        ]
        assert upbit_btc(sim) == btc0 and futures_amt(sim) == amt0
        view = await hedges.detail(entry.result.hedge_id)
        assert view is not None and view.record.state is HedgeState.CLOSED
        assert view.record.bot == "kh"
        assert view.record.open_ref is not None and view.record.close_ref is not None
        hand = by_hand(sim, env, view.record.open_ref.fx, view.record.close_ref.fx,
                       {o.client_id: o.phase.value for o in view.orders})  # fmt: skip
        assert view.pnl.total == hand
        assert hand > 0  # the premium rose about 3 points on a 1,000,000 KRW hedge
        rows = await store.decisions("kh", limit=10)
        assert [r.taken for r in rows] == [True, True]
        # The replay of the premium series this run saw takes the same entry and exit.
        seen = tracker.seen
        series = PremiumSeries.of(
            "BTC", [r.ts for r in seen], [r.upbit_krw for r in seen],
            [r.binance_usdt for r in seen], [r.usdt_krw for r in seen],
        )  # fmt: skip
        replayed = replay(series, HedgeConfig.of(d), FillModel()).events()
        assert replayed == [(t.ts, t.action.value, t.direction) for t in runner.trades]


async def test_after_a_restart_the_open_hedge_comes_back_from_the_ledger_and_is_closed(
    sim: SimExchange, tmp_path: Path
) -> None:
    """A new process (new executor, bot manager and runner over the same database) finds the
    hedge in the orders ledger, does not open a second one, and closes it on the recovery."""
    sim.market.set_premium("BTC", 1.5)
    btc0, amt0 = upbit_btc(sim), futures_amt(sim)
    (d,) = parse_bots(BOTS, StrategyRegistry(), max_leverage=5)

    async def process() -> AsyncIterator[tuple[HedgeRunner, object]]:
        async with desk(sim, tmp_path) as (env, hedges):
            store = BotStore(env.db, SystemClock())
            manager = BotManager([d], StrategyRegistry(), store, env.bus, FillModel())
            runner = HedgeRunner(
                [HedgeConfig.of(d)], hedges.hedge_gateway(), env.bus, store, SystemClock(),
                running=lambda n: n in manager.runners,
                paused=lambda n: manager.runners[n].engine.paused,
            )  # fmt: skip
            await manager.load()
            tasks = [asyncio.create_task(manager.run()), asyncio.create_task(runner.run())]
            try:
                yield runner, manager
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    first = process()
    runner, manager = await anext(first)
    assert isinstance(manager, BotManager)
    await manager.start("kh")  # stored as running: the next process resumes it
    sim.market.ramp_premium("BTC", 0.0, over_seconds=1.0)
    await eventually(lambda: len(runner.trades) == 1, timeout=30)
    opened = runner.trades[0].result
    await first.aclose()  # the process ends with the hedge open

    second = process()
    runner, _ = await anext(second)
    try:
        await eventually(lambda: runner.evaluated > 20, timeout=30)
        assert runner.trades == []  # still in the entry band: the restored hedge is held
        sim.market.ramp_premium("BTC", 3.0, over_seconds=1.0)
        await eventually(lambda: len(runner.trades) == 1, timeout=30)
        (closed,) = runner.trades
        assert closed.action is HedgeAction.EXIT
        assert closed.result.hedge_id == opened.hedge_id
    finally:
        await second.aclose()
    assert upbit_btc(sim) == btc0 and futures_amt(sim) == amt0
