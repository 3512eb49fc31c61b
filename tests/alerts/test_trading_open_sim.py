"""Upbit's ticker `market_state` against the simulator: a market switched to PREVIEW (deposits
only) is tagged in /kimp and the coin's detail and refused for bot entries; when it goes
ACTIVE the opening is announced once, with its first premium, and the tag goes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import render
from core.market import TradingState
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually

XRP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))
TAG = "⚠️ Upbit XRP: preview: deposits only, not tradable yet"


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=11, tick_interval=0.02) as exchange:
        yield exchange


async def test_preview_tagged_and_refused_then_opening_alerted_with_its_premium(
    sim: SimExchange, tmp_path: Path
) -> None:
    settings = sim_settings(sim, tmp_path / "k.db")
    async with kimp_app(settings, streaming=True) as k:
        board = k.app.notices
        m = k.svc.monitor
        await eventually(lambda: len(m.top(100)) == len(sim.market.coins), timeout=20)
        await eventually(lambda: board.state(Venue.UPBIT, "XRP") is TradingState.ACTIVE, 20)
        assert "preview" not in (await k.run("/kimp XRP")).text

        sim.market.set_market_state("upbit", "KRW-XRP", "PREVIEW")
        await eventually(lambda: board.state(Venue.UPBIT, "XRP") is TradingState.PREVIEW, 20)
        assert TAG in (await k.run("/kimp XRP")).text
        assert TAG in (await k.run("/kimp")).text
        gate = board.gate(warnings=False, delistings=False)
        why = gate(XRP)
        assert why is not None
        assert render("en", why) == (
            "Upbit XRP/KRW is not trading now (preview: deposits only, not tradable yet); "
            "nothing was sent"
        )
        assert "입금만 가능" in render("ko", why)
        assert gate(Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))) is None

        async def opened() -> list[str]:
            return [a for a in await k.alerts() if "trading opened" in a]

        assert await opened() == []  # PREVIEW itself is no opening
        sim.market.set_market_state("upbit", "KRW-XRP", "ACTIVE")
        (alert,) = await eventually(opened, timeout=20)
        snap = m.snapshot("XRP")
        assert snap is not None and snap.usdt_kimp is not None
        assert alert.startswith("🔔 Upbit XRP/KRW: trading opened (it was deposits only); first ")
        assert alert.endswith("% (USDT kimp)")
        assert gate(XRP) is None
        assert "preview" not in (await k.run("/kimp XRP")).text
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 5)  # ACTIVE keeps arriving: told once
        assert len(await opened()) == 1


async def test_delisted_is_tagged_and_is_no_opening(sim: SimExchange, tmp_path: Path) -> None:
    settings = sim_settings(sim, tmp_path / "k.db")
    async with kimp_app(settings, streaming=True) as k:
        m = k.svc.monitor  # /kimp XRP needs XRP's prices first
        await eventually(lambda: len(m.top(100)) == len(sim.market.coins), timeout=20)
        await eventually(lambda: k.app.notices.state(Venue.UPBIT, "XRP") is not None, 20)
        sim.market.set_market_state("upbit", "KRW-XRP", "DELISTED")
        await eventually(lambda: k.app.notices.state(Venue.UPBIT, "XRP") is TradingState.DELISTED)
        assert "⚠️ Upbit XRP: delisted" in (await k.run("/kimp XRP")).text
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 5)
        assert [a for a in await k.alerts() if "trading opened" in a] == []
