"""Notifications in Korean (language="ko") and English ("en"), raised by the real components and
delivered through the real Notifier and SQLite outbox (and, end to end, PTB and the Bot API
emulator)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

import bot.app
from alerts.service import KimpService
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.features import AppContext
from bot.features.telegram import install as telegram_install
from bot.i18n import Messages, stream_status
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox, OutboxItem
from core.clock import ManualClock, SystemClock
from core.events import EventBus
from core.market import Quote, Side, StreamState, StreamStatus
from core.notifications import Notification, NotificationKind
from core.orders import OrderRequest, OrderType
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Instrument, Symbol, Venue
from peers.telegram_emulator import TelegramEmulator
from tests.alerts.test_service import COINS, feed, run_for
from tests.alerts.test_service import service as kimp_service
from tests.helpers import eventually
from tests.telegram.conftest import CHAT, make_settings, running
from tests.trading.harness import paper_brokers
from trading.executor import OrderService
from trading.paper import PaperBroker
from trading.prices import PriceBook
from trading.risk import RiskLimits, RiskManager
from trading.store import TradingStore

UPBIT_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
UPBIT_USDT = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))


class Collect:
    """The notifier's transport seam: records what it is asked to deliver, always succeeds."""

    def __init__(self) -> None:
        self.items: list[OutboxItem] = []

    async def deliver(self, items: list[OutboxItem]) -> list[int]:
        self.items.extend(items)
        return [i.id for i in items]

    def texts(self, kind: NotificationKind) -> list[str]:
        return [i.text for i in self.items if i.kind is kind]


@asynccontextmanager
async def notifier(tmp_path: Path, language: str) -> AsyncIterator[tuple[Notifier, Collect]]:
    settings = load_settings(env_file=None, db_path=tmp_path / "n.db", language=language)
    async with Database.open(settings.db_path) as db:
        n, sink = Notifier(Outbox(db), settings.notify, settings.core.language), Collect()
        n.set_sender(sink)
        yield n, sink


async def deliver(n: Notifier) -> None:
    await n.flush_writes()
    await n.deliver_pending()


def quote(prices: PriceBook, brokers: dict[Venue, Any], inst: Instrument, bid: float) -> None:
    now = SystemClock().now()
    ev = Quote(inst, bid, 1.0, bid + 10_000, 1.0, int(now * 1000), now)
    prices.on_event(ev)
    for b in brokers.values():
        if isinstance(b, PaperBroker):
            b.on_market(ev)


async def _round_trip(tmp_path: Path, language: str) -> tuple[list[str], list[str], str]:
    """A paper buy and sell of BTC on Upbit; (fill texts, refusal texts, the buy's id)."""
    async with notifier(tmp_path, language) as (n, sink):
        s = load_settings(env_file=None, language=language)
        clock, prices = SystemClock(), PriceBook()
        brokers = paper_brokers(prices)
        async with Database.open(tmp_path / "t.db") as db:
            limits = RiskLimits(max_order_krw=D(5_000_000), max_position_pct=D(90))
            risk = RiskManager(limits, clock, notify=n.notify)
            svc = OrderService(
                TradingStore(db), risk, brokers, prices, bus=EventBus(), notify=n.notify,
                clock=clock, paper=True, render=Messages(s.language).render,
            )  # fmt: skip
            for b in brokers.values():
                await b.start()
            try:
                await svc.load()
                quote(prices, brokers, UPBIT_USDT, 1_400)
                quote(prices, brokers, UPBIT_BTC, 100_000_000)
                buy = await svc.submit(
                    OrderRequest(UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(1_000_000))
                )
                assert buy.accepted and buy.order is not None, buy.reason
                quote(prices, brokers, UPBIT_BTC, 101_000_000)
                qty = svc.positions[UPBIT_BTC].qty
                sell = await svc.submit(OrderRequest(UPBIT_BTC, Side.SELL, OrderType.MARKET, qty))
                assert sell.accepted, sell.reason
                for krw in (6_000_000, 90_000_000):  # over the order cap; over the balance
                    req = OrderRequest(
                        UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(krw), bot="grid"
                    )
                    assert not (await svc.submit(req)).accepted
            finally:
                for b in brokers.values():
                    await b.close()
            await deliver(n)
        fills = sink.texts(NotificationKind.ORDER_FILLED)
        return fills, sink.texts(NotificationKind.ORDER_REFUSED), buy.order.client_id


async def test_a_fill_and_a_refusal_in_korean(tmp_path: Path) -> None:
    fills, refused, buy_id = await _round_trip(tmp_path, "ko")
    assert len(fills) == 2, fills
    assert fills[0].startswith("[모의] 업비트 BTC 매수 체결: 0.0"), fills[0]
    # issue 14: won as 원 in Korean, prices and fees included, never with decimals
    assert re.search(r" BTC @ 100,0[\d,]+원 \(수수료 [\d,]+원, ", fills[0]), fills[0]
    assert fills[0].endswith(f", 주문번호 {buy_id})") and "손익" not in fills[0]
    assert fills[1].startswith("[모의] 업비트 BTC 매도 체결: "), fills[1]
    assert re.search(r"\n실현 손익 \+[\d,]+원 \(\+\d+\.\d\d%\)$", fills[1]), fills[1]
    assert refused == [
        "주문 거부 (봇 grid): 업비트 BTC/KRW 매수. 주문 금액 6,000,000원이(가) 1회 주문 한도 "
        "5,000,000원(MAX_ORDER_KRW)를 넘습니다.",
        "주문 거부 (봇 grid): 업비트 BTC/KRW 매수. KRW 잔고 부족: 90,045,000원 필요, "
        f"사용 가능 {refused[1].rsplit(' ', 1)[1]}",
    ]


