"""Per-coin alerting over a real SQLite file: own thresholds, the watchlist, the liquidity floor
and mutes, each kept across a restart; and the futures context the kimp feed collects."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from alerts.service import KimpService
from bot.i18n import render
from core.clock import ManualClock
from core.market import MarkPrice, Ticker
from core.symbols import Instrument, Symbol, Venue
from tests.alerts.test_service import COINS, Inbox, T, run_for, service

BASE = dict.fromkeys(COINS, 1.0)


def volume(svc: KimpService, clock: ManualClock, coin: str, krw_24h: float) -> None:
    """An Upbit ticker carrying the coin's 24 h traded value (acc_trade_price_24h)."""
    inst = Instrument(Venue.UPBIT, Symbol(coin, "KRW"))
    price = 10.0 * T * 1.01
    svc.monitor.on_event(Ticker(inst, price, int(clock.now() * 1000), clock.now(), krw_24h))


def alerted(inbox: Inbox) -> set[str]:
    """The coins named by the alert texts so far."""
    return {c for c in COINS for text in inbox.texts() if f" {c} " in f" {text} "}


async def test_a_coins_own_threshold_fires_for_that_coin_only_and_survives_restart(
    tmp_path: Path,
) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await svc.set_coin_levels("xrp", high=5.0)
        assert svc.coin_levels("XRP") == (5.0, -2.0)
        assert svc.coin_levels("ETH") == (3.0, -2.0)
        with pytest.raises(ValueError, match="below"):
            await svc.set_coin_levels("XRP", low=6.0)
        await run_for(svc, clock, {**BASE, "XRP": 4.0, "ETH": 4.0}, 60)
        assert alerted(inbox) == {"ETH"}  # XRP at 4 % is under its own 5 %
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert svc.coin_levels("XRP") == (5.0, -2.0)
        await run_for(svc, clock, {**BASE, "XRP": 5.5, "ETH": 4.0}, 60)
        assert alerted(inbox) == {"ETH", "XRP"}
        xrp = [t for t in inbox.texts() if "XRP" in t]
        assert len(xrp) == 1 and "+5%" in xrp[0], xrp
        await svc.reset_coin_levels("XRP")
        assert svc.coin_levels("XRP") == (3.0, -2.0)
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert svc.coin_levels("XRP") == (3.0, -2.0)
        assert svc.rules.rules == {}  # a rule back to all defaults leaves no row


async def test_a_coin_under_the_liquidity_floor_never_alerts(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, kimp_min_volume_krw=1e9) as svc:
        volume(svc, clock, "ETH", 5e8)  # 5억 traded in 24 h: below the 10억 floor
        volume(svc, clock, "DOGE", 2e9)
        # SOL never carried a volume: unknown counts as below while a floor is set.
        await run_for(svc, clock, {**BASE, "ETH": 9.0, "DOGE": 4.0, "SOL": 4.0, "BTC": 4.0}, 120)
        assert alerted(inbox) == {"DOGE", "BTC"}  # BTC is market-wide: no floor
        assert svc.below_floor("ETH") and svc.below_floor("SOL")
        assert not svc.below_floor("DOGE") and not svc.below_floor("BTC")
        # Once its volume is above the floor, the coin alerts like any other.
        volume(svc, clock, "ETH", 3e9)
        await run_for(svc, clock, {**BASE, "ETH": 9.0, "DOGE": 4.0, "SOL": 4.0, "BTC": 4.0}, 60)
        assert alerted(inbox) == {"DOGE", "BTC", "ETH"}


async def test_the_watchlist_limits_coin_alerts_and_survives_restart(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await svc.watch("xrp")
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert svc.watchlist() == ["XRP"]
        await svc.mute_for("SOL", 600)
        status = [render("en", line) for line in await svc.status_lines()]
        assert "Per coin: 1 watched, 1 muted" in status, status
        await run_for(svc, clock, {**BASE, "XRP": 4.0, "ETH": 4.0, "BTC": 4.0}, 60)
        assert alerted(inbox) == {"XRP", "BTC"}
        await svc.watch("XRP", False)
        assert svc.watchlist() == []
        await run_for(svc, clock, {**BASE, "XRP": 4.0, "ETH": 4.0, "BTC": 4.0}, 60)
        assert alerted(inbox) == {"XRP", "BTC", "ETH"}  # an empty list: every coin again


async def test_a_muted_coin_sends_nothing_until_the_mute_ends_even_across_restart(
    tmp_path: Path,
) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await svc.mute_for("ETH", 3600)
        await run_for(svc, clock, {**BASE, "ETH": 4.0}, 60)
        assert inbox.notes == []
        sent = await svc.store.recent()
        assert [(k, kind, text) for k, kind, _, text, _ in sent] == [
            ("coin:ETH", "enter", "(muted, not sent)")
        ]
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert svc.is_muted("ETH")
        await run_for(svc, clock, {**BASE, "ETH": 5.2}, 60)  # an escalation while muted
        assert inbox.notes == []
        clock.advance(3600)
        assert not svc.is_muted("ETH")
        await run_for(svc, clock, {**BASE, "ETH": 6.3}, 60)
        assert [t for t in inbox.texts() if "ETH" in t], inbox.texts()
        await svc.mute_for("ETH", 0)
        assert svc.coin_rule("ETH").muted_until == 0.0


async def test_mute_today_ends_at_midnight_in_the_configured_zone(tmp_path: Path) -> None:
    seoul = ZoneInfo("Asia/Seoul")
    start = datetime(2026, 12, 5, 21, 30, tzinfo=seoul).timestamp()
    clock, inbox = ManualClock(start), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, timezone="Asia/Seoul") as svc:
        rule = await svc.mute_today("XRP")
        assert rule.muted_until == datetime(2026, 12, 6, 0, 0, tzinfo=seoul).timestamp()


async def test_coin_alerts_carry_mute_and_chart_buttons(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, {**BASE, "XRP": 4.0}, 60)
        (note,) = inbox.notes
        (row,) = note.buttons
        assert [b.command for b in row] == [
            "/kimpmute XRP 1h",
            "/kimpmute XRP today",
            "/kimpchart XRP",
        ]
        # A digest of several coins: one row per coin, each button naming its coin.
        await run_for(svc, clock, {**BASE, "XRP": 4.0, "ETH": 4.0, "SOL": 4.0, "ADA": 4.0}, 60)
        digest = inbox.notes[-1]
        assert {r[0].command for r in digest.buttons} == {
            "/kimpmute ETH 1h",
            "/kimpmute SOL 1h",
            "/kimpmute ADA 1h",
        }
        assert all(str(r[0].label).startswith(r[0].command.split()[1]) for r in digest.buttons)


async def test_funding_and_mark_come_from_the_futures_mark_price_stream(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert svc.funding("BTC") is None
        inst = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        next_ms = int((clock.now() + 3600) * 1000)
        now_ms = int(clock.now() * 1000)
        mark = MarkPrice(inst, 97_000.5, 96_990.0, 0.0001, next_ms, now_ms, clock.now())
        svc.monitor.on_event(mark)
        clock.advance(2)
        view = svc.funding("btc")
        assert view is not None
        assert (view.mark, view.funding_rate) == (97_000.5, 0.0001)
        assert view.next_funding_ts == pytest.approx(clock.now() - 2 + 3600)
        assert view.age == pytest.approx(2.0)
