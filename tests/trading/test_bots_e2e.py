"""Strategy bots trading through the real order layer, wired as the service wires them:
`bot.features.trading.install` then `bot.features.strategies.install` on one AppContext (real
Database, EventBus, Supervisor), a bots TOML, candles and quotes published on the bus."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import numpy as np

from bot.config import load_settings
from bot.features import AppContext
from bot.features import strategies as strategies_feature
from bot.features import trading as trading_feature
from bot.i18n import render
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from core.text import load_text
from peers.exchange_sim.server import SimExchange
from strategies.runner import BotManager
from tests.helpers import eventually
from tests.strategies.conftest import candles_from
from tests.wiring import app_context

BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
BTC_FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
USDT_KRW = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))
T0 = 1_767_225_600_000

BOTS = """
[bots.spot_rsi]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 200000
autostart = true

[bots.fut_rsi]
strategy = "rsi"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
stake = 300
leverage = 5
stop_loss_pct = 3
take_profit_pct = 5
autostart = true
"""

# Rises, falls (RSI < 30: buy), then rises again (RSI > 70 / take-profit: sell).
SHAPE = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)]
SHAPE = np.r_[SHAPE, SHAPE[-1] * 1.012 ** np.arange(1, 26)]


@dataclass
class Service:
    ctx: AppContext
    manager: BotManager

    def quote(self, inst: Instrument, price: float) -> None:
        now = time.time()
        q = Quote(inst, price * 0.9999, 1.0, price * 1.0001, 1.0, int(now * 1000), now)
        self.ctx.bus.publish(q)

    async def candles(self, inst: Instrument, closes: np.ndarray, bot: str) -> None:
        """Quote each close (what the paper broker fills on), then publish the closed candle."""
        runner = self.manager.runners[bot]
        prices = self.ctx.facade.trading.svc.prices
        for c in candles_from(closes, inst, start=T0):
            self.quote(inst, c.close)
            await eventually(lambda c=c: prices.price(inst) == D(repr(c.close)), interval=0.002)
            self.ctx.bus.publish(c)
            await eventually(lambda c=c: runner._last_ts.get(inst) == c.open_ts, interval=0.002)


@asynccontextmanager
async def service(tmp_path: Path, sim: SimExchange) -> AsyncIterator[Service]:
    (tmp_path / "bots.toml").write_text(BOTS)
    urls = {k.lower(): v for k, v in sim.env().items() if k.endswith("_URL")}
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.db", bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies", log_dir=tmp_path / "logs",
        trading_mode="paper", **urls,
    )  # fmt: skip
    async with app_context(settings) as app:
        await trading_feature.install(app)
        svc = app.facade.trading.svc
        q = Quote(USDT_KRW, 1399.0, 1.0, 1400.0, 1.0, int(time.time() * 1000), time.time())
        app.bus.publish(q)
        await eventually(lambda: svc.prices.usdt_krw() is not None)
        manager = await strategies_feature.install(app, catalog_wait=0.1)
        await eventually(lambda: {"spot_rsi", "fut_rsi"} <= set(manager.runners))
        yield Service(app, manager)


async def test_spot_bot_orders_land_in_the_orders_table_as_paper_orders_with_fills(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with service(tmp_path, sim) as s:
        await s.candles(BTC_KRW, SHAPE * 1_000_000, "spot_rsi")
        runner = s.manager.runners["spot_rsi"]
        assert [(d.signal.action.value, d.taken) for d in runner.decisions] == [
            ("enter_long", True),
            ("exit", True),
        ], [d.reason for d in runner.decisions]
        db = s.ctx.db
        rows = await db.fetchall(
            "SELECT client_id, bot, side, status, paper, venue FROM orders ORDER BY created_ts"
        )
        assert [tuple(r)[1:] for r in rows] == [
            ("spot_rsi", "buy", "filled", 1, "upbit"),
            ("spot_rsi", "sell", "filled", 1, "upbit"),
        ]
        for r in rows:
            fills = await db.fetchall("SELECT paper, bot FROM fills WHERE client_id=?", (r[0],))
            assert [tuple(f) for f in fills] == [(1, "spot_rsi")]
        trade = runner.trades[0]
        buy = (await s.ctx.facade.trading.svc.store.fills_of(rows[0][0]))[0].fill
        # What the bot booked is what the order layer filled, fee included.
        assert D(repr(trade.entry_price)) == buy.price
        assert abs(trade.fees - float(buy.fee) * 2) < float(buy.fee) * 0.5
        assert s.ctx.facade.trading.open_positions("spot_rsi") == []


async def test_futures_bot_entry_goes_through_futures_manager_with_sl_tp(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with service(tmp_path, sim) as s:
        store = s.ctx.facade.trading.svc.store
        await s.candles(BTC_FUT, SHAPE * 600, "fut_rsi")
        runner = s.manager.runners["fut_rsi"]
        actions = [(d.signal.action.value, d.taken) for d in runner.decisions]
        # RSI buys the dip, the fall goes on through the stop-loss; it buys again lower and
        # the rise takes the second position through its take-profit.
        assert actions == [("enter_long", True), ("exit", True)] * 2, [
            d.reason for d in runner.decisions
        ]
        entries = [
            s.order
            for s in reversed(await store.recent_orders(20, True))
            if s.order.type.value == "market"
        ]
        assert len(entries) == 2
        triggered = []
        for entry, (hit, other) in zip(
            entries,
            [("stop_market", "take_profit_market"), ("take_profit_market", "stop_market")],
            strict=True,
        ):
            assert entry.bot == "fut_rsi" and entry.status.value == "filled" and entry.paper
            assert entry.avg_price is not None
            kids = {k.order.type.value: k.order for k in await store.children(entry.client_id)}
            assert set(kids) == {"stop_market", "take_profit_market"}
            sl, tp = kids["stop_market"].trigger_price, kids["take_profit_market"].trigger_price
            assert sl is not None and tp is not None
            assert abs(sl / entry.avg_price - D("0.97")) < D("0.001")
            assert abs(tp / entry.avg_price - D("1.05")) < D("0.001")
            # One bracket triggered and closed the position, its sibling was cancelled.
            assert kids[hit].status.value == "filled" and kids[other].status.value == "cancelled"
            triggered.append(kids[hit])
        assert len(await store.recent_orders(20, True)) == 6  # no extra close orders
        pos = await store.position(BTC_FUT, True)
        assert pos is not None and pos.qty == 0 and pos.leverage == 5
        # The bot booked each bracket's fill as its exit.
        assert [D(repr(t.exit_price)) for t in runner.trades] == [k.avg_price for k in triggered]
        assert runner.trades[0].pnl < 0 < runner.trades[1].pnl


async def test_bot_order_refused_by_the_order_layer_is_recorded_with_its_reason(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with service(tmp_path, sim) as s:
        await s.ctx.facade.trading.set_kill_switch(True, cancel_orders=False)
        await s.candles(BTC_KRW, SHAPE[:45] * 1_000_000, "spot_rsi")
        runner = s.manager.runners["spot_rsi"]
        assert not runner.engine.positions
        rows = await s.ctx.db.fetchall(
            "SELECT taken, reason FROM decisions WHERE bot = ?", ("spot_rsi",)
        )
        said = [(r[0], render("en", load_text(r[1]))) for r in rows]
        assert (0, "order layer refused: The kill switch is on: new entries are refused. "
                "/killswitch off turns it off.") in said  # fmt: skip
        assert await s.ctx.db.fetchall("SELECT * FROM orders") == []
