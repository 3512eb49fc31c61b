"""Issue 14: one PnL truth. A scripted session against the exchange simulator with the real
service and the Bot API emulator: a bot's forced entry and exit, a manual entry with a partial
exit (fees on every fill), then a restart. Every view must give each trade, each owner and the
total the same realised PnL: the fill notices, the bot's reply, /bots, /trades, /positions,
/profit, /daily and /report (the daily report's own builder).

Before the trade book, the same forced exit read three ways (the exit fill's PnL without the
entry fee, the bot's own float estimate, the day's sum), /bots said 0.00 after a restart and
/positions carried realised PnL over from closed positions.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest_asyncio

import bot.app
from bot.app import Service
from bot.config import Settings
from bot.features import AppContext, telegram
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.e2e.conftest import (
    CHAT,
    E2E_TELEGRAM,
    SEED,
    UPBIT_BOT,
    World,
    e2e_settings,
    is_notification,
)
from tests.helpers import eventually

NUM = r"([+-]?[\d,]+(?:\.\d+)?)"


def krw(text: str) -> Decimal:
    """A printed KRW figure, to the won (views print 0 or 2 decimals)."""
    return Decimal(text.replace(",", "")).quantize(Decimal(1))


@asynccontextmanager
async def running(
    settings: Settings, sim: SimExchange, tg: TelegramEmulator
) -> AsyncIterator[World]:
    installed: list[Any] = []

    async def install_telegram(app: AppContext) -> None:
        transport = await telegram.install(app, options=E2E_TELEGRAM)
        assert transport is not None
        installed.append(transport)

    features = [install_telegram if f is telegram.install else f for f in bot.app.FEATURES]
    service = Service(settings, features=features)
    stop = asyncio.Event()
    after = tg.cursor()
    task = asyncio.create_task(service.run(stop), name="e2e-pnl-service")
    try:
        await tg.wait_for_message(lambda m: "Service started" in m.content, after=after, timeout=60)
        yield World(sim, tg, service, settings, installed[0])
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


@pytest_asyncio.fixture(loop_scope="function")
async def session(tmp_path: Path) -> AsyncIterator[tuple[SimExchange, TelegramEmulator, Settings]]:
    async with SimExchange(seed=SEED) as sim, TelegramEmulator() as tg:
        yield sim, tg, e2e_settings(tmp_path, sim, tg)


def notice(world: World, after: int, *pieces: str) -> list[SentMessage]:
    return [
        m
        for m in world.tg.sent_messages(CHAT)
        if m.seq >= after and is_notification(m) and all(p in m.content for p in pieces)
    ]


async def fill_pnl(world: World, after: int, side: str) -> Decimal:
    """The PnL the exit fill notice (sent after `after`) gives, in KRW, to the cent."""

    def found() -> list[SentMessage]:
        return notice(world, after, f"Filled {side} ", "KRW on Upbit")

    await eventually(lambda: bool(found()), timeout=15)
    text = found()[-1].content
    m = re.search(rf"PnL {NUM} KRW", text)
    assert m, text
    return Decimal(m.group(1).replace(",", ""))  # to the cent: sums are rounded once


async def test_every_view_gives_the_same_realised_pnl_across_a_restart(
    session: tuple[SimExchange, TelegramEmulator, Settings],
) -> None:
    sim, tg, settings = session
    async with running(settings, sim, tg) as world:
        # a bot's forced entry and exit: one trade of the bot
        await world.ask(f"/start {UPBIT_BOT}", "started")
        entry = await world.ask(f"/buy {UPBIT_BOT}", lambda m: "forced entry" in m.content)
        assert "✅" in entry.content, entry.content
        question = await world.ask(f"/sell {UPBIT_BOT}", "Confirm within")
        cursor = tg.cursor()
        reply = await world.confirm(question, "forced exit")
        bot_reply = re.search(rf"PnL {NUM} KRW \(fees included\)", reply.content)
        assert bot_reply, reply.content
        bot_trade = await fill_pnl(world, cursor, "sell")
        assert krw(bot_reply.group(1)) == krw(str(bot_trade))  # the bot's reply, the notice

        # the user's own entry and a partial exit: an open trade with realised PnL so far
        await world.answer("/buy upbit BTC 100000KRW")
        positions = (await world.answer("/positions")).content
        held = re.search(r"manual · Upbit BTC/KRW: ([\d.]+) @", positions)
        assert held, positions
        half = (Decimal(held.group(1)) / 2).quantize(Decimal("0.00000001"))
        question = await world.answer(f"/sell upbit BTC {half}")
        cursor = tg.cursor()
        await world.confirm(question, "✅ sell BTC/KRW")
        manual_so_far = await fill_pnl(world, cursor, "sell")

        await world.ask(f"/stop {UPBIT_BOT}", "stopped")

    # --- a restart: every figure is read back from what was recorded ------------------------
    async with running(settings, sim, tg) as world:
        bots = (await world.answer("/bots")).content
        line = next(x for x in bots.splitlines() if x.startswith(f"{UPBIT_BOT}:"))
        m = re.search(rf"PnL {NUM} KRW$", line)
        assert m, bots
        assert krw(m.group(1)) == krw(str(bot_trade)), (bots, bot_trade)  # was 0.00 after a restart

        trades = (await world.answer("/trades")).content
        rows = {
            r.group(2): (int(r.group(1)), krw(r.group(3)))
            for r in re.finditer(rf"^#(\d+) \S+ \S+ (\S+) · .*· {NUM} KRW \(", trades, re.M)
        }
        assert rows[UPBIT_BOT][1] == krw(str(bot_trade)), trades
        assert rows["manual"][1] == krw(str(manual_so_far)), trades

        # /positions: the open trade's realised PnL so far, never a closed trade's
        positions = (await world.answer("/positions")).content
        pm = re.search(rf"#{rows['manual'][0]} manual · .* realised {NUM} KRW", positions)
        assert pm, positions
        assert krw(pm.group(1)) == krw(str(manual_so_far))
        assert UPBIT_BOT not in positions

        total = krw(str(bot_trade + manual_so_far))
        profit = (await world.answer("/profit 1")).content
        pr = re.search(rf"Realised PnL {NUM} KRW", profit)
        assert pr and krw(pr.group(1)) == total, (profit, total)
        daily = (await world.answer("/daily 1")).content
        dr = re.search(rf"^Total {NUM} KRW", daily, re.M)
        assert dr and krw(dr.group(1)) == total, (daily, total)

        report = await world.ask("/report", "PnL and trades per bot", timeout=30)
        text = report.content
        for owner, figure in ((UPBIT_BOT, bot_trade), ("manual", manual_so_far)):
            rm = re.search(rf"^\s+{owner}\s+\d+ trades closed\s+{NUM} KRW", text, re.M)
            assert rm and krw(rm.group(1)) == krw(str(figure)), (owner, figure, text)
