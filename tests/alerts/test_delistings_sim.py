"""A delisting date on Upbit's streamed ticker, against the simulator: announced once with its
date, shown in /kimp and the coin's detail, blocking new bot entries, and not announced again
after a restart (the date keeps arriving on every ticker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import render
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually

XRP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))
ALERT = "📅 Upbit XRP/KRW: delisting scheduled on 2026-12-20 (end of trading support)"


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=11, tick_interval=0.02) as exchange:
        yield exchange


async def test_delisting_date_alerted_once_shown_and_blocks_entries(
    sim: SimExchange, tmp_path: Path
) -> None:
    settings = sim_settings(sim, tmp_path / "k.db")
    async with kimp_app(settings, streaming=True) as k:
        m = k.svc.monitor
        await eventually(lambda: len(m.top(100)) == len(sim.market.coins), timeout=20)
        assert k.app.notices.delisting(Venue.UPBIT, "XRP") is None
        sim.market.schedule_delisting("upbit", "KRW-XRP", "2026-12-20")

        async def dated() -> list[str]:
            return [a for a in await k.alerts() if a.startswith("📅")]

        assert await eventually(dated, timeout=15) == [ALERT]
        detail = (await k.run("/kimp XRP")).text
        assert "⚠️ Upbit XRP: delisting scheduled on 2026-12-20" in detail
        head = (await k.run("/kimp")).text
        assert "⚠️ Upbit XRP: delisting scheduled on 2026-12-20" in head
        gate = k.app.notices.gate(warnings=True, delistings=True)
        assert gate is not None
        why = gate(XRP)
        assert why is not None
        assert render("en", why) == "no new entry: Upbit ends trading of XRP/KRW on 2026-12-20"
        assert "거래지원" in render("ko", why)
        assert gate(Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))) is None
        off = k.app.notices.gate(warnings=True, delistings=False)
        assert off is not None and off(XRP) is None  # UPBIT_DELISTING_BLOCKS_ENTRIES=false
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 5)  # tickers keep carrying the date
        assert await dated() == [ALERT]

    async with kimp_app(settings, streaming=True) as k:  # a restart on the same database
        await eventually(lambda: k.app.notices.delisting(Venue.UPBIT, "XRP"), timeout=20)
        rounds = k.svc.rounds
        await eventually(lambda: k.svc.rounds > rounds + 5)
        assert [a for a in await k.alerts() if a.startswith("📅")] == [ALERT]  # not repeated

        sim.market.schedule_delisting("upbit", "KRW-XRP", "2027-01-05")  # postponed: told again

        async def moved() -> list[str]:
            return [a for a in await k.alerts() if "2027-01-05" in a]

        assert len(await eventually(moved, timeout=15)) == 1

        sim.market.schedule_delisting("upbit", "KRW-XRP", None)  # withdrawn: open again
        await eventually(lambda: k.app.notices.delisting(Venue.UPBIT, "XRP") is None, timeout=15)
        gate = k.app.notices.gate(warnings=True, delistings=True)
        assert gate is not None and gate(XRP) is None
        assert "delisting scheduled" not in (await k.run("/kimp XRP")).text
