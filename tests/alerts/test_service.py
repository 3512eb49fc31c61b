"""The kimp service over a real SQLite file: alerts, digests, restart, thresholds, history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from alerts.premium import Fees
from alerts.service import KimpService
from bot.config import SettingsError, load_settings
from bot.features.kimp import make_service
from bot.i18n import render
from core.clock import ManualClock
from core.fills import FEE_RATES
from core.notifications import Notification
from core.storage import Database
from tests.alerts.conftest import bn, up

T, FX = 1_400.0, 1_385.0
FEES = Fees.from_rates(FEE_RATES)
COINS = ["BTC", "ETH", "XRP", "SOL", "DOGE", "ADA", "TRX"]


class Inbox:
    def __init__(self) -> None:
        self.notes: list[Notification] = []

    async def send(self, note: Notification) -> None:
        self.notes.append(note)

    def texts(self) -> list[str]:
        return [n.text for n in self.notes]


@asynccontextmanager
async def service(
    path: Path, clock: ManualClock, inbox: Inbox, **kw: object
) -> AsyncIterator[KimpService]:
    opts: dict[str, object] = {"kimp_min_duration": 30, "kimp_cooldown": 600, "kimp_jump_pct": 5}
    settings = load_settings(env_file=None, db_path=path, **{**opts, **kw})
    async with Database.open(path) as db:
        svc = make_service(
            settings.kimp, settings.market_data, settings.core, db, clock, inbox.send, FEES
        )
        await svc.load()
        svc.set_coins(set(COINS))
        yield svc


def feed(
    svc: KimpService,
    clock: ManualClock,
    premiums: dict[str, float],
    tether: float = T,
    fx: bool = True,
) -> None:
    m = svc.monitor
    m.on_event(up("USDT", tether, clock))
    if fx:
        m.set_fx(FX, clock.now())
    for coin, prem in premiums.items():
        m.on_event(bn(coin, 10.0, clock))
        m.on_event(up(coin, 10.0 * tether * (1 + prem / 100), clock))


async def run_for(
    svc: KimpService,
    clock: ManualClock,
    premiums: dict[str, float],
    seconds: int,
    tether: float = T,
    fx: bool = True,
) -> None:
    for _ in range(seconds // 5):
        feed(svc, clock, premiums, tether, fx)
        await svc.evaluate()
        clock.advance(5)


async def test_btc_alert_escalation_normal_and_no_repeat_across_restart(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    base = dict.fromkeys(COINS, 1.0)
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, base, 30)
        assert inbox.notes == []
        await run_for(svc, clock, {**base, "BTC": 3.2}, 120)
        assert inbox.texts() == [
            "🔺 [Market] BTC premium +3.20% (USDT kimp): reached the +3% alert level"
        ]
        await run_for(svc, clock, {**base, "BTC": 4.3}, 120)
        assert inbox.texts()[1] == "⏫ [Market] BTC premium +4.30% (USDT kimp): past +4% (step 1)"
    # Restart with the same DB while BTC is still high: nothing repeats.
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, {**base, "BTC": 4.3}, 120)
        assert len(inbox.notes) == 2
        await run_for(svc, clock, {**base, "BTC": 1.0}, 20)
        assert inbox.texts()[2] == "✅ [Market] BTC premium back to normal: +1.00% (USDT kimp)"
        assert len(inbox.notes) == 3
        sent = await svc.store.recent()
        assert [r[1] for r in sent[:3]] == ["normal", "escalate", "enter"]


async def test_reverse_premium_alert_for_one_coin(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "XRP": -2.4}, 60)
        assert inbox.texts() == [
            "🔻 XRP reverse premium -2.40% (USDT kimp): reached the -2% alert level"
        ]


async def test_many_coins_crossing_together_make_one_digest(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 20)
        await run_for(svc, clock, dict.fromkeys(COINS, 3.5), 60)
        texts = inbox.texts()
        assert len(texts) == 2, texts
        assert texts[0].startswith("🔺 [Market] BTC")
        digest = texts[1].splitlines()
        assert digest[0] == "📋 Kimp digest: 6 coin alerts"
        assert sorted(line.split()[1] for line in digest[1:]) == sorted(set(COINS) - {"BTC"})


async def test_jump_alert(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, kimp_jump_pct=1.5) as svc:
        await run_for(svc, clock, dict.fromkeys(COINS, 0.5), 60)
        await run_for(svc, clock, {**dict.fromkeys(COINS, 0.5), "SOL": 2.5}, 10)
        assert len(inbox.notes) == 1 and inbox.texts()[0].startswith(
            "⚡ SOL premium moved up 2.00pp"
        )


async def test_stale_venue_suspends_with_reason_then_resumes(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 20)
        m = svc.monitor
        for _ in range(10):  # Binance keeps talking, Upbit goes silent
            for coin in COINS:
                m.on_event(bn(coin, 10.0, clock))
            await svc.evaluate()
            clock.advance(5)
        texts = inbox.texts()
        assert texts == [  # one message for the whole outage, with the reason
            "⏸ Kimp alerts suspended for 8:\n  Upbit: no market data for 35s: "
            "ADA, BTC, DOGE, ETH, SOL, TRX, XRP, Tether (USDT)"
        ]
        tether = next(r for r in svc.readings() if r.key == "tether")
        assert tether.suspended and render("en", tether.suspended).startswith(
            "Upbit: no market data"
        )
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 5)
        assert inbox.texts()[1].startswith("▶️ Kimp alerts resumed for 8:\n  ADA, BTC")


async def test_implausible_premium_flagged_not_alerted(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "TRX": 48.0}, 120)
        assert inbox.notes == []
        snap = svc.monitor.snapshot("TRX")
        assert snap is not None and snap.implausible
        assert svc.engine.states["coin:TRX"].flagged
        assert [r[1] for r in await svc.store.recent()] == ["implausible"]


async def test_thresholds_change_at_run_time_and_survive_restart(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        cfg = await svc.set_thresholds(high_pct=5.0, low_pct=-1.0)
        assert (cfg.high_pct, cfg.low_pct) == (5.0, -1.0)
        with pytest.raises(ValueError, match="below"):
            await svc.set_thresholds(low_pct=6.0)
        assert svc.config.low_pct == -1.0
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        assert (svc.config.high_pct, svc.config.low_pct) == (5.0, -1.0)
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "BTC": 4.0}, 60)
        assert inbox.notes == []
        await svc.reset_thresholds()
        assert svc.config.high_pct == 3.0


async def test_history_samples_and_chart(tmp_path: Path) -> None:
    clock, inbox = ManualClock(start=1_700_000_000.0), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        for i in range(30):
            feed(svc, clock, {c: 1.0 + i / 10 for c in COINS})
            await svc.record_minute(int(clock.now() // 60) * 60)
            clock.advance(60)
        series = await svc.history.series("BTC", clock.now() - 86_400)
        assert len(series) == 30
        assert series[-1].usdt_kimp == pytest.approx(3.9)
        assert series[-1].fx_kimp is not None and series[-1].tether is not None
        png = await svc.chart("BTC")
        assert png is not None and png.startswith(b"\x89PNG")
        tether_png = await svc.chart("USDT")
        assert tether_png is not None and tether_png.startswith(b"\x89PNG")
        assert await svc.chart("NOPE") is None
        clock.advance(31 * 86_400)
        cutoff = clock.now() - 30 * 86_400  # KIMP_HISTORY_DAYS' default, as the retention pass
        assert await svc.history.prune_before(cutoff, 10_000) == 30 * (len(COINS) + 1)


async def test_tether_premium_has_its_own_thresholds(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    base = dict.fromkeys(COINS, 1.8)  # coins at +1.8 %: below the coin level, no alert
    async with service(tmp_path / "k.db", clock, inbox, tether_high_pct=1.5) as svc:
        assert svc.config.levels("tether") == (1.5, -1.0)
        assert svc.config.levels("coin:BTC") == (3.0, -2.0)
        await run_for(svc, clock, base, 60, tether=FX * 1.018)
        assert inbox.texts() == [
            "🔺 [Market] Tether (USDT) premium +1.80%: reached the +1.5% alert level"
        ]
        await run_for(svc, clock, base, 60, tether=FX * 0.988)
        assert inbox.texts()[1:] == [
            "✅ [Market] Tether (USDT) premium back to normal: -1.20%",
            "🔻 [Market] Tether (USDT) reverse premium -1.20%: reached the -1% alert level",
        ]
        with pytest.raises(ValueError, match="tether low threshold must be below"):
            await svc.set_thresholds(tether_low_pct=2.0)
        cfg = await svc.set_thresholds(tether_high_pct=2.5)
        assert cfg.levels("tether") == (2.5, -1.0)
    with pytest.raises(SettingsError, match="TETHER_LOW_PCT must be below TETHER_HIGH_PCT"):
        load_settings(env_file=None, tether_low_pct=3.0, tether_high_pct=2.0)


async def test_fx_basis_alerts_on_fx_kimp_and_suspends_without_fx(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    opts: dict[str, object] = {"kimp_alert_basis": "fx", "fx_stale_after": 60}
    base = dict.fromkeys(COINS, 1.0)
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        # USDT kimp +2 %, tether +1.08 %: the FX kimp is +3.1 %, over the +3 % level.
        await run_for(svc, clock, {**base, "BTC": 2.0}, 60)
        fx_kimp = ((1.02 * T / FX) - 1) * 100
        assert inbox.texts() == [
            f"🔺 [Market] BTC premium {fx_kimp:+.2f}% (FX kimp): reached the +3% alert level"
        ]
        assert render("en", svc.headline().basis) == "FX kimp"
        await run_for(svc, clock, {**base, "BTC": 2.0}, 90, fx=False)  # FX source goes quiet
        texts = inbox.texts()[1:]
        assert len(texts) == 1, texts
        assert texts[0].startswith(f"⏸ Kimp alerts suspended for {len(COINS) + 1}:")
        assert "FX rate unavailable: last one is" in texts[0] and "Tether (USDT)" in texts[0]
        readings = {r.key: r for r in svc.readings()}
        assert readings["coin:BTC"].value is None
        assert render("en", readings["coin:BTC"].suspended or "").startswith("FX rate unavailable")
        await run_for(svc, clock, {**base, "BTC": 2.0}, 5)
        assert inbox.texts()[-1].startswith(f"▶️ Kimp alerts resumed for {len(COINS) + 1}:")
        assert len(inbox.notes) == 3  # still in the zone: no repeat of the alert


async def test_usdt_basis_ignores_the_fx_kimp(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, fx_stale_after=60) as svc:
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "BTC": 2.0}, 60)
        assert inbox.notes == []  # FX kimp +3.1 % does not count on the USDT basis
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 90, fx=False)
        # Coins keep running without FX; only the tether premium (always against FX) stops.
        assert inbox.texts() == [
            "⏸ [Market] Tether (USDT): kimp alerts suspended: FX rate unavailable: "
            "last one is 65s old"
        ]


async def run_recording(
    svc: KimpService, clock: ManualClock, premiums: dict[str, float], seconds: int
) -> None:
    """run_for, plus the per-minute history sample the history loop takes at each minute."""
    for _ in range(seconds // 5):
        feed(svc, clock, premiums)
        await svc.evaluate()
        clock.advance(5)
        if clock.now() % 60 == 0:
            await svc.record_minute(int(clock.now()) - 60)


async def test_jump_window_survives_a_restart(tmp_path: Path) -> None:
    clock, inbox = ManualClock(start=1_700_000_040.0), Inbox()
    base = dict.fromkeys(COINS, 0.5)
    opts: dict[str, object] = {"kimp_jump_pct": 1.5, "kimp_jump_window": 300}
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        await run_recording(svc, clock, base, 180)
    clock.advance(20)  # down for 20 s; SOL moves meanwhile
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        assert len(svc.engine.states["coin:SOL"].jmin) >= 1  # rebuilt from kimp_samples
        await run_for(svc, clock, {**base, "SOL": 2.5}, 5)
        assert inbox.texts() == [
            "⚡ SOL premium moved up 2.00pp in 20s (from +0.50%); now +2.50% (USDT kimp)"
        ]


async def test_a_jump_alerted_before_a_restart_is_not_repeated_from_history(
    tmp_path: Path,
) -> None:
    clock, inbox = ManualClock(start=1_700_000_040.0), Inbox()
    base = dict.fromkeys(COINS, 0.5)
    opts: dict[str, object] = {"kimp_jump_pct": 1.5, "kimp_jump_window": 300}
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        await run_recording(svc, clock, base, 120)
        await run_recording(svc, clock, {**base, "SOL": 2.5}, 70)
        assert len(inbox.notes) == 1 and inbox.texts()[0].startswith("⚡ SOL premium moved up")
    clock.advance(10)
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        await run_for(svc, clock, {**base, "SOL": 2.5}, 30)
        assert len(inbox.notes) == 1  # the +0.5 % samples before the jump are not a baseline
        await run_for(svc, clock, {**base, "SOL": 0.7}, 5)
        assert inbox.texts()[1].startswith("⚡ SOL premium moved down 1.80pp")


def feed_binance_only(svc: KimpService, clock: ManualClock) -> None:
    svc.monitor.set_fx(FX, clock.now())
    for coin in COINS:
        svc.monitor.on_event(bn(coin, 10.0, clock))


async def test_an_outage_under_way_at_start_up_is_announced_once_after_the_grace(
    tmp_path: Path,
) -> None:
    clock, inbox = ManualClock(), Inbox()
    opts: dict[str, object] = {"no_data_alert_after": 60}
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 20)
    clock.advance(600)
    # Restart while Upbit is down: no Upbit price ever arrives in this process.
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        for _ in range(11):  # 55 s: inside the grace, nothing is said
            feed_binance_only(svc, clock)
            await svc.evaluate()
            clock.advance(5)
        assert inbox.notes == []
        head = svc.headline()
        assert head.live == 0
        for _ in range(20):
            feed_binance_only(svc, clock)
            await svc.evaluate()
            clock.advance(5)
        assert inbox.texts() == [
            "⏸ Kimp alerts suspended for 8:\n"
            "  no Upbit price yet: ADA, BTC, DOGE, ETH, SOL, TRX, XRP\n"
            "  no Upbit KRW-USDT price yet: Tether (USDT)"
        ]
    # Another restart during the same outage: already announced, not repeated.
    async with service(tmp_path / "k.db", clock, inbox, **opts) as svc:
        for _ in range(30):
            feed_binance_only(svc, clock)
            await svc.evaluate()
            clock.advance(5)
        assert len(inbox.notes) == 1
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 5)  # Upbit is back
        assert inbox.texts()[1].startswith("▶️ Kimp alerts resumed for 8:")


async def test_a_short_outage_at_start_up_is_not_announced(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, no_data_alert_after=60) as svc:
        for _ in range(10):
            feed_binance_only(svc, clock)
            await svc.evaluate()
            clock.advance(5)
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 120)
        assert inbox.notes == []
