"""Freshness as a rule of the money path (issue 14), on the exchange simulator: the service's
market-data, trading (paper) and strategies installers on one AppContext; then Upbit goes away
(streams silent, reconnects and REST refused). Once its data is older than MAX_DATA_AGE, a bot's
decision and a manual market order are both refused, and both say how old the data is.

Before the fix the paper broker filled at the last price it had, however old, and bots decided
on candles the clock closed while nothing arrived.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from bot.config import load_settings
from bot.features import AppContext
from bot.features import market_data as market_data_feature
from bot.features import strategies as strategies_feature
from bot.features import trading as trading_feature
from bot.i18n import render
from core.market import Side
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from core.text import Text, load_text
from exchanges.manager import MarketDataManager
from peers.exchange_sim.server import SimExchange
from strategies.runner import BotManager
from tests.helpers import eventually
from tests.strategies.conftest import candles_from
from tests.wiring import app_context
from trading.executor import MANUAL, OrderService

BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
MAX_AGE = 2.0
BOTS = """
[bots.spot_rsi]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 200000
autostart = true
"""
# Rises, then falls (RSI < 30: the bot wants to buy).
SHAPE = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)] * 1_000_000


@dataclass
class Live:
    app: AppContext
    md: MarketDataManager
    svc: OrderService
    bots: BotManager


@asynccontextmanager
async def live(tmp_path: Path, sim: SimExchange) -> AsyncIterator[Live]:
    (tmp_path / "bots.toml").write_text(BOTS)
    urls = {k.lower(): v for k, v in sim.env().items() if k.endswith("_URL")}
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.db", bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies", log_dir=tmp_path / "logs",
        trading_mode="paper", language="en", max_data_age=MAX_AGE, stale_after=3.0, **urls,
    )  # fmt: skip
    async with app_context(settings) as app:
        await market_data_feature.install(app)
        await trading_feature.install(app)
        bots = await strategies_feature.install(app, catalog_wait=20.0)
        md = app.facade.market_data
        assert isinstance(md, MarketDataManager)
        yield Live(app, md, app.facade.trading.svc, bots)


def buy(amount: str) -> OrderRequest:
    return OrderRequest(
        BTC_KRW, Side.BUY, OrderType.MARKET, quote_amount=Decimal(amount), reason=MANUAL
    )


def stop_upbit(sim: SimExchange) -> None:
    """Upbit gone: open streams go silent, new ones are refused, every REST call fails."""
    sim.faults.reject_connections("upbit", 600)
    sim.faults.stall_connections("upbit")
    sim.faults.rest_error("upbit", 503, count=100_000)


async def test_decision_and_manual_order_on_old_data_are_refused_with_its_age(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with live(tmp_path, sim) as s:
        await eventually(lambda: "spot_rsi" in s.bots.runners, timeout=60)
        await eventually(lambda: (s.md.data_age(BTC_KRW) or 99) < MAX_AGE, timeout=60)
        await eventually(lambda: s.svc.prices.price(BTC_KRW) is not None, timeout=60)
        fresh = await s.svc.submit(buy("100000"))
        assert fresh.accepted, fresh.reason  # live data: the same order goes through

        stop_upbit(sim)
        await eventually(lambda: (s.md.data_age(BTC_KRW) or 0) > MAX_AGE + 1, timeout=30)

        held = s.svc.positions[BTC_KRW].qty
        sell = OrderRequest(BTC_KRW, Side.SELL, OrderType.MARKET, qty=held, reason=MANUAL)
        # An exit is refused too: the paper fill would be at a price from before the outage.
        for refused in (await s.svc.submit(sell), await s.svc.submit(buy("100000"))):
            assert not refused.accepted
            assert isinstance(refused.reason, Text) and refused.reason.key == "reason.data_old"
            words = render("en", refused.reason)
            age = re.search(r"the newest price is (\d+) s old", words)
            assert age and int(age.group(1)) > MAX_AGE, words
        orders = await s.app.db.fetchall("SELECT status FROM orders")
        assert [tuple(r) for r in orders] == [("filled",)]  # only the order on live data

        # A bot that would buy on these candles decides nothing: the refusal and the age are
        # in its decision log, and no order reaches the order layer.
        start = (int(time.time()) // 60 + 24 * 60) * 60_000  # after any candle the clock closed
        runner = s.bots.runners["spot_rsi"]
        for c in candles_from(SHAPE, BTC_KRW, start=start):
            s.app.bus.publish(c)
            await eventually(lambda c=c: runner._last_ts.get(BTC_KRW) == c.open_ts, timeout=60)
        wanted = [d for d in runner.decisions if d.signal.action.value == "enter_long"]
        assert wanted and not any(d.taken for d in wanted), [d.reason for d in wanted]
        rows = await s.app.db.fetchall("SELECT taken, reason FROM decisions WHERE bot='spot_rsi'")
        assert rows and all(r[0] == 0 for r in rows), [tuple(r) for r in rows]
        # The bot itself refused (it did not even ask the order layer).
        said = render("en", load_text(rows[-1][1]))  # stored as a catalog text (issue 14)
        assert re.match(r"Upbit BTC/KRW: the newest price is \d+ s old", said), said
        assert [tuple(r) for r in await s.app.db.fetchall("SELECT status FROM orders")] == [
            ("filled",)
        ]

        # A forced entry (/buy spot_rsi) is the user's order, not the strategy's decision: the
        # order layer's rule answers it (paper: refused, with the age).
        forced = await s.bots.force_entry("spot_rsi")
        assert not forced.decision.taken
        said = render("en", forced.decision.reason)
        assert re.match(r"order layer refused: Upbit BTC/KRW: the newest price is \d+ s old", said)
