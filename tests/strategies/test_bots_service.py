"""The strategies feature inside a service: installer, commands, run state across restarts,
decisions, warm-up, pause, the order-layer seam."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.commands import CommandContext, Reply
from bot.commands.bots import render_decisions
from bot.config import load_settings
from bot.features import AppContext
from bot.features.strategies import install
from bot.i18n import render
from core.orders import OrderRequest
from core.text import load_text
from strategies.gateway import OrderResult
from strategies.runner import BotManager
from tests.helpers import eventually
from tests.strategies.conftest import BTC_KRW, T0, candles_from
from tests.wiring import app_context

BOTS = """
[bots.rsi_bot]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000

[bots.other]
strategy = "macd"
exchange = "upbit"
symbols = ["ETH/KRW"]
stake = 100000
"""

# Falls (RSI < 30 -> buy), then rises (RSI > 70 -> sell).
FALL_RISE = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)]
FALL_RISE = np.r_[FALL_RISE, FALL_RISE[-1] * 1.012 ** np.arange(1, 26)]


@dataclass
class App:
    ctx: AppContext
    manager: BotManager

    async def cmd(self, line: str) -> Reply:
        c = CommandContext(service=self.ctx.facade, chat_id=1, user_id=1, transport="console")
        return await self.ctx.registry.dispatch(line, c)


@asynccontextmanager
async def service(tmp_path: Path, trading: object = None) -> AsyncIterator[App]:
    (tmp_path / "bots.toml").write_text(BOTS)
    settings = load_settings(
        env_file=None,
        db_path=tmp_path / "bot.db",
        bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies",
        log_dir=tmp_path / "logs",
    )
    async with app_context(settings) as app:
        app.facade.trading = trading
        manager = await install(app)
        yield App(app, manager)


async def feed(app: App, closes: np.ndarray, start: int = T0) -> None:
    candles = candles_from(closes, BTC_KRW, start=start)
    for c in candles:
        app.ctx.bus.publish(c)
    runner = app.manager.runners["rsi_bot"]
    await eventually(lambda: runner._last_ts.get(BTC_KRW) == candles[-1].open_ts)


async def test_bot_started_by_command_keeps_running_after_a_restart(tmp_path: Path) -> None:
    async with service(tmp_path) as app:
        assert "rsi_bot: stopped" in (await app.cmd("/bots")).text
        reply = await app.cmd("/start rsi_bot")
        assert reply.text.startswith("Bot rsi_bot started: rsi on Upbit BTC/KRW 1m")
        assert "rsi_bot: running" in (await app.cmd("/bots")).text
    async with service(tmp_path) as app:  # a new process: same DB, new manager
        await eventually(lambda: set(app.manager.runners) == {"rsi_bot"})
        await app.cmd("/stop rsi_bot")
    async with service(tmp_path) as app:
        assert app.manager.runners == {}


async def test_decisions_are_recorded_and_shown(tmp_path: Path) -> None:
    async with service(tmp_path) as app:
        await app.cmd("/start rsi_bot")
        await feed(app, FALL_RISE)
        runner = app.manager.runners["rsi_bot"]
        assert [d.signal.action.value for d in runner.decisions] == ["enter_long", "exit"]
        assert len(runner.trades) == 1
        rows = await app.ctx.db.fetchall("SELECT action, taken, reason FROM decisions")
        assert [(r[0], r[1]) for r in rows] == [("enter_long", 1), ("exit", 1)]
        shown = (await app.cmd("/bots rsi_bot")).text
        assert "✓ BTC/KRW enter long: RSI14" in shown and "✓ BTC/KRW exit" in shown
        # issue 14: decisions at the configured zone's time, labelled, indicators rounded
        assert re.search(r"\n\d\d-\d\d \d\d:\d\d ✓ BTC/KRW enter long: RSI14 \d+\.\d\d <", shown)
        # the zone named once, in the heading, not again on each row (issue 14)
        assert "Last decisions (times in KST):" in shown and shown.count("KST") == 1, shown


async def test_decision_reasons_are_stored_as_texts_and_read_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """issue 14: a reason is kept as catalog key + params and worded when read, so the same
    row reads in Korean or English; a row written before (plain words) still reads as it was."""
    async with service(tmp_path) as app:
        await app.cmd("/start rsi_bot")
        await feed(app, FALL_RISE)
        await app.ctx.db.execute(
            "INSERT INTO decisions(bot, symbol, action, taken, reason, ts, candle_ts) "
            "VALUES ('rsi_bot', 'BTC/KRW', 'exit', 0, 'an old plain reason', 1, 1)"
        )
        rows = await app.manager.store.decisions("rsi_bot")
        ko, en = render_decisions(rows, "ko"), render_decisions(rows, "en")
        assert re.search(r"✓ BTC/KRW 롱 진입: RSI14 \d+\.\d\d < 30 \(과매도\)", ko), ko
        assert re.search(r"✓ BTC/KRW enter long: RSI14 \d+\.\d\d < 30 \(oversold\)", en), en
        assert "an old plain reason" in ko and "an old plain reason" in en
        assert "oversold" not in ko


async def test_warm_up_from_stored_candles_then_signal_on_the_first_live_candle(
    tmp_path: Path,
) -> None:
    history = candles_from(FALL_RISE[:44], BTC_KRW)
    async with service(tmp_path) as app:
        await app.ctx.db.executemany(
            "INSERT INTO candles VALUES (?,?,?,?,?,?,?,?,?)",
            [("upbit", "BTC/KRW", "1m", c.open_ts, c.open, c.high, c.low, c.close, c.volume)
             for c in history],
        )  # fmt: skip
        await app.cmd("/start rsi_bot")
        runner = app.manager.runners["rsi_bot"]
        # Candle 44 would have been the buy in the full series: the bot warms up on its first
        # live candle (the 44 stored before it) and signals on that very candle.
        await feed(app, FALL_RISE[44:45], start=T0 + 44 * 60_000)
        assert runner.warmed_until[BTC_KRW] == history[-1].open_ts
        assert [d.signal.action.value for d in runner.decisions] == ["enter_long"]


async def test_pause_refuses_signals_and_stop_with_a_position_asks_first(tmp_path: Path) -> None:
    async with service(tmp_path) as app:
        await app.cmd("/start all")
        assert "paused" in (await app.cmd("/pause rsi_bot")).text
        await feed(app, FALL_RISE[:45])
        runner = app.manager.runners["rsi_bot"]
        assert [(d.taken, render("en", d.reason)) for d in runner.decisions][-1] == (
            False,
            "bot is paused: no new entries",
        )
        rows = await app.ctx.db.fetchall("SELECT COUNT(*) FROM decisions WHERE taken = 0")
        assert rows[0][0] == 1  # a refusal repeated candle after candle is recorded once
        await app.cmd("/resume rsi_bot")
        await feed(app, FALL_RISE[45:46], start=T0 + 45 * 60_000)
        assert runner.engine.positions  # bought now
        ask = await app.cmd("/stop rsi_bot")
        assert "Open positions stay open" in ask.text and "BTC/KRW long" in ask.text
        assert "rsi_bot" in app.manager.runners  # nothing done yet
        code = ask.buttons[0][0].data.split()[1]
        assert "stopped" in (await app.cmd(f"/confirm {code}")).text
        assert "rsi_bot" not in app.manager.runners
        # Position remembered: the restarted bot knows it is long and will not buy again.
        await app.cmd("/start rsi_bot")
        assert app.manager.runners["rsi_bot"].engine.positions


async def test_bad_command_input_is_answered_clearly(tmp_path: Path) -> None:
    async with service(tmp_path) as app:
        assert "Which bot?" in (await app.cmd("/start")).text
        assert "There is no bot 'nope'" in (await app.cmd("/stop nope")).text
        assert "one bot name" in (await app.cmd("/pause a b")).text
        await app.cmd("/start other")
        assert (await app.cmd("/start other")).text == "Bot other is already running."


class RefusingOrders:
    """An order layer that says no (a fake at the seam, not a mock of our code)."""

    def __init__(self) -> None:
        self.seen: list[OrderRequest] = []

    async def submit(self, req: OrderRequest) -> OrderResult:
        self.seen.append(req)
        return OrderResult.refused("daily loss limit reached")


async def test_order_layer_refusal_is_recorded_and_no_position_is_booked(tmp_path: Path) -> None:
    orders = RefusingOrders()
    async with service(tmp_path, trading=orders) as app:
        await app.cmd("/start rsi_bot")
        await feed(app, FALL_RISE[:45])
        assert orders.seen and orders.seen[0].bot == "rsi_bot"
        assert orders.seen[0].quote_amount == 100000
        runner = app.manager.runners["rsi_bot"]
        assert not runner.engine.positions
        rows = await app.ctx.db.fetchall("SELECT taken, reason FROM decisions")
        said = [(r[0], render("en", load_text(r[1]))) for r in rows]
        assert (0, "order layer refused: daily loss limit reached") in said


async def test_a_paused_bot_still_manages_its_exits(tmp_path: Path) -> None:
    """Regression: pausing refused the bot's own exits too; /pause means no new entries only."""
    async with service(tmp_path) as app:
        await app.cmd("/start rsi_bot")
        await feed(app, FALL_RISE[:46])
        runner = app.manager.runners["rsi_bot"]
        assert runner.engine.positions  # long after the fall
        await app.cmd("/pause rsi_bot")
        await feed(app, FALL_RISE[46:], start=T0 + 46 * 60_000)
        exits = [d for d in runner.decisions if d.signal.action.value == "exit"]
        assert exits and exits[-1].taken
        assert not runner.engine.positions


async def test_stop_all_stops_every_running_bot_and_keeps_them_stopped(tmp_path: Path) -> None:
    async with service(tmp_path) as app:
        await app.cmd("/start rsi_bot")
        await app.cmd("/start other")
        replies = await app.manager.stop_all()
        assert sorted(render("en", r) for r in replies) == [
            "Bot other stopped.",
            "Bot rsi_bot stopped.",
        ]
        assert app.manager.runners == {}
    async with service(tmp_path) as app:
        assert app.manager.runners == {}
