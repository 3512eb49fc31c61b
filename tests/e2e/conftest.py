"""The whole service, end to end: `bot.app.Service` (every installer) in LIVE mode against the
exchange simulator, with python-telegram-bot talking to the Bot API emulator.

One service per test module (`world`), started once and stopped cleanly at the end. Tests talk
to it only as a user would: `world.ask("/cmd", expect=...)` sends a message and returns the bot's
answer; `world.press(message, data)` presses an inline button.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio
from loguru import logger

import bot.app
from bot.app import Service
from bot.commands import CommandRegistry
from bot.config import Settings, load_settings
from bot.features import AppContext, telegram
from bot.telegram import i18n
from bot.telegram.ratelimit import Limits
from bot.telegram.transport import TelegramTransport, TransportOptions
from core.notifications import NotificationKind
from core.storage import Database
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import SentMessage, TelegramEmulator

CHAT = 424242001
STRANGER = 424242999
SEED = 11
UPBIT_BOT = "up_spot"
FUTURES_BOT = "fut_trend"
BOTS_TOML = f"""
[bots.{UPBIT_BOT}]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
timeframe = "1m"
stake = 50000

[bots.{FUTURES_BOT}]
strategy = "ema_trend"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
timeframe = "1m"
stake = 200
leverage = 3
stop_loss_pct = 2.0
take_profit_pct = 4.0
"""
# The service answers at Telegram's real pace (about 1 message/s per chat), which would make
# ~100 interactive commands take minutes. The rate limiter has its own tests (tests/telegram);
# here the same installer runs with a wider per-chat bucket and a short long-poll.
E2E_TELEGRAM = TransportOptions(
    poll_timeout=1.0,
    request_timeout=3.0,
    limits=Limits(per_chat_per_second=50.0, per_chat_burst=50),
)
HEADERS = tuple(h for h in (i18n.header("en", kind) for kind in NotificationKind) if h)


def is_notification(msg: SentMessage) -> bool:
    """Notifications (fills, refusals, start-up, ...) open with their kind's header."""
    return msg.content.startswith(HEADERS)


# What a handler that crashed answers (bot.commands.registry): never acceptable as an answer.
CRASHED = " failed: "


def e2e_settings(tmp: Path, sim: SimExchange, tg: TelegramEmulator, **extra: Any) -> Settings:
    bots = tmp / "bots.toml"
    bots.write_text(BOTS_TOML, encoding="utf-8")
    values: dict[str, Any] = {k.lower(): v for k, v in sim.env().items()}
    values.update(
        trading_mode="live",  # real orders, on the simulator
        db_path=tmp / "bot.sqlite3",
        log_dir=tmp / "logs",
        bots_file=bots,
        strategies_dir=tmp / "strategies",
        telegram_bot_token=tg.token,
        telegram_chat_id=CHAT,
        telegram_api_url=tg.base_url,
        language="en",
        fx_refresh=5.0,
        universe_refresh=600.0,
        shutdown_timeout=10.0,
    )
    values.update(extra)
    return load_settings(env_file=None, **values)


