"""/status shows each venue's private stream: up, or down with polling in use (en and ko)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import CommandContext, CommandRegistry
from bot.commands.core import register_core
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.events import EventBus
from core.private_streams import PrivateStreamState
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue


@pytest.mark.parametrize(
    ("language", "up", "down"),
    [
        (
            "en",
            "Binance USDT-M: up",
            "Binance spot: down (ConnectionRefusedError) · polling in use",
        ),
        (
            "ko",
            "바이낸스 선물(USDT-M): 연결됨",
            "바이낸스 현물: 끊김 (ConnectionRefusedError) · 주기적 조회(폴링)로 확인 중",
        ),
    ],
)
async def test_status_lists_private_streams(
    tmp_path: Path, language: str, up: str, down: str
) -> None:
    settings = load_settings(
        env_file=None, db_path=tmp_path / "x.db", log_dir=tmp_path / "logs", language=language
    )
    reg = CommandRegistry()
    register_core(reg)
    async with Database.open(tmp_path / "x.db") as db:
        facade = ServiceFacade(
            settings, db, EventBus(), Supervisor(),
            Notifier(Outbox(db), settings.notify, settings.core.language), "t",
        )  # fmt: skip
        ctx = CommandContext(facade, 1, 1, "console")
        before = (await reg.dispatch("/status", ctx)).text
        facade.private_streams.report(PrivateStreamState(Venue.BINANCE_FUTURES, True, 1.0))
        facade.private_streams.report(
            PrivateStreamState(Venue.BINANCE_SPOT, False, 2.0, "ConnectionRefusedError")
        )
        text = (await reg.dispatch("/status", ctx)).text
    assert down not in before and up not in before  # nothing running: no private-stream lines
    lines = [line.strip() for line in text.splitlines()]
    assert down in lines and up in lines
    assert lines.index(down) < lines.index(up)  # in venue order: spot before USDT-M
