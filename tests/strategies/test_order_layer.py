"""A bot trading through the real order layer (OrderService + paper broker) via `adapt`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.symbols import Venue
from strategies.botconfig import BotDefinition
from strategies.gateway import adapt, held_by_bot
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually
from tests.strategies.conftest import BTC_KRW, candles_from
from tests.trading.harness import trading_env


class Top0:
    bid = 0.0


FALL_RISE = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)]
FALL_RISE = 1_000_000 * np.r_[FALL_RISE, FALL_RISE[-1] * 1.012 ** np.arange(1, 26)]


async def test_signals_become_orders_in_the_order_layer(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        gateway = adapt(env.provider())
        assert gateway is not None
        d = BotDefinition.model_validate(
            {"name": "rsi_bot", "strategy": "rsi", "exchange": "upbit", "symbols": ["BTC/KRW"],
             "stake": 200_000}
        )  # fmt: skip
        manager = BotManager(
            [d], StrategyRegistry(), BotStore(env.db, ManualClock()), EventBus(), FillModel(),
            gateway=gateway,
        )  # fmt: skip
        await manager.load()
        await manager.start("rsi_bot")
        runner = manager.runners["rsi_bot"]
        for c in candles_from(FALL_RISE, BTC_KRW):
            # The paper broker fills at the top of book: quote the candle's close first.
            env.quote(Venue.UPBIT, "BTC/KRW", c.close * 0.9999, c.close * 1.0001)
            await eventually(
                lambda c=c: (env.svc.prices.top(BTC_KRW) or Top0).bid == c.close * 0.9999
            )
            await runner.on_candle(c)
        taken = [(x.signal.action.value, x.taken, x.reason) for x in runner.decisions]
        assert [t[:2] for t in taken] == [("enter_long", True), ("exit", True)], taken
        assert len(runner.trades) == 1
        trade = runner.trades[0]
        assert trade.entry_price * trade.qty <= 200_000 * 1.001
        assert trade.exit_price > trade.entry_price
        rows = await env.db.fetchall("SELECT bot, side, status FROM orders ORDER BY created_ts")
        assert [tuple(r) for r in rows] == [
            ("rsi_bot", "buy", "filled"),
            ("rsi_bot", "sell", "filled"),
        ]
        assert held_by_bot(env.provider(), "rsi_bot") == []
