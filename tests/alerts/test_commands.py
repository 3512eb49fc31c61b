"""The /kimp renderers (pure) and the commands' answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.monitor import CoinPremium, LegAges, TetherView
from alerts.premium import Books, Fees, executable_premium
from alerts.service import Headline
from bot.commands import CommandContext, CommandRegistry
from bot.commands.core import register_core
from bot.commands.kimp import register_kimp, render_detail, render_headline
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.features.kimp import make_service
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.clock import ManualClock
from core.events import EventBus
from core.fills import FEE_RATES
from core.notifications import Notification
from core.storage import Database
from core.supervisor import Supervisor
from core.text import Text

FEES = Fees.from_rates(FEE_RATES)


def _snap(**kw: object) -> CoinPremium:
    base: dict[str, object] = {
        "coin": "BTC",
        "upbit_krw": 144_000_000.0,
        "binance_usdt": 100_000.0,
        "usdt_krw": 1_400.0,
        "usd_krw": 1_385.0,
        "usdt_kimp": 2.86,
        "fx_kimp": 3.97,
        "tether": 1.08,
        "ages": LegAges(1.0, 2.0, 1.0, 30.0),
        "suspended": None,
        "implausible": False,
    }
    return CoinPremium(**{**base, **kw})  # type: ignore[arg-type]


def test_detail_says_when_the_size_exceeds_the_top_of_book() -> None:
    thin = Books(
        [(143_900_000.0, 0.001)], [(144_000_000.0, 0.001)],
        [(99_999.0, 0.001)], [(100_000.0, 0.001)],
        [(1_399.0, 1e6)], [(1_400.0, 1e6)],
    )  # fmt: skip
    exe = executable_premium(thin, 1_000_000.0, FEES)
    text = render_detail(_snap(), exe, None, 1_000_000.0)
    assert "buy abroad/sell Upbit — (size exceeds top of book (Binance asks))" in text
    assert "buy Upbit/sell abroad — (size exceeds top of book (Upbit asks))" in text
    assert "the books fit about 140,000 KRW / 139,899 KRW" in text
    fits = executable_premium(thin, 100_000.0, FEES)
    text = render_detail(_snap(), fits, None, 100_000.0)
    assert "size exceeds" not in text and "buy abroad/sell Upbit +" in text


async def _facade(tmp_path: Path, db: Database) -> ServiceFacade:
    settings = load_settings(env_file=None, db_path=tmp_path / "k.db", log_dir=tmp_path / "logs")
    return ServiceFacade(
        settings,
        db,
        EventBus(),
        Supervisor(),
        Notifier(Outbox(db), settings.notify, settings.core.language),
        "t",
    )


@pytest.mark.parametrize(
    "line", ["/kimp", "/kimp BTC", "/kimpchart BTC", "/kimpalert", "/kimpalert high 4"]
)
async def test_commands_say_so_when_kimp_is_not_running(tmp_path: Path, line: str) -> None:
    registry = CommandRegistry()
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        assert facade.kimp is None  # the kimp feature was not installed
        reply = await registry.dispatch(line, CommandContext(facade, 1, 1, "console"))
        assert reply.text.startswith("The kimp monitor is not running in this service.")
        assert reply.photo is None


async def test_kimpalert_names_the_basis_and_sets_tether_levels(tmp_path: Path) -> None:
    registry = CommandRegistry()
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        fs = facade.settings
        svc = make_service(fs.kimp, fs.market_data, fs.core, db, ManualClock(), _drop, FEES)
        await svc.load()
        facade.kimp = svc
        ctx = CommandContext(facade, 1, 1, "console")
        shown = (await registry.dispatch("/kimpalert", ctx)).text
        assert "tetherhigh   2%" in shown and "tetherlow    -1%" in shown
        assert "coin alerts watch the USDT kimp (KIMP_ALERT_BASIS)" in shown
        reply = await registry.dispatch("/kimpalert tetherhigh 2.5", ctx)
        assert reply.text.startswith("Set tetherhigh = 2.5")
        assert svc.config.levels("tether") == (2.5, -1.0)
        bad = await registry.dispatch("/kimpalert tetherlow 3", ctx)
        assert bad.text.startswith("Not changed: the tether low threshold must be below")
        head = (await registry.dispatch("/kimp", ctx)).text
        assert "alerts on USDT kimp" in head and "(no BTC/ETH/XRP prices yet)" in head


async def test_kimp_commands_refuse_extra_arguments(tmp_path: Path) -> None:
    """Regression (found by the e2e Telegram tests): a second coin was silently dropped."""
    registry = CommandRegistry()
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        fs = facade.settings
        svc = make_service(fs.kimp, fs.market_data, fs.core, db, ManualClock(), _drop, FEES)
        await svc.load()
        facade.kimp = svc
        ctx = CommandContext(facade, 1, 1, "console")
        await registry.dispatch("/kimpalert tetherhigh 2.5", ctx)
        for line, expect in [
            ("/kimp BTC ETH", "Give one coin, e.g. /kimp BTC.\nUsage: /kimp [coin|net]"),
            ("/kimpchart BTC ETH", "Give one coin, e.g. /kimpchart BTC.\nUsage: /kimpchart"),
            ("/kimpalert reset now", "/kimpalert reset takes nothing after it."),
        ]:
            reply = await registry.dispatch(line, ctx)
            assert reply.text.startswith(expect), (line, reply.text)
        assert svc.config.levels("tether") == (2.5, -1.0)  # the refused reset did nothing


async def _drop(note: Notification) -> None:
    return None


def test_headline_marks_suspended_figures_with_their_age_and_no_legend_otherwise() -> None:
    """Issue 14: /kimp always ended with "⏸ alerts suspended", and showed two-minute-old
    premiums like current ones."""
    tether = TetherView(1_400.0, 1_385.0, 1.08, 1.0, 30.0, None, None)
    basis = Text.of("kimp.basis.usdt")
    live = Headline([_snap()], tether, [_snap()], [_snap()], 10, 10, basis, {})
    text = render_headline(live, "en")
    assert "⏸" not in text and "suspended" not in text, text
    old = _snap(ages=LegAges(125.0, 2.0, 1.0, 30.0), suspended="Upbit stream down (refused)")
    stale = Headline([old], tether, [old], [old], 10, 10, basis, {})
    text = render_headline(stale, "en")
    assert "BTC       +2.86%    +3.97% ⏸ 2m old" in text, text
    assert text.splitlines()[-1] == "⏸ alerts suspended: Upbit stream down (refused)", text
    assert "2분 전 시세" in render_headline(stale, "ko")


async def test_settings_is_described_as_what_it_shows(tmp_path: Path) -> None:
    """Issue 14: /settings was described as the effective settings, but shows them as loaded at
    start-up: a threshold changed with /kimpalert is in effect yet not in /settings."""
    registry = CommandRegistry()
    register_core(registry)
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        fs = facade.settings
        svc = make_service(fs.kimp, fs.market_data, fs.core, db, ManualClock(), _drop, FEES)
        await svc.load()
        facade.kimp = svc
        ctx = CommandContext(facade, 1, 1, "console")
        await registry.dispatch("/kimpalert high 4", ctx)
        assert svc.config.levels("coin")[0] == 4.0  # in effect
        assert "KIMP_HIGH_PCT = 3.0" in (await registry.dispatch("/settings", ctx)).text
        helped = (await registry.dispatch("/help settings", ctx)).text
        assert "as loaded at start-up" in helped and "/kimpalert" in helped, helped
        assert "Effective" not in helped
