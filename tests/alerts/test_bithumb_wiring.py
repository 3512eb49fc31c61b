"""Issue 18, Bithumb wired into the kimp feature as the service installs it, against the exchange
simulator: Bithumb's own warnings (유의 종목, 경보제) reach the same alert path as Upbit's, tagged
with the venue, and the entry gate's board knows them; Bithumb's books polled by the REST feed;
the spread alert on the net after both taker fees, checked by hand against the simulator's books."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.symbols import Instrument, Symbol, Venue
from exchanges.depth import DepthClient
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import KimpApp, kimp_app, sim_settings
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


def _hand_net(sim: SimExchange, coin: str) -> float:
    """The net spread (Upbit over Bithumb) worked out by hand from the simulator's own books and
    its engines' taker fees: buy where the ask is cheaper, sell at the other venue's bid."""
    up = sim.market.book("upbit", f"KRW-{coin}")
    bt = sim.market.book("bithumb", f"KRW-{coin}")
    fee_up, fee_bt = float(sim.upbit_engine.fee_rate), float(sim.bithumb_engine.fee_rate)
    kept = (1 - fee_up) * (1 - fee_bt)
    sell_on_upbit = (up.bids[0][0] * kept / bt.asks[0][0] - 1) * 100
    sell_on_bithumb = (bt.bids[0][0] * kept / up.asks[0][0] - 1) * 100
    if sell_on_upbit > 0:
        return sell_on_upbit
    return -sell_on_bithumb if sell_on_bithumb > 0 else 0.0


async def test_spread_alert_on_the_net_after_fees_matches_the_simulators_books(
    tmp_path: Path,
) -> None:
    async with SimExchange(seed=5) as sim:
        settings = sim_settings(sim, tmp_path / "db.sqlite", bithumb_enabled=True)
        assert settings.kimp.kimp_spread_alert_basis == "net"  # the default
        async with kimp_app(settings) as k:
            svc = k.svc
            await eventually(lambda: svc.spread("XRP") is not None, timeout=30)
            # Bithumb 1.2 % dearer: past the -1 % level raw, not once both taker fees (0.05 % and
            # 0.25 %) and the two half-spreads are paid. Then 2.5 %: past it net too.
            sim.market.set_bithumb_offset("XRP", 1.2)
            sim.clock.speed = 0  # the books hold still while the service catches up
            up, bt = sim.market.book("upbit", "KRW-XRP"), sim.market.book("bithumb", "KRW-XRP")

            def caught_up() -> bool:
                v = svc.spread("XRP")
                return v is not None and (v.a.bid, v.b.ask) == (up.bids[0][0], bt.asks[0][0])

            await eventually(caught_up, timeout=30)
            reading = next(r for r in svc.readings() if r.key == "spread:XRP")
            view = svc.spread("XRP")
            assert view is not None and view.pct is not None and view.pct < -1.0  # raw: past it
            assert reading.value == pytest.approx(_hand_net(sim, "XRP"), abs=1e-9)
            assert reading.value is not None and -1.0 < reading.value < 0
            await asyncio.sleep(1.5)  # past KIMP_MIN_DURATION (0.6 s): a raw alert would be out
            assert not any("spread" in a for a in await k.alerts())

            sim.clock.speed = 1.0
            sim.market.set_bithumb_offset("XRP", 2.5)
            sim.clock.speed = 0
            up, bt = sim.market.book("upbit", "KRW-XRP"), sim.market.book("bithumb", "KRW-XRP")
            await eventually(caught_up, timeout=30)
            net = _hand_net(sim, "XRP")
            assert net < -1.0
            alert = await eventually(lambda: _spread_alert(k), timeout=30)
            assert f"{net:+.2f}%" in alert and "net of both taker fees" in alert, alert


def walked_depth(svc: object) -> DepthClient:
    """The depth client the installer handed the kimp service for the spread."""
    depth = getattr(getattr(svc, "spread_depth", None), "__self__", None)
    assert isinstance(depth, DepthClient)
    return depth


async def _spread_alert(k: KimpApp) -> str | None:
    return next((a for a in await k.alerts() if "XRP Upbit–Bithumb spread" in a), None)


async def test_the_spread_of_one_coin_walks_both_venues_real_books(tmp_path: Path) -> None:
    async with SimExchange(seed=5) as sim:
        sim.market.set_bithumb_offset("XRP", 2.5)  # Bithumb dearer: buy on Upbit, sell there
        sim.clock.speed = 0  # the books hold still for the whole test
        up, bt = sim.market.book("upbit", "KRW-XRP"), sim.market.book("bithumb", "KRW-XRP")
        # One and a half times Upbit's best ask: more than the top of book holds, well inside
        # the 15 levels the depth streams carry.
        size = round(up.asks[0][0] * up.asks[0][1] * 1.5)
        assert sum(p * q for p, q in up.asks[:15]) > size < sum(p * q for p, q in bt.bids[:15])
        settings = sim_settings(
            sim, tmp_path / "db.sqlite", bithumb_enabled=True, kimp_exec_size_krw=size
        )
        async with kimp_app(settings) as k:
            svc = k.svc

            def caught_up() -> bool:
                v = svc.spread("XRP")
                return v is not None and (v.a.bid, v.b.ask) == (up.bids[0][0], bt.asks[0][0])

            await eventually(caught_up, timeout=30)
            top = svc.spread("XRP")
            assert top is not None and top.exe is not None and top.exe.top_only
            assert top.exe.sell_b.pct is None  # the top of book alone is too thin for the size
            fee_up, fee_bt = float(sim.upbit_engine.fee_rate), float(sim.bithumb_engine.fee_rate)
            # By hand: spend `size` up Upbit's asks, pay its fee in the coin, sell down Bithumb's
            # bids, pay Bithumb's fee in KRW.
            left, qty = float(size), 0.0
            for price, amount in up.asks:
                spend = min(left, price * amount)
                qty, left = qty + spend / price, left - spend
            qty *= 1 - fee_up
            krw, rest = 0.0, qty
            for price, amount in bt.bids:
                take = min(rest, amount)
                krw, rest = krw + take * price, rest - take
            assert left < 1e-6 * size and rest < 1e-9 * qty
            hand = (krw * (1 - fee_bt) / size - 1) * 100
            walked = await svc.spread_walked("XRP")  # the books over REST (nothing streamed yet)
            assert walked is not None and walked.exe is not None and not walked.exe.top_only
            assert walked.exe.sell_b.pct == pytest.approx(hand, rel=1e-9)
            names = {c.name for c in k.app.supervisor.components()}
            assert "kimp-bithumb-depth" in names  # Bithumb's book streamed once asked
            depth = walked_depth(svc)
            await eventually(lambda: (Venue.BITHUMB, "XRP") in depth.streamed, timeout=30)
            reply = await k.run("/kimp spread XRP")  # the command, on the streamed books
            assert f"buy Upbit, sell Bithumb: {hand:+.2f}%" in reply.text, reply.text


async def test_bithumb_alerts_carry_its_wallet_note_and_its_tether_premium_alerts(
    tmp_path: Path,
) -> None:
    async with SimExchange(seed=5) as sim:
        sim.wallets.set("bithumb", "XRP", deposit=False)  # XRP cannot be sent to Bithumb
        settings = sim_settings(
            sim, tmp_path / "db.sqlite", bithumb_enabled=True, kimp_wallet_refresh=0.5
        )
        async with kimp_app(settings) as k:
            await eventually(lambda: k.svc.spread("XRP") is not None, timeout=30)
            # Bithumb's KRW-USDT 3 % dearer: its tether premium passes +2 %; XRP another 5 %
            # dearer there: its Bithumb premium passes +3 %, a route that needs deposits there.
            sim.market.set_premium("XRP", 0.0)
            sim.market.set_bithumb_offset("USDT", 3.0)
            sim.market.set_bithumb_offset("XRP", 8.5)

            async def both() -> list[str]:
                alerts = await k.alerts()
                tether = [a for a in alerts if "Tether (USDT) on Bithumb" in a]
                xrp = [a for a in alerts if "XRP (Bithumb) premium" in a]
                return [*tether[:1], *xrp[:1]] if tether and xrp else []

            tether, xrp = await eventually(both, timeout=60)
            assert "reached the +2% alert level" in tether, tether
            assert "deposits suspended on Bithumb" in xrp and "cannot be arbitraged" in xrp, xrp
            upbit_tether = [a for a in await k.alerts() if a.startswith("🔺 Tether (USDT) ")]
            assert not upbit_tether  # Upbit's own tether premium did not move
