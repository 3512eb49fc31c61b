"""Upbit's own warning flags refuse a bot's new entries (exits still go through), with the
reason in the decision log; the flags come from the simulator over the real REST client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alerts.delistings import DelistingWatch
from alerts.notices import NoticeWatcher
from bot.i18n import Messages
from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.market import Candle, Ticker
from core.market_notices import NoticeBoard
from core.notifications import Notification
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Venue
from core.text import load_text
from exchanges.upbit.notices import UpbitNotices
from peers.exchange_sim.server import SimExchange
from strategies.botconfig import parse_bots
from strategies.loader import load_user_strategies
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.helpers import eventually
from tests.strategies.conftest import BTC_KRW, T0
from tests.strategies.test_ticks import BOTS, SPIKE, trade


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=5) as exchange:
        yield exchange


async def test_flagged_market_refuses_new_entries_with_the_reason(
    sim: SimExchange, tmp_path: Path
) -> None:
    assert sim.upbit is not None
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "spike.py").write_text(SPIKE)
    registry = StrategyRegistry(load_user_strategies(folder))
    (bot,) = parse_bots(BOTS, registry, max_leverage=10)
    board = NoticeBoard()
    sent: list[Notification] = []

    async def send(n: Notification) -> None:
        sent.append(n)

    client = UpbitNotices(sim.urls["UPBIT_REST_URL"])
    watcher = NoticeWatcher(Venue.UPBIT, client.fetch, board, ManualClock(), send)
    async with Database.open(tmp_path / "t.db") as db:
        bus = EventBus()
        manager = BotManager(
            [bot], registry, BotStore(db, ManualClock()), bus, FillModel(),
            entry_gate=board.entry_problem,
        )  # fmt: skip
        await manager.load()
        await manager.start("ticker")
        task = asyncio.create_task(manager.run())
        try:
            await watcher.refresh_once()
            sim.upbit.rest.set_market_event("KRW-BTC", warning=True)
            await watcher.refresh_once()  # one refresh: alerted and on the board
            assert len(sent) == 1
            runner = manager.runners["ticker"]
            bus.publish(Candle(BTC_KRW, "1m", T0, 100.0, 100.0, 100.0, 100.0, 1.0))
            bus.publish(trade(BTC_KRW, 101.5, 0))
            await eventually(lambda: len(runner.decisions) == 1)
            (refused,) = runner.decisions
            assert not refused.taken and not runner.engine.positions
            words = Messages("en").render
            assert words(refused.reason) == "no new entry: Upbit flags BTC/KRW (investment warning)"

            sim.upbit.rest.set_market_event("KRW-BTC")  # lifted: the next spike enters
            await watcher.refresh_once()
            bus.publish(trade(BTC_KRW, 101.6, 1))
            await eventually(lambda: len(runner.decisions) == 2)
            assert runner.decisions[-1].taken and runner.engine.positions
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await client.close()
        rows = await db.fetchall("SELECT action, taken, reason FROM decisions ORDER BY id")
        action, taken, reason = rows[0]
        assert (action, taken) == ("enter_long", 0)  # the reason is kept as catalog key + data
        assert words(load_text(reason)) == "no new entry: Upbit flags BTC/KRW (investment warning)"


async def test_market_with_a_delisting_date_refuses_new_entries(tmp_path: Path) -> None:
    """A delisting date seen on Upbit's ticker closes the market to new bot entries (with
    UPBIT_DELISTING_BLOCKS_ENTRIES on); the decision log keeps the reason."""
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "spike.py").write_text(SPIKE)
    registry = StrategyRegistry(load_user_strategies(folder))
    (bot,) = parse_bots(BOTS, registry, max_leverage=10)
    board = NoticeBoard()
    async with Database.open(tmp_path / "t.db") as db:
        watch = DelistingWatch(board, KeyValueStore(db), _ignore, ManualClock())
        bus = EventBus()
        manager = BotManager(
            [bot], registry, BotStore(db, ManualClock()), bus, FillModel(),
            entry_gate=board.gate(warnings=True, delistings=True),
        )  # fmt: skip
        await manager.load()
        await manager.start("ticker")
        task = asyncio.create_task(manager.run())
        try:
            watch.seen(Ticker(BTC_KRW, 100.0, T0, T0 / 1000, 0.0, "2026-12-20"))
            runner = manager.runners["ticker"]
            bus.publish(Candle(BTC_KRW, "1m", T0, 100.0, 100.0, 100.0, 100.0, 1.0))
            bus.publish(trade(BTC_KRW, 101.5, 0))
            await eventually(lambda: len(runner.decisions) == 1)
            (refused,) = runner.decisions
            assert not refused.taken and not runner.engine.positions
            words = Messages("en").render
            assert words(refused.reason) == (
                "no new entry: Upbit ends trading of BTC/KRW on 2026-12-20"
            )
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        (row,) = await db.fetchall("SELECT reason FROM decisions")
        assert load_text(row[0]).key == "reason.market_delisting"


async def _ignore(note: Notification) -> None:
    return None
