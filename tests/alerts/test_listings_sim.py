"""Listings and delistings while running, against the simulator: a coin listed on Upbit is
announced with its first premium; a market delisted is announced with when it went; the
first universe is the starting point (nothing announced at start-up)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from alerts.report_queries import KimpReportQueries
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=7, tick_interval=0.02) as exchange:
        yield exchange


async def test_listing_announced_with_premium_and_delisting_with_time(
    sim: SimExchange, tmp_path: Path
) -> None:
    sim.market.delist("upbit", "KRW-SOL")  # not listed yet when the service starts
    sim.market.set_premium("SOL", 12.0)  # new listings open at a big premium
    settings = sim_settings(sim, tmp_path / "k.db", universe_refresh=0.5)
    async with kimp_app(settings) as k:
        m = k.svc.monitor
        await eventually(lambda: m.coins and "SOL" not in m.coins)
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 2)
        assert not [a for a in await k.alerts() if a.startswith(("🆕", "🚫"))]

        sim.market.relist("upbit", "KRW-SOL")

        async def listed() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("🆕")]

        (alert,) = await eventually(listed, timeout=15)
        head = "🆕 SOL is now listed on both Upbit (KRW) and Binance (USDT): first premium "
        assert alert.startswith(head) and alert.endswith("% (USDT kimp)"), alert
        pct = float(alert.removeprefix(head).split("%")[0])
        assert pct == pytest.approx(12.0, abs=0.3)  # the simulator's premium, with its spread

        sim.market.delist("binance", "DOTUSDT")

        async def gone() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("🚫")]

        (alert,) = await eventually(gone, timeout=15)
        assert alert.startswith("🚫 DOT is no longer listed on both") and "UTC" in alert
        assert "DOT" not in m.coins


async def test_listing_on_one_venue_only_is_announced_then_premium_follows(
    sim: SimExchange, tmp_path: Path
) -> None:
    sim.market.delist("upbit", "KRW-SOL")  # SOL on neither venue when the service starts
    sim.market.delist("binance", "SOLUSDT")
    sim.market.set_premium("SOL", 9.0)
    settings = sim_settings(sim, tmp_path / "k.db", universe_refresh=0.5)
    async with kimp_app(settings) as k:
        m = k.svc.monitor
        await eventually(lambda: m.coins and "SOL" not in m.coins)

        sim.market.relist("upbit", "KRW-SOL")  # Upbit lists it; Binance has no market

        async def news() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("🆕")]

        (alert,) = await eventually(news, timeout=15)
        assert alert == (
            "🆕 SOL is now listed on Upbit (KRW); no Binance (USDT) market, so no premium"
        )
        assert "SOL" not in m.coins

        sim.market.relist("binance", "SOLUSDT")  # now on both: the premium alert follows
        (_, both) = await eventually(lambda: _two(news), timeout=15)
        head = "🆕 SOL is now listed on both Upbit (KRW) and Binance (USDT): first premium "
        assert both.startswith(head), both
        assert float(both.removeprefix(head).split("%")[0]) == pytest.approx(9.0, abs=0.3)


async def _two(news: Callable[[], Awaitable[list[str]]]) -> list[str] | None:
    got = await news()
    return got if len(got) == 2 else None


async def test_binance_only_listing_is_counted_for_the_report_not_announced_by_default(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Regression: every coin Binance listed without an Upbit market was announced (Binance
    lists many coins Upbit never will). Default KIMP_ONE_VENUE_LISTINGS=krw: kept for the
    daily report instead; Upbit-only listings are still announced."""
    for coin in ("SOL", "DOT"):  # on neither venue at the start
        sim.market.delist("upbit", f"KRW-{coin}")
        sim.market.delist("binance", f"{coin}USDT")
    settings = sim_settings(sim, tmp_path / "k.db", universe_refresh=0.5)
    assert settings.kimp.kimp_one_venue_listings == "krw"
    async with kimp_app(settings) as k:
        m = k.svc.monitor
        await eventually(lambda: m.coins and "SOL" not in m.coins and "DOT" not in m.coins)
        start = k.app.clock.now()
        sim.market.relist("binance", "SOLUSDT")  # Binance only: counted, not told
        queries = KimpReportQueries(k.app.db)

        async def counted() -> dict[str, tuple[str, ...]]:
            return await queries.quiet_listings(start, k.app.clock.now() + 1)

        assert await eventually(counted, timeout=15) == {"binance": ("SOL",)}
        sim.market.relist("upbit", "KRW-DOT")  # Upbit only: told, as before

        async def news() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("🆕")]

        (alert,) = await eventually(news, timeout=15)
        assert alert.startswith("🆕 DOT is now listed on Upbit (KRW)")


async def test_all_announces_binance_only_listings_too(sim: SimExchange, tmp_path: Path) -> None:
    sim.market.delist("upbit", "KRW-SOL")
    sim.market.delist("binance", "SOLUSDT")
    settings = sim_settings(
        sim, tmp_path / "k.db", universe_refresh=0.5, kimp_one_venue_listings="all"
    )
    async with kimp_app(settings) as k:
        await eventually(lambda: k.svc.monitor.coins and "SOL" not in k.svc.monitor.coins)
        start = k.app.clock.now()
        sim.market.relist("binance", "SOLUSDT")

        async def news() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("🆕")]

        (alert,) = await eventually(news, timeout=15)
        assert alert == (
            "🆕 SOL is now listed on Binance (USDT); no Upbit (KRW) market, so no premium"
        )
        quiet = await KimpReportQueries(k.app.db).quiet_listings(start, k.app.clock.now() + 1)
        assert quiet == {}