@dataclass(slots=True)
class World:
    sim: SimExchange
    tg: TelegramEmulator
    service: Service
    settings: Settings
    transport: TelegramTransport  # what the Telegram installer returned

    @property
    def registry(self) -> CommandRegistry:
        return self.transport.registry

    async def ask(
        self,
        line: str,
        expect: str | Callable[[SentMessage], bool] | None = None,
        *,
        chat_id: int = CHAT,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Send `line` as the user; return the bot's next message to the chat (the first one
        containing `expect`, when given: notifications may arrive in between)."""
        after = self.tg.cursor()
        self.tg.send_user_message(chat_id, line)
        if isinstance(expect, str):
            text = expect
            match: Callable[[SentMessage], bool] | None = lambda m: text in m.content  # noqa: E731
        else:
            match = expect
        return await self.tg.wait_for_message(match, chat_id=chat_id, after=after, timeout=timeout)

    async def answer(self, line: str, timeout: float = 10.0) -> SentMessage:
        """Send `line`; return the bot's answer: its next message that is not a notification."""
        return await self.ask(line, lambda m: not is_notification(m), timeout=timeout)

    async def press(
        self, message: SentMessage, data: str, expect: str | None = None, timeout: float = 10.0
    ) -> SentMessage:
        """Press the inline button with callback `data` on `message`; return the next new
        message to the chat (containing `expect`, when given)."""
        assert data in [d for _, d in message.buttons], (data, message.buttons)
        after = self.tg.cursor()
        query = self.tg.press_button(message.chat_id, message.message_id, data)
        await self.tg.wait_for_callback_answer(query, timeout=timeout)
        return await self.tg.wait_for_message(
            (lambda m: expect in m.content) if expect else None,
            chat_id=message.chat_id,
            after=after,
            timeout=timeout,
        )

    async def confirm(self, question: SentMessage, expect: str | None = None) -> SentMessage:
        """Press ✅ on a confirmation question; return the outcome message."""
        (data,) = [d for _, d in question.buttons if d and d.startswith("/confirm ")]
        return await self.press(question, data, expect)


async def seed_history(db_path: Path, now: float, hours: int = 24) -> int:
    """Premium history as a service that ran the day before would have stored it (one sample
    every 10 minutes), so /kimpchart and /report have a day to draw. Returns the BTC count."""
    rows = []
    start = int(now // 60 * 60) - hours * 3600
    for i, ts in enumerate(range(start, start + hours * 3600, 600)):
        wave = 0.3 * ((i % 24) / 12 - 1)  # a saw-tooth between -0.3 and +0.3
        for coin, usdt in (("BTC", 100_000.0), ("ETH", 3_500.0)):
            rows.append((coin, ts, 1.0 + wave, 2.1 + wave, 1.08, usdt * 1400 * 1.01, usdt))
    db = await Database.connect(db_path)
    try:
        await db.executemany(
            "INSERT INTO kimp_samples (coin, minute_ts, usdt_kimp, fx_kimp, tether_premium, "
            "upbit_krw, binance_usdt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    finally:
        await db.close()
    return len(rows) // 2


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: Any) -> AsyncIterator[World]:
    async with running_world(tmp_path_factory.mktemp("e2e"), "Service started") as w:
        yield w


@asynccontextmanager
async def running_world(
    tmp: Path, started: str, sim: SimExchange | None = None, **extra: Any
) -> AsyncIterator[World]:
    """The whole service on the simulator and the emulator (settings `extra` on top of the
    e2e ones), once its start-up notice (containing `started`) was sent; stopped at the end.
    `sim`: a simulator already running (a restart on the venues' state), else a new one."""
    venues = contextlib.nullcontext(sim) if sim is not None else SimExchange(seed=SEED)
    async with venues as sim, TelegramEmulator() as tg:
        settings = e2e_settings(tmp, sim, tg, **extra)
        await seed_history(settings.db_path, time.time())
        log_sink = logger.add(settings.log_dir / "bot.log", level="INFO", enqueue=False)
        installed: list[TelegramTransport] = []

        async def install_telegram(app: AppContext) -> None:
            transport = await telegram.install(app, options=E2E_TELEGRAM)
            assert transport is not None
            installed.append(transport)

        features = [install_telegram if f is telegram.install else f for f in bot.app.FEATURES]
        assert telegram.install in bot.app.FEATURES
        service = Service(settings, features=features)
        stop = asyncio.Event()
        ready = asyncio.create_task(service.ready.wait())
        task = asyncio.create_task(service.run(stop), name="e2e-service")
        await asyncio.wait({task, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        try:
            if task.done():
                task.result()  # start-up failed: raise its error
                raise AssertionError("the service returned before it was ready")
            assert service.ready.is_set(), "the service was not ready within 60 s"
            await tg.wait_for_message(lambda m: started in m.content, timeout=15)
            yield World(sim, tg, service, settings, installed[0])
        finally:
            ready.cancel()
            stop.set()
            await asyncio.wait_for(task, 30)
            logger.remove(log_sink)
