"""Command answers in Korean (LANGUAGE=ko) through a real registry; English stays as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands import CommandContext, CommandRegistry, Reply
from bot.commands.base import CommandError
from bot.commands.bots import register_bots
from bot.commands.core import register_core
from bot.commands.kimp import register_kimp
from bot.commands.trading import register_trading
from bot.config import load_settings
from bot.events import EventBus
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.storage import Database
from bot.supervisor import Supervisor


def _registry() -> CommandRegistry:
    reg = CommandRegistry()
    register_core(reg)
    register_bots(reg)
    register_trading(reg)
    register_kimp(reg)

    @reg.command("bad", "raises", "/bad <x>")
    async def bad(ctx: CommandContext) -> Reply:
        raise CommandError("x")

    @reg.command("crash", "crashes")
    async def crash(ctx: CommandContext) -> Reply:
        raise ZeroDivisionError("secret internals")

    @reg.command("danger", "needs confirmation")
    async def danger(ctx: CommandContext) -> Reply:
        async def act(c: CommandContext) -> Reply:
            return Reply("done")

        return reg.ask_confirmation(ctx, "정말?", act)

    return reg


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "x.db") as database:
        yield database


def _ctx(tmp_path: Path, db: Database, language: str) -> CommandContext:
    settings = load_settings(
        env_file=None, db_path=tmp_path / "x.db", log_dir=tmp_path / "logs", language=language
    )
    facade = ServiceFacade(
        settings, db, EventBus(), Supervisor(), Notifier(Outbox(db), settings), "t"
    )
    return CommandContext(facade, 1, 1, "telegram")


async def test_registry_texts_in_korean(tmp_path: Path, db: Database) -> None:
    reg, ctx = _registry(), _ctx(tmp_path, db, "ko")
    assert (await reg.dispatch("hi", ctx)).text == "명령은 /로 시작합니다. 목록은 /help"
    assert (await reg.dispatch("/nope", ctx)).text == "알 수 없는 명령 /nope. 목록은 /help"
    assert (await reg.dispatch("/bad", ctx)).text == "x\n사용법: /bad <x>"
    crashed = (await reg.dispatch("/crash", ctx)).text
    assert crashed == "/crash 실패: ZeroDivisionError. 자세한 내용은 로그를 보세요."
    ask = await reg.dispatch("/danger", ctx)
    assert ask.text == "⚠️ 정말?\n60초 안에 확인하세요."
    assert [b.label for b in ask.buttons[0]] == ["✅ 확인", "✖ 취소"]
    code = ask.buttons[0][1].data.split()[1]
    assert (await reg.dispatch(f"/cancelconfirm {code}", ctx)).text.startswith("취소했습니다")
    assert (await reg.dispatch(f"/confirm {code}", ctx)).text.startswith("만료되었거나")
    assert (await reg.dispatch("/cancelconfirm", ctx)).text == "취소할 것이 없습니다."


async def test_help_in_korean_and_english(tmp_path: Path, db: Database) -> None:
    reg = _registry()
    ko = (await reg.dispatch("/help", _ctx(tmp_path, db, "ko"))).text
    assert ko.startswith("명령 목록:\n")
    assert "/balance — 거래소별 잔고, 원화 평가액과 합계" in ko
    assert "/bad <x> — raises" in ko  # a command without a catalog key keeps its summary
    one = (await reg.dispatch("/help kimp", _ctx(tmp_path, db, "ko"))).text
    assert one.startswith("/kimp [coin]\n김프: ")
    en = (await reg.dispatch("/help", _ctx(tmp_path, db, "en"))).text
    assert en.startswith("Commands:\n")
    assert "/balance — Balances per venue with KRW value and total" in en
    assert en.endswith("\n\n/help <command> explains one.")
    # every registered command's English summary is exactly its catalog text
    for cmd in reg.commands():
        assert reg.summary(cmd, "en") == cmd.summary
    bad = (await reg.dispatch("/help a b", _ctx(tmp_path, db, "ko"))).text
    assert bad == "명령 이름 하나만 주세요. 예: /help status\n사용법: /help [command]"
