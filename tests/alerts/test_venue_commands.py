"""/kimp upbit|bithumb and /kimp spread [coin]: the answers, in English and Korean, over the real
kimp service fed with domain events (the end-to-end run over the Bot API emulator is in
tests/e2e)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from alerts.premium import Fees
from alerts.service import KimpService
from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.commands.kimp_venues import render_venue_coin
from bot.config import SettingsError, load_settings
from bot.facade import ServiceFacade
from bot.features.kimp import make_service
from bot.i18n import Messages
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.clock import ManualClock
from core.events import EventBus
from core.fills import FEE_RATES
from core.notifications import Notification
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue
from tests.alerts.conftest import bn, quote
from tests.alerts.test_krw_venues import book, kr

T, FX = 1_400.0, 1_385.0


async def _drop(note: Notification) -> None:
    return None


@asynccontextmanager
async def kimp_commands(
    tmp_path: Path, extra: tuple[Venue, ...] = (Venue.BITHUMB,), **kw: object
) -> AsyncIterator[tuple[CommandRegistry, CommandContext, KimpService, ManualClock]]:
    settings = load_settings(
        env_file=None, db_path=tmp_path / "k.db", log_dir=tmp_path / "logs", **kw
    )
    registry = CommandRegistry()
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        notifier = Notifier(Outbox(db), settings.notify, settings.core.language)
        facade = ServiceFacade(settings, db, EventBus(), Supervisor(), notifier, "t")
        clock = ManualClock()
        svc = make_service(
            settings.kimp, settings.market_data, settings.core, db, clock, _drop,
            Fees.from_rates(FEE_RATES), extra_krw=extra,
        )  # fmt: skip
        await svc.load()
        svc.set_coins({"BTC", "ETH", "XRP"})
        facade.kimp = svc
        yield registry, CommandContext(facade, 1, 1, "console"), svc, clock


def _feed(svc: KimpService, clock: ManualClock) -> None:
    """BTC +1 % on Upbit and +1.5 % on Bithumb; XRP +1 % on Upbit, +3 % on Bithumb (Bithumb
    dearer by ~1.94 %); ETH on Upbit only. Books on both sides for XRP."""
    events: list[object] = [kr(Venue.UPBIT, "USDT", T, clock), kr(Venue.BITHUMB, "USDT", T, clock)]
    for coin, up, bt in (("BTC", 1.0, 1.5), ("XRP", 1.0, 3.0), ("ETH", 1.0, None)):
        events.append(bn(coin, 10.0, clock))
        events.append(kr(Venue.UPBIT, coin, 10.0 * T * (1 + up / 100), clock))
        if bt is not None:
            events.append(kr(Venue.BITHUMB, coin, 10.0 * T * (1 + bt / 100), clock))
    events.append(book(Venue.UPBIT, "XRP", 14_139.0, 14_141.0, 1_000.0, clock))
    events.append(book(Venue.BITHUMB, "XRP", 14_419.0, 14_421.0, 1_000.0, clock))
    for event in events:
        svc.monitor.on_event(event)
        svc.krw.on_event(event)
    svc.krw.set_fx(FX, clock.now())


async def test_kimp_bithumb_shows_bithumbs_own_premiums(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        text = (await registry.dispatch("/kimp bithumb", ctx)).text
        lines = text.splitlines()
        assert lines[0] == "Kimchi premium · Bithumb"
        assert lines[2].startswith("BTC") and "+1.50%" in lines[2], text
        assert "Top:    XRP +3.00%, BTC +1.50%" in text, text
        assert "2/3 common coins priced" in text  # ETH is not on Bithumb
        upbit = (await registry.dispatch("/kimp upbit", ctx)).text
        assert upbit.splitlines()[0] == "Kimchi premium · Upbit"
        assert "Top:    BTC +1.00%" in upbit or "Top:    XRP +1.00%" in upbit, upbit
        plain = (await registry.dispatch("/kimp", ctx)).text
        assert plain.splitlines()[0] == "Kimchi premium"  # KIMP_KRW_VENUE=upbit: as before


async def test_the_default_venue_comes_from_the_setting(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, language="ko", kimp_krw_venue="bithumb", bithumb_enabled=True) as (
        registry, ctx, svc, clock,
    ):  # fmt: skip
        _feed(svc, clock)
        text = (await registry.dispatch("/kimp", ctx)).text
        assert text.splitlines()[0] == "김치 프리미엄 · 빗썸", text
        assert "상위:   XRP +3.00%, BTC +1.50%" in text, text
        assert (await registry.dispatch("/kimp upbit", ctx)).text.startswith(
            "김치 프리미엄 · 업비트"
        )


async def test_kimp_spread_lists_the_dearer_venue_and_the_net_after_fees(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        text = (await registry.dispatch("/kimp spread", ctx)).text
        lines = text.splitlines()
        assert lines[0] == "Upbit–Bithumb spread"
        assert lines[1] == "coin    spread   dearer    net"
        xrp = svc.spread("XRP")
        assert xrp is not None and xrp.exe is not None and xrp.exe.best.pct is not None
        assert lines[2].startswith("XRP     -1.94%   Bithumb   +"), text
        net = f"{xrp.exe.best.pct:+.2f}%"
        assert lines[2].endswith(net), text
        assert lines[3].startswith("BTC") and lines[3].endswith("—"), text  # no books for BTC
        assert "2 coins on both venues" in lines[-1] and "alerts at +1% / -1%" in lines[-1]


async def test_kimp_spread_coin_shows_both_books_and_each_direction(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        text = (await registry.dispatch("/kimp spread xrp", ctx)).text
        lines = text.splitlines()
        assert lines[0] == "XRP: Upbit–Bithumb spread"
        assert lines[1].startswith("Upbit  14,140 KRW (bid 14,139 KRW / ask 14,141 KRW"), text
        assert lines[2].startswith("Bithumb  14,420 KRW (bid 14,419 KRW / ask 14,421 KRW"), text
        assert lines[3].startswith("Spread -1.94%: Bithumb dearer"), text
        assert lines[4] == "Executable at 1,000,000 KRW after both taker fees:"
        # Buying 1,000,000 KRW on Upbit at 14,141 and selling on Bithumb at 14,419.
        fee_u, fee_b = FEE_RATES[Venue.UPBIT], FEE_RATES[Venue.BITHUMB]
        net = ((1e6 / 14_141) * (1 - fee_u) * 14_419 * (1 - fee_b) / 1e6 - 1) * 100
        assert lines[6] == f"  buy Upbit, sell Bithumb: {net:+.2f}%", text
        assert lines[5].startswith("  buy Bithumb, sell Upbit: -"), text


async def test_kimp_spread_in_korean(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, language="ko") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        table = (await registry.dispatch("/kimp spread", ctx)).text
        assert table.splitlines()[0] == "업비트–빗썸 가격차"
        assert "빗썸" in table.splitlines()[2] and "양쪽 상장 코인 2개" in table, table
        coin = (await registry.dispatch("/kimp spread XRP", ctx)).text
        assert "가격차 -1.94%: 빗썸 쪽이 더 비쌈" in coin, coin
        assert "  업비트 매수 → 빗썸 매도: +" in coin, coin


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("/kimp spread DOGE", "DOGE is not priced on both Upbit and Bithumb yet."),
        ("/kimp spread ETH", "ETH is not priced on both Upbit and Bithumb yet."),
        ("/kimp spread BTC ETH", "Use /kimp spread or /kimp spread <coin>."),
        ("/kimp spread $$", "'$$'"),
        ("/kimp bithumb BTC ETH", "Use /kimp bithumb or /kimp bithumb <coin>."),
        ("/kimp bithumb ETH", "ETH: no Bithumb premium yet (not listed there, or no price yet)."),
        ("/kimp bithumb B-C", "'B-C'"),
    ],
)
async def test_bad_venue_and_spread_arguments_get_a_clear_answer(
    tmp_path: Path, line: str, expect: str
) -> None:
    async with kimp_commands(tmp_path, language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        reply = await registry.dispatch(line, ctx)
        assert expect in reply.text, reply.text
        assert "Traceback" not in reply.text


async def test_bithumb_not_enabled_is_said_so(tmp_path: Path) -> None:
    async with kimp_commands(tmp_path, extra=(), language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        for line in ("/kimp bithumb", "/kimp spread", "/kimp spread XRP"):
            reply = await registry.dispatch(line, ctx)
            assert reply.text.startswith("Bithumb is not watched by this service."), reply.text
        assert svc.readings()[-1].key == "tether"  # no Bithumb or spread keys are read
        assert not any("@" in r.key or r.key.startswith("spread:") for r in svc.readings())


def test_bithumb_as_the_default_venue_needs_bithumb_enabled() -> None:
    with pytest.raises(SettingsError, match="KIMP_KRW_VENUE=bithumb needs BITHUMB_ENABLED=true"):
        load_settings(env_file=None, kimp_krw_venue="bithumb")


async def test_kimp_bithumb_coin_shows_its_legs_premiums_executable_and_spread(
    tmp_path: Path,
) -> None:
    async with kimp_commands(tmp_path, language="en") as (registry, ctx, svc, clock):
        _feed(svc, clock)
        for event in (  # books on every leg of Bithumb's XRP round
            quote(Venue.BINANCE_SPOT, "XRP", "USDT", 9.999, 10.001, 1e6, clock),
            quote(Venue.BITHUMB, "USDT", "KRW", 1_399.0, 1_401.0, 1e7, clock),
        ):
            svc.monitor.on_event(event)
            svc.krw.on_event(event)
        text = (await registry.dispatch("/kimp bithumb xrp", ctx)).text
        lines = text.splitlines()
        assert lines[0] == "XRP premium · Bithumb"
        assert lines[1].startswith("Bithumb  14,420 KRW (age "), text
        assert "USDT kimp +3.00%" in text, text
        assert lines[7].startswith("  buy abroad/sell Bithumb +"), text
        assert lines[8].startswith("  buy Bithumb/sell abroad -"), text
        assert "Spread -1.94%: Bithumb dearer" in text
        ko = Messages("ko")
        body = render_venue_coin(
            Venue.BITHUMB, *svc.krw.detail(Venue.BITHUMB, "XRP", 1e6), svc.spread("XRP"), 1e6,
            ko.language,
        )  # fmt: skip
        assert body.splitlines()[0].startswith("빗썸  14,420원 (경과 "), body
        assert "  해외 매수/빗썸 매도 +" in body and "가격차 -1.94%: 빗썸 쪽이 더 비쌈" in body
