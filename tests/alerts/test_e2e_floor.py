"""End to end against the simulator's streams: the liquidity floor reads Upbit's own 24 h
traded value (the ticker's acc_trade_price_24h), so a thin coin never alerts while a liquid one
crossing the same level does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import render
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=7, tick_interval=0.02) as exchange:
        for coin in exchange.market.coins:
            exchange.market.set_premium(coin, 1.0)
        yield exchange


async def test_a_coin_under_the_volume_floor_never_alerts(sim: SimExchange, tmp_path: Path) -> None:
    volumes = {
        c: sim.market.ticker_24h("upbit", f"KRW-{c}")["quote_volume"]
        for c in sim.market.coins
        if c != "BTC"
    }
    ranked = sorted(volumes, key=lambda c: volumes[c])
    thin, liquid = ranked[0], ranked[-1]
    assert volumes[liquid] > 2 * volumes[thin] > 0, volumes
    floor = (volumes[thin] * volumes[liquid]) ** 0.5  # well between the two
    settings = sim_settings(sim, tmp_path / "k.db", kimp_min_volume_krw=floor)
    async with kimp_app(settings, streaming=True) as k:
        m = k.svc.monitor
        await eventually(lambda: len(m.top(100)) == len(sim.market.coins), timeout=15)
        await eventually(lambda: m.volume_krw(thin) and m.volume_krw(liquid), timeout=15)
        assert k.svc.below_floor(thin) and not k.svc.below_floor(liquid)
        sim.market.set_premium(thin, 4.0)
        sim.market.set_premium(liquid, 4.0)

        async def liquid_alerted() -> bool:
            return any(f" {liquid} premium" in a for a in await k.alerts())

        await eventually(liquid_alerted, timeout=15)
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 10)  # the thin coin had its chance
        assert not any(f" {thin} " in a for a in await k.alerts()), await k.alerts()
        detail = (await k.run(f"/kimp {thin}")).text
        assert "Below the volume floor" in detail, detail
        status = "\n".join(render("en", line) for line in await k.svc.status_lines())
        low = sum(1 for c in sim.market.coins if k.svc.below_floor(c))
        assert low >= 1
        assert f"Per coin: 0 watched, 0 muted, {low} below the volume floor of " in status, status
