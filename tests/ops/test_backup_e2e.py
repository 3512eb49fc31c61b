"""Backups of a service that is trading (LIVE on the exchange simulator, commands over PTB and the
Bot API emulator): /backup while orders are being written gives a consistent copy; `restore` is
refused while the service runs, installs the copy into a fresh data folder, and a service started
there knows those orders."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import pytest

import bot.app
from bot.__main__ import restore
from bot.app import Service
from bot.config import Settings
from bot.features import AppContext, telegram
from core.market import Side
from core.orders import OrderRequest, OrderType
from core.storage.backup import backups
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.e2e.conftest import CHAT, E2E_TELEGRAM, SEED, e2e_settings, is_notification

UP_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


@asynccontextmanager
async def running(settings: Settings, tg: TelegramEmulator) -> AsyncIterator[Service]:
    async def install_telegram(app: AppContext) -> None:
        await telegram.install(app, options=E2E_TELEGRAM)

    features = [install_telegram if f is telegram.install else f for f in bot.app.FEATURES]
    service = Service(settings, features=features)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop), name="ops-e2e-service")
    ready = asyncio.create_task(service.ready.wait())
    await asyncio.wait({task, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    try:
        if task.done():
            task.result()
            raise AssertionError("the service returned before it was ready")
        assert service.ready.is_set(), "the service was not ready within 60 s"
        yield service
    finally:
        ready.cancel()
        stop.set()
        await asyncio.wait_for(task, 30)


async def answer(tg: TelegramEmulator, line: str, expect: str) -> str:
    after = tg.cursor()
    tg.send_user_message(CHAT, line)
    msg: SentMessage = await tg.wait_for_message(
        lambda m: not is_notification(m) and expect in m.content,
        chat_id=CHAT,
        after=after,
        timeout=20,
    )
    return msg.content


async def test_backup_while_trading_gives_a_copy_a_fresh_service_starts_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    async with SimExchange(seed=SEED) as sim, TelegramEmulator() as tg:
        settings = e2e_settings(first, sim, tg)  # backups go beside the database by default
        placed: list[str] = []
        async with running(settings, tg) as service:
            assert service.facade is not None and service.facade.trading is not None
            svc = service.facade.trading.svc
            price = Decimal(int(sim.market.upbit_mid("BTC") * 0.8 // 1000 * 1000))

            async def trade() -> None:
                while True:  # resting limit orders, written one after the other
                    res = await svc.submit(
                        OrderRequest(UP_BTC, Side.BUY, OrderType.LIMIT, Decimal("0.0005"), price)
                    )
                    assert res.accepted, res
                    placed.append(res.order.client_id)

            trader = asyncio.create_task(trade())
            try:
                while len(placed) < 2:
                    await asyncio.sleep(0.05)
                before = list(placed)  # written before /backup was sent
                done = await answer(tg, "/backup", "Backup written")
            finally:
                trader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await trader
            (copy,) = backups(first / "backups")
            assert restore(settings, copy) == 2  # the running service holds the instance lock
            assert "already running" in capsys.readouterr().err
            status = await answer(tg, "/status", "Mode:")
            assert re.search(r"^Database: [\d.]+ [KM]?B on disk", status, re.M), status
            assert "Last backup: bot-" in status and "Heartbeat: off" in status
            await svc.cancel_all()

        assert f"Backup written: {copy.name}" in done
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not list((first / "backups").glob("*.tmp"))
        with contextlib.closing(sqlite3.connect(copy)) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            ids = {r[0] for r in raw.execute("SELECT client_id FROM orders")}
        # A snapshot: every order written before /backup was sent is in it; nothing else but the
        # orders placed while it ran (one more may have been written when the trader stopped).
        assert set(before) <= ids, (before, ids)
        assert len(ids - set(placed)) <= 1, (placed, ids)

        restored = e2e_settings(second, sim, tg, backup_interval_hours=0)
        assert restore(restored, copy) == 0
        assert f"as {second / 'bot.sqlite3'}" in capsys.readouterr().out
        async with running(restored, tg) as service:
            orders = await answer(tg, "/orders all", "Orders")
            assert placed[0] in orders, orders
            version = await answer(tg, "/version", "kimp-bot")
            assert re.search(r"database schema \d+$", version), version
