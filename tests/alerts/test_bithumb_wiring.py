"""Issue 18, Bithumb wired into the kimp feature as the service installs it, against the exchange
simulator: Bithumb's own warnings (유의 종목, 경보제) reach the same alert path as Upbit's, tagged
with the venue, and the entry gate's board knows them."""

from __future__ import annotations

from pathlib import Path

from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually


async def test_bithumb_warnings_reach_the_kimp_alert_path_tagged_with_the_venue(
    tmp_path: Path,
) -> None:
    async with SimExchange(seed=5) as sim:
        settings = sim_settings(
            sim, tmp_path / "db.sqlite", bithumb_enabled=True, upbit_warnings_refresh=0.2
        )
        async with kimp_app(settings) as k:
            board = k.app.notices
            await eventually(lambda: Venue.BITHUMB in board.known, timeout=30)
            sim.bithumb.rest.set_alert("KRW-XRP", "PRICE_DIFFERENCE_HIGH")
            sim.bithumb.rest.set_warning("KRW-ETH")

            async def both() -> bool:
                alerts = await k.alerts()
                return any("Bithumb XRP/KRW" in a for a in alerts) and any(
                    "Bithumb ETH/KRW" in a for a in alerts
                )

            await eventually(both, timeout=30)
            alerts = await k.alerts()
            assert any("PRICE_DIFFERENCE_HIGH" in a and "Bithumb XRP/KRW" in a for a in alerts)
            assert any("investment warning" in a and "Bithumb ETH/KRW" in a for a in alerts)
            assert not any("Upbit XRP/KRW" in a for a in alerts)  # not mistaken for Upbit's
            xrp = Instrument(Venue.BITHUMB, Symbol("XRP", "KRW"))
            assert board.entry_problem(xrp) is not None
            assert board.entry_problem(Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))) is None
