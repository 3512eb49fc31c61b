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
        bot_reply = re.search(
            rf"PnL {NUM} KRW(?: \([-+]?[\d.]+%\))? \(fees included\)", reply.content
        )
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

        # the bot enters again and is stopped holding it: its position stays the bot's
        await world.ask(f"/buy {UPBIT_BOT}", lambda m: "forced entry" in m.content)
        question = await world.ask(f"/stop {UPBIT_BOT}", "Confirm within")
        await world.confirm(question, "stopped")

    # --- a restart: every figure is read back from what was recorded ------------------------
    async with running(settings, sim, tg) as world:
        # /positions: each open trade's realised PnL so far (its entry fee, a partial exit),
        # never a closed trade's
        positions = (await world.answer("/positions")).content
        opened = {
            r.group(2): (int(r.group(1)), Decimal(r.group(3).replace(",", "")))
            for r in re.finditer(rf"^#(\d+) (\S+) · .* realised {NUM} KRW$", positions, re.M)
        }
        assert set(opened) == {UPBIT_BOT, "manual"}, positions
        assert opened["manual"][1] == krw(str(manual_so_far)), positions
        bot_open = opened[UPBIT_BOT][1]  # its entry fee, to the won
        assert bot_open < 0

        # /bots after a restart: the stopped bot's position and its PnL (was: 0.00, flat)
        bots = (await world.answer("/bots")).content
        line = next(x for x in bots.splitlines() if x.startswith(f"{UPBIT_BOT}:"))
        assert "stopped" in line and "BTC/KRW long" in line, line
        # and the open position's unrealised PnL at the mark, as /positions values it
        upnl = re.search(rf"BTC/KRW long [\d.]+ \(unrealised {NUM} KRW \([-+]?[\d.]+%\)\)", line)
        assert upnl, line
        m = re.search(rf"PnL {NUM} KRW$", line)
        assert m, bots
        bot_total = bot_trade + bot_open
        assert abs(krw(m.group(1)) - bot_total) <= 1, (line, bot_total)  # rounded parts

        trades = (await world.answer("/trades")).content
        rows = {
            int(r.group(1)): (r.group(2), krw(r.group(3)))
            for r in re.finditer(rf"^#(\d+) \S+ \S+ (\S+) · .*· {NUM} KRW \(", trades, re.M)
        }
        assert len(rows) == 3, trades
        assert rows[opened["manual"][0]] == ("manual", krw(str(manual_so_far))), trades
        assert rows[opened[UPBIT_BOT][0]] == (UPBIT_BOT, bot_open), trades
        (closed,) = [v for k, v in rows.items() if k not in {i for i, _ in opened.values()}]
        assert closed == (UPBIT_BOT, krw(str(bot_trade))), trades

        total = bot_trade + manual_so_far + bot_open
        profit = (await world.answer("/profit 1")).content
        pr = re.search(rf"Realised PnL {NUM} KRW \(closed trades {NUM} KRW", profit)
        assert pr and abs(krw(pr.group(1)) - total) <= 1, (profit, total)
        assert krw(pr.group(2)) == krw(str(bot_trade)), profit
        # per coin and per exit reason: the one closed trade, the same figure
        perf = (await world.answer("/performance 1")).content
        coin = re.search(rf"^BTC: 1 trades, [01] won · {NUM} KRW", perf, re.M)
        assert coin and krw(coin.group(1)) == krw(str(bot_trade)), perf
        stats = (await world.answer("/stats 1")).content
        assert re.search(r"^forced exit: 1 trades", stats, re.M), stats
        daily = (await world.answer("/daily 1")).content
        dr = re.search(rf"^Total {NUM} KRW", daily, re.M)
        assert dr and krw(dr.group(1)) == krw(pr.group(1)), (daily, profit)

        report = await world.ask("/report", "PnL and trades per bot", timeout=30)
        text = report.content
        for owner, figure, closed_n in ((UPBIT_BOT, bot_total, 1), ("manual", manual_so_far, 0)):
            rm = re.search(rf"^\s+{owner}\s+(\d+) trades closed\s+{NUM} KRW", text, re.M)
            assert rm and int(rm.group(1)) == closed_n, (owner, text)
            assert abs(krw(rm.group(2)) - figure) <= 1, (owner, figure, text)
