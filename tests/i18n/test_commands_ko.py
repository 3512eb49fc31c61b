"""Command answers in Korean (LANGUAGE=ko) through a real registry; English stays as it was."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alerts.monitor import CoinPremium, LegAges
from bot.commands import CommandContext, CommandRegistry, Reply
from bot.commands.base import CommandError
from bot.commands.bots import register_bots, render_bots, render_decisions
from bot.commands.core import register_core
from bot.commands.kimp import register_kimp, render_detail
from bot.commands.trading import register_trading
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.features.trading import install as install_trading
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.events import EventBus
from core.market import Quote
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually, free_port
from tests.wiring import app_context


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
        settings,
        db,
        EventBus(),
        Supervisor(),
        Notifier(Outbox(db), settings.notify, settings.core.language),
        "t",
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
    assert one.startswith(
        "/kimp [coin|net] | /kimp <upbit|bithumb> [coin] | /kimp spread [coin] | "
        "/kimp net <upbit|bithumb>\n김프: "
    )
    en = (await reg.dispatch("/help", _ctx(tmp_path, db, "en"))).text
    assert en.startswith("Commands:\n")
    assert "/balance — Balances per venue with KRW value and total" in en
    assert en.endswith("\n\n/help <command> explains one.")
    # every registered command's English summary and details are exactly its catalog texts
    for cmd in reg.commands():
        assert reg.summary(cmd, "en") == cmd.summary
        assert reg.details(cmd, "en") == cmd.details
        if cmd.details:
            assert reg.details(cmd, "ko") != cmd.details, cmd.name
    detail = (await reg.dispatch("/help kimpalert", _ctx(tmp_path, db, "ko"))).text
    assert "예: /kimpalert high 4 는 프리미엄 알림을 +4 % 로 바꿉니다." in detail
    bad = (await reg.dispatch("/help a b", _ctx(tmp_path, db, "ko"))).text
    assert bad == "명령 이름 하나만 주세요. 예: /help status\n사용법: /help [command]"


async def test_bad_arguments_in_korean(tmp_path: Path, db: Database) -> None:
    reg, ctx = _registry(), _ctx(tmp_path, db, "ko")

    async def answer(line: str) -> str:
        return (await reg.dispatch(line, ctx)).text

    assert await answer("/version x") == "/version 명령은 인자를 받지 않습니다.\n사용법: /version"
    assert (await answer("/trades abc")).startswith("'abc'은(는) 정수가 아닙니다. 체결 수를")
    assert (await answer("/logs 0")).startswith("줄 수는 1에서 200 사이여야 합니다.")
    assert (await answer("/profit 1 2")).startswith("숫자는 하나만 주세요 (일 수). 예: /profit 10")
    assert (await answer("/balance")).startswith("이 서비스에서는 거래 기능이 실행 중이 아닙니다.")
    assert (await answer("/buy mars BTC 1")).startswith("알 수 없는 거래소 'mars'")
    assert (await answer("/buy upbit BTC abc")).startswith("'abc'은(는) 숫자가 아닙니다")
    assert (await answer("/buy upbit B-C 1")).startswith("'B-C'은(는) 코인 심볼이 아닙니다")
    assert (await answer("/buy upbit")).startswith("거래소, 코인, 수량을 주세요.")
    assert (await answer("/orders x")).startswith("/orders (미체결 주문)")
    assert (await answer("/killswitch on")).startswith("/killswitch, /killswitch cancel")


async def test_bad_arguments_stay_english(tmp_path: Path, db: Database) -> None:
    reg, ctx = _registry(), _ctx(tmp_path, db, "en")

    async def answer(line: str) -> str:
        return (await reg.dispatch(line, ctx)).text

    assert await answer("/version x") == "/version takes no arguments.\nUsage: /version"
    assert (await answer("/trades abc")).startswith(
        "'abc' is not a whole number: give the number of trades like 10."
    )
    assert (await answer("/logs 0")).startswith("the number of lines must be between 1 and 200.")
    assert (await answer("/buy mars BTC 1")).startswith(
        "Unknown venue 'mars': use upbit, binance or futures."
    )
    assert (await answer("/buy upbit")).startswith(
        "Give the venue, the coin and a size, e.g. /buy upbit BTC 50000KRW "
        "(or a bot: /buy <bot> [coin] [amount])."
    )


async def test_bots_and_kimp_not_running_in_korean(tmp_path: Path, db: Database) -> None:
    reg, ctx = _registry(), _ctx(tmp_path, db, "ko")
    stop = (await reg.dispatch("/stop all", ctx)).text
    assert stop == "이 서비스에서는 전략 봇이 실행 중이 아닙니다.\n사용법: /stop <bot|all>"
    kimp = (await reg.dispatch("/kimpalert high x", ctx)).text
    assert kimp.startswith("이 서비스에서는 김프 모니터가 실행 중이 아닙니다.")
    en = _ctx(tmp_path, db, "en")
    assert (await reg.dispatch("/kimp", en)).text.startswith(
        "The kimp monitor is not running in this service."
    )


async def test_settings_and_logs_headings(tmp_path: Path, db: Database) -> None:
    reg = _registry()
    assert (await reg.dispatch("/settings", _ctx(tmp_path, db, "ko"))).text.startswith("설정\n")
    assert (await reg.dispatch("/logs", _ctx(tmp_path, db, "ko"))).text == "아직 로그가 없습니다."
    assert (await reg.dispatch("/logs", _ctx(tmp_path, db, "en"))).text == "No log lines yet."


async def test_paper_trading_answers_in_korean(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # paper mode reads public rules; none here
    settings = load_settings(
        env_file=None, db_path=tmp_path / "t.db", upbit_rest_url=dead, binance_rest_url=dead,
        binance_futures_rest_url=dead, max_position_pct=90, language="ko",
    )  # fmt: skip
    reg = CommandRegistry()
    async with app_context(settings, registry=reg, stop_timeout=2.0) as app:
        bus, facade = app.bus, app.facade
        await install_trading(app)
        ctx = CommandContext(service=facade, chat_id=1, user_id=1, transport="console")
        assert (await reg.dispatch("/positions", ctx)).text == "열린 포지션이 없습니다."
        assert (await reg.dispatch("/orders", ctx)).text == "미체결 주문이 없습니다."
        assert (await reg.dispatch("/trades", ctx)).text == "아직 체결이 없습니다."
        now = time.time()
        for sym, bid, ask in (("USDT/KRW", 1399, 1400), ("BTC/KRW", 99_990_000, 100_000_000)):
            inst = Instrument(Venue.UPBIT, Symbol.parse(sym))
            bus.publish(Quote(inst, bid, 1.0, ask, 1.0, int(now * 1000), now))
        await eventually(lambda: facade.trading.svc.prices.usdt_krw() is not None)
        r = await reg.dispatch("/buy upbit BTC 100000KRW", ctx)
        assert "✅ [모의] 매수 BTC/KRW: " in r.text, r.text
        r = await reg.dispatch("/balance", ctx)
        assert r.text.startswith("잔고\n업비트:\n") and "합계 ≈" in r.text, r.text
        assert "업비트 BTC/KRW" in (await reg.dispatch("/positions", ctx)).text
        assert (await reg.dispatch("/trades 5", ctx)).text.startswith(
            "최근 거래 1건 (시각 KST)\n#1 "
        )
        daily = (await reg.dispatch("/daily 2", ctx)).text
        assert (
            daily.startswith("일별 손익, 최근 2일 (KST)\n")
            and "합계 " in daily
            and "수수료 포함" in daily
        )
        # the accounting views answer in Korean (catalog texts, not English)
        stats = (await reg.dispatch("/stats", ctx)).text
        assert stats == "최근 30일 청산 사유별 통계\n이 기간에 종료된 거래가 없습니다.", stats
        weekly = (await reg.dispatch("/weekly", ctx)).text
        assert weekly.startswith("주별 손익 (월요일 시작), 최근 4주 (KST)\n"), weekly
        assert (await reg.dispatch("/profit 3", ctx)).text.startswith(
            "최근 3일 수익 (원화 기준)\n실현 손익 -50원"
        )
        ask = await reg.dispatch("/killswitch", ctx)
        assert ask.text.startswith("⚠️ 킬스위치: 모든 봇을 중지하고 신규 진입을 거부할까요?")
        ask = await reg.dispatch("/sell upbit BTC 0.0001", ctx)
        assert ask.text.startswith("⚠️ 업비트에서 BTC/KRW 0.0001 시장가 매도할까요?")


def test_kimp_detail_in_korean_and_english() -> None:
    snap = CoinPremium(
        "BTC", 144_000_000.0, 100_000.0, 1_400.0, 1_385.0, 2.86, 3.97, 1.08,
        LegAges(1.0, 2.0, 1.0, 30.0), "업비트 스트림 끊김", True,
    )  # fmt: skip
    en = render_detail(snap, None, "high", 1_000_000.0)
    assert en == render_detail(snap, None, "high", 1_000_000.0, language="en")
    assert en.split("\n") == [
        "Upbit   144,000,000 KRW (age 1s)",
        "Binance 100,000 USDT (age 2s)",
        "KRW-USDT 1,400 KRW (age 1s)",
        "USD/KRW  1,385.00 (age 30s)",
        "USDT kimp +2.86% · FX kimp +3.97% · tether +1.08%",
        "Executable: n/a (no order book on every leg yet)",
        "⚠ implausible premium: ticker mismatch or halted market? Not alerting.",
        "⏸ alerts suspended: 업비트 스트림 끊김",
        "Alert state: high",
    ]
    ko = render_detail(snap, None, "high", 1_000_000.0, language="ko").split("\n")
    # issue 14: won written one way (원 in Korean, not ₩), ages in Korean units
    assert ko[0] == "업비트   144,000,000원 (경과 1초)"
    assert ko[2] == "KRW-USDT 1,400원 (경과 1초)"
    assert ko[3] == "USD/KRW  1,385.00 (경과 30초)"
    assert ko[4] == "USDT 김프 +2.86% · 환율 김프 +3.97% · 테더 +1.08%"
    assert ko[-2:] == ["⏸ 알림 일시정지: 업비트 스트림 끊김", "알림 상태: high"]


def test_bots_renderers_in_korean_and_english() -> None:
    assert render_bots([], "ko").startswith("정의된 봇이 없습니다.")
    assert render_bots([]) == (
        "No bots defined. Copy bots.example.toml to your BOTS_FILE and restart."
    )
    assert render_decisions([], "ko") == "아직 판단 기록이 없습니다."
    assert render_decisions([]) == "No decisions yet."