async def test_a_fill_and_a_refusal_in_english(tmp_path: Path) -> None:
    fills, refused, buy_id = await _round_trip(tmp_path, "en")
    assert len(fills) == 2, fills
    assert fills[0].startswith("[paper] Filled buy 0.0"), fills[0]
    assert fills[0].endswith(f" KRW on Upbit (fee {fills[0].split('(fee ')[1]}")
    assert fills[0].endswith(f", id {buy_id})")
    assert re.search(r"\nPnL \+[\d,.]+ KRW \(\+\d+\.\d\d%\)$", fills[1]), fills[1]
    assert refused == [
        "Order refused from bot grid: buy BTC/KRW on Upbit. The order is worth 6,000,000 KRW, "
        "above the per-order cap of 5,000,000 KRW (MAX_ORDER_KRW).",
        "Order refused from bot grid: buy BTC/KRW on Upbit. Not enough KRW: this needs "
        f"90,045,000 KRW, {refused[1].rsplit(' ', 3)[1]} KRW available.",
    ]


class Via:
    """What tests/alerts' `service()` sends through: here the real notifier."""

    def __init__(self, n: Notifier) -> None:
        self.send = n.notify_async


async def _alerts(svc: KimpService, clock: ManualClock) -> None:
    """Every coin past its alert level at once (BTC's market-wide alert and a digest of the
    other six), then Upbit's stream down (alerts suspended)."""
    await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 20)
    await run_for(svc, clock, dict.fromkeys(COINS, 3.5), 60)
    feed(svc, clock, dict.fromkeys(COINS, 3.5))
    svc.monitor.on_status(StreamStatus(Venue.UPBIT, "upbit", StreamState.DOWN, "timeout", 0.0))
    await svc.evaluate()


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_kimp_alert_digest_and_suspension(tmp_path: Path, language: str) -> None:
    clock = ManualClock()
    async with notifier(tmp_path, language) as (n, sink):
        async with kimp_service(tmp_path / "k.db", clock, Via(n), language=language) as svc:
            await _alerts(svc, clock)
        await deliver(n)
    texts = sink.texts(NotificationKind.KIMP_ALERT)
    assert len(texts) >= 3, texts
    alert, digest, *rest = texts
    suspended = [t for t in rest if "timeout" in t]
    assert suspended, rest
    lines = digest.splitlines()
    assert sorted(line.split()[1] for line in lines[1:]) == sorted(set(COINS) - {"BTC"})
    if language == "ko":
        assert alert == "🔺 [시장] BTC 김프 +3.50% (USDT 기준 김프): 알림 기준 +3% 도달"
        assert lines[0] == "📋 김프 요약: 코인 알림 6건"
        assert lines[1].endswith(" 김프 +3.50% (USDT 기준 김프): 알림 기준 +3% 도달")
        assert "김프 알림 일시 중지" in suspended[0]
        assert "업비트 스트림 끊김 (timeout)" in suspended[0]
    else:
        assert alert == "🔺 [Market] BTC premium +3.50% (USDT kimp): reached the +3% alert level"
        assert lines[0] == "📋 Kimp digest: 6 coin alerts"
        assert "kimp alerts suspended" in suspended[0].lower()
        assert "Upbit stream down (timeout)" in suspended[0]


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_stream_status_through_the_outbox(tmp_path: Path, language: str) -> None:
    degraded = StreamStatus(
        Venue.BINANCE_SPOT, "binance-rest", StreamState.DEGRADED, "websocket stale", 1.0
    )
    async with notifier(tmp_path, language) as (n, sink):
        n.notify(Notification(NotificationKind.STREAM, stream_status(language, degraded)))
        await deliver(n)
    (text,) = sink.texts(NotificationKind.STREAM)
    expected = {
        "ko": "🟠 바이낸스 현물 시세 스트림 불안정 (REST로 대체 수신 중): websocket stale",
        "en": "🟠 Binance spot market data degraded: websocket stale",
    }
    assert text == expected[language]


