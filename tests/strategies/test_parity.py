"""Live/backtest parity on a simulated day with the combined strategy.

The simulator's market model gives a day of 1-minute candles per coin (its own seeded history).
The live path is the real one from the candle onwards: Candle events published on the EventBus
-> BotManager/BotRunner -> combined strategy (incremental indicators) -> gates -> OrderGateway
(PaperGateway with the shared fill model). The backtest runs the same candles through the numba
kernel and through the event-driven engine. All three must give the same signals and trades.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.market import Candle
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import DEFAULT_COINS, MarketModel
from strategies.backtest import BacktestResult, run_backtest
from strategies.bars import Bars
from strategies.botconfig import BotDefinition
from strategies.builtin import Combined
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually

COINS = ("BTC", "ETH", "XRP")


def simulated_day(seed: int = 3) -> list[list[Candle]]:
    clock = SimClock()
    model = MarketModel(seed=seed, coins=DEFAULT_COINS, clock=clock)
    end = clock.now_ms() // 60_000 * 60_000 - 60_000
    out = []
    for coin in COINS:
        inst = Instrument(Venue.UPBIT, Symbol(coin, "KRW"))
        out.append(
            [
                Candle(inst, "1m", c.open_ms, c.open, c.high, c.low, c.close, c.volume)
                for c in model.candles("upbit", f"KRW-{coin}", 60, end, 1440)
            ]
        )
    return out


def definition() -> BotDefinition:
    return BotDefinition.model_validate(
        {
            "name": "sim_day",
            "strategy": "combined",
            "exchange": "upbit",
            "symbols": [f"{c}/KRW" for c in COINS],
            "stake": 1_000_000,
            "stop_loss_pct": 0.3,
            "take_profit_pct": 0.4,
            "params": {"cooldown_candles": 2},
        }
    )


def signals_of(r: BacktestResult) -> list[tuple[int, str, str, bool]]:
    return [(s.ts, str(s.instrument), s.action.value, s.taken) for s in r.signals]


def trades_key(trades: list) -> list[tuple]:  # type: ignore[type-arg]
    return sorted(
        (str(t.instrument), t.side, t.entry_ts, t.exit_ts, t.entry_price, t.exit_price, t.qty,
         t.fees, t.pnl)
        for t in trades
    )  # fmt: skip


async def test_live_runner_and_backtest_agree_on_a_simulated_day(tmp_path: Path) -> None:
    day = simulated_day()
    d = definition()
    fills = FillModel(slippage_bps=5.0)
    bars = [Bars.from_candles(c) for c in day]
    kernel = run_backtest(d, Combined.from_dict(d.params, d.name), bars, fills, 1e7)
    events = run_backtest(d, Combined.from_dict(d.params, d.name), bars, fills, 1e7, "events")
    assert kernel.engine == "kernel"
    assert signals_of(kernel) == signals_of(events)
    assert trades_key(kernel.trades) == trades_key(events.trades)
    assert len(kernel.trades) >= 10, "the day should exercise the strategy"
    assert any(not s.taken for s in kernel.signals), "and some gates"

    async with Database.open(tmp_path / "live.db") as db:
        bus = EventBus()
        store = BotStore(db, ManualClock())
        manager = BotManager([d], StrategyRegistry(), store, bus, fills)
        await manager.load()
        await manager.start(d.name)
        task = asyncio.create_task(manager.run())
        try:
            merged = sorted((c for cs in day for c in cs), key=lambda c: c.open_ts)
            for c in merged:
                bus.publish(c)
            runner = manager.runners[d.name]
            await eventually(lambda: len(runner._last_ts) == 3 and all(
                runner._last_ts[cs[0].instrument] == cs[-1].open_ts for cs in day
            ), timeout=60)  # fmt: skip
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        live_signals = sorted(
            (x.signal.candle_ts, str(x.signal.instrument), x.signal.action.value, x.taken)
            for x in runner.decisions
        )
        assert live_signals == sorted(signals_of(kernel))
        assert trades_key(runner.trades) == trades_key(kernel.trades)
        assert np.isclose(runner.engine.realized, sum(t.pnl for t in kernel.trades), rtol=0,
                          atol=1e-6)  # fmt: skip
        assert len(runner.engine.positions) == kernel.open_positions
        rows = await db.fetchall("SELECT COUNT(*) FROM decisions WHERE bot = ? AND taken = 1",
                                 (d.name,))  # fmt: skip
        assert rows[0][0] == sum(1 for s in kernel.signals if s.taken)
