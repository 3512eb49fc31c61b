"""A user strategy that asks for ticks: the runner hands it every trade of its symbols, and its
signals go through the same gates, order gateway and decision record as candle signals."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.market import Candle, Side, Trade
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from strategies.botconfig import parse_bots
from strategies.loader import load_user_strategies
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually
from tests.strategies.conftest import BTC_KRW, T0

SPIKE = '''
from pydantic import Field

from strategies import Candle, Signal, SignalAction, Strategy, StrategyParams, Trade


class SpikeParams(StrategyParams):
    jump_pct: float = Field(1.0, gt=0)


class Spike(Strategy):
    """Buys a trade that jumps `jump_pct` above the last candle's close; sells the first trade
    back at or below that close. Candles only set the reference."""

    name = "spike"
    Params = SpikeParams
    wants_ticks = True

    def __init__(self, params=None, bot=""):
        super().__init__(params, bot)
        self.ref = {}
        self.ticks = 0

    def on_candle(self, candle, position):
        self.ref[candle.instrument] = candle.close
        return None

    def on_tick(self, trade, position):
        self.ticks += 1
        ref = self.ref.get(trade.instrument)
        if ref is None:
            return None
        if position == 0 and trade.price >= ref * (1 + self.params.jump_pct / 100):
            action, why = SignalAction.ENTER_LONG, f"spike {trade.price:g} over {ref:g}"
        elif position > 0 and trade.price <= ref:
            action, why = SignalAction.EXIT, f"back to {trade.price:g}"
        else:
            return None
        return Signal(self.bot, trade.instrument, action, why, 1.0, trade.exchange_ts,
                      trade.price)
'''

BOTS = """
[bots.ticker]
strategy = "spike"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000
[bots.ticker.params]
jump_pct = 1.0
"""
ETH_KRW = Instrument(Venue.UPBIT, Symbol("ETH", "KRW"))


def trade(inst: Instrument, price: float, n: int) -> Trade:
    return Trade(inst, price, 0.01, Side.BUY, n, T0 + 60_000 + n * 1000, 0.0)


async def test_a_user_strategy_that_wants_ticks_trades_on_ticks(tmp_path: Path) -> None:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "spike.py").write_text(SPIKE)
    registry = StrategyRegistry(load_user_strategies(folder))
    (bot,) = parse_bots(BOTS, registry, max_leverage=10)
    async with Database.open(tmp_path / "t.db") as db:
        bus = EventBus()
        manager = BotManager([bot], registry, BotStore(db, ManualClock()), bus, FillModel())
        await manager.load()
        await manager.start("ticker")
        task = asyncio.create_task(manager.run())
        try:
            runner = manager.runners["ticker"]
            strategy = runner.engine.strategy
            bus.publish(Candle(BTC_KRW, "1m", T0, 100.0, 100.0, 100.0, 100.0, 1.0))
            prices = [100.5, 101.2, 101.5, 100.4, 99.9, 99.5]
            for n, p in enumerate(prices):
                bus.publish(trade(BTC_KRW, p, n))
                bus.publish(trade(ETH_KRW, p * 10, n))  # not the bot's symbol: never seen
            await eventually(lambda: strategy.ticks == len(prices))  # type: ignore[attr-defined]
            await eventually(lambda: len(runner.trades) == 1)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        # Entered on the 101.2 tick (100.5 is not 1 % up), exited on the 99.9 tick.
        assert [(d.signal.action.value, d.taken, d.signal.price) for d in runner.decisions] == [
            ("enter_long", True, 101.2),
            ("exit", True, 99.9),
        ]
        (t,) = runner.trades
        slip = FillModel().slippage_bps / 1e4
        assert t.entry_price == 101.2 * (1 + slip) and t.exit_price == 99.9 * (1 - slip)
        assert not runner.engine.positions
        rows = await db.fetchall("SELECT action, taken, reason FROM decisions ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("enter_long", 1, "spike 101.2 over 100"),
            ("exit", 1, "back to 99.9"),
        ]