async def test_startup_summary_lists_venues_and_bots_in_both_languages(tmp_path: Path) -> None:
    class Streams:  # the summary asks which venues deliver market data
        async def status_lines(self) -> list[str]:
            return []

        async def wait_delivering(self, timeout: float) -> dict[Venue, bool]:
            return dict.fromkeys(Venue, True)

    class Bots:
        async def status_lines(self) -> list[str]:
            return ["grid: running"]

    for language, expected in {
        "ko": [
            "서비스 시작: 실거래 — 실제 주문이 나갑니다, v",
            "시세 수신: 업비트, 바이낸스 현물, 바이낸스 선물(USDT-M)",
            "실주문 거래소: 업비트",
            "봇: grid: running",
            "명령 목록은 /help",
        ],
        "en": [
            "Service started: LIVE trading — real orders will be placed, v",
            "Market data: Upbit, Binance spot, Binance USDT-M",
            "Live orders on: Upbit",
            "Bots: grid: running",
            "Send /help for commands.",
        ],
    }.items():
        settings = load_settings(
            env_file=None, db_path=tmp_path / f"{language}.db", language=language,
            trading_mode="live", upbit_access_key="a" * 20, upbit_secret_key="b" * 20,
        )  # fmt: skip
        async with Database.open(settings.db_path) as db:
            facade = ServiceFacade(
                settings=settings, db=db, bus=EventBus(), supervisor=Supervisor(),
                notifier=Notifier(Outbox(db), settings.notify, settings.core.language), version="1",
            )  # fmt: skip
            facade.market_data, facade.bots = Streams(), Bots()
            lines = (await bot.app._startup_summary(facade)).split("\n")
        assert len(lines) == len(expected)
        assert all(line.startswith(want) for line, want in zip(lines, expected, strict=True))


async def _crash_once(app: AppContext) -> None:
    """A feature whose component crashes once, then runs until stopped."""
    crashed = False

    async def flaky() -> None:
        nonlocal crashed
        if not crashed:
            crashed = True
            raise RuntimeError("disk full")
        await asyncio.Event().wait()

    app.supervisor.start("flaky", flaky)


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_service_start_crash_and_stop_over_telegram(
    tmp_path: Path, tg: TelegramEmulator, language: str
) -> None:
    """End to end: the real Service, PTB and the emulator; each text with its header."""
    settings = make_settings(tmp_path, tg, language=language)
    service = bot.app.Service(settings, features=[telegram_install, _crash_once])
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    ko = language == "ko"
    try:
        started = await tg.wait_for_message(
            lambda m: ("서비스 시작:" if ko else "Service started:") in m.content, timeout=15
        )
        want = "🚀 서비스 시작\n서비스 시작: 모의투자, v" if ko else "🚀 Started\nService started: "
        assert started.content.startswith(want), started.content
        assert started.content.endswith("명령 목록은 /help" if ko else "Send /help for commands.")
        crash = await tg.wait_for_message(lambda m: "flaky" in m.content, timeout=15)
        pattern = (
            r"⚙️ 구성요소\n구성요소 flaky 오류로 중단 \(RuntimeError: disk full\); "
            r"\d+초 후 재시작 \(#1\)\."
            if ko
            else r"⚙️ Component\nComponent flaky crashed \(RuntimeError: disk full\); "
            r"restart #1 in \d+s\."
        )
        assert re.fullmatch(pattern, crash.content), crash.content
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
    last = tg.sent_messages(CHAT)[-1].content
    assert last == (
        "⏹ 서비스 종료\n서비스를 종료합니다." if ko else "⏹ Stopping\nService stopping."
    )


async def test_kimp_alert_reaches_telegram_in_korean(tmp_path: Path, tg: TelegramEmulator) -> None:
    clock = ManualClock()
    async with running(tmp_path, tg, language="ko") as r:
        async with kimp_service(tmp_path / "k.db", clock, Via(r.notifier), language="ko") as svc:
            await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 20)
            await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "BTC": 3.2}, 60)

        def btc() -> list[str]:
            return [m.content for m in tg.sent_messages(CHAT) if "BTC" in m.content]

        (text,) = await eventually(btc)
        assert text == "🌶 김프 알림\n🔺 [시장] BTC 김프 +3.20% (USDT 기준 김프): 알림 기준 +3% 도달"


async def test_startup_summary_names_bithumb_when_it_trades_live(tmp_path: Path) -> None:
    """Issue 18: with BITHUMB_ENABLED and its keys, Bithumb takes real orders: the start-up
    notice says so (it named only Upbit and Binance)."""

    class Streams:
        async def status_lines(self) -> list[str]:
            return []

        async def wait_delivering(self, timeout: float) -> dict[Venue, bool]:
            return dict.fromkeys(Venue, True)

    for language, want in {
        "ko": "실주문 거래소: 업비트, 빗썸",
        "en": "Live orders on: Upbit, Bithumb",
    }.items():
        settings = load_settings(
            env_file=None, db_path=tmp_path / f"{language}.db", language=language,
            trading_mode="live", upbit_access_key="a" * 20, upbit_secret_key="b" * 20,
            bithumb_enabled=True, bithumb_access_key="c" * 40, bithumb_secret_key="d" * 40,
        )  # fmt: skip
        async with Database.open(settings.db_path) as db:
            facade = ServiceFacade(
                settings=settings, db=db, bus=EventBus(), supervisor=Supervisor(),
                notifier=Notifier(Outbox(db), settings.notify, settings.core.language), version="1",
            )  # fmt: skip
            facade.market_data = Streams()
            lines = (await bot.app._startup_summary(facade)).split("\n")
        assert want in lines, lines
