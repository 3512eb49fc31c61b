"""Venue-side stop-losses for Binance spot holdings (issue 12, "protection as an invariant").

Against the simulator through unmodified ccxt: a Binance spot buy with a stop gets a STOP_LOSS
sell resting on the venue, sized to the holding; one cancelled behind our back is placed again
and the user told how long the holding was unprotected; a fall through the stop fills it and
books the exit; a process SIGKILLed between the buy's fill and the stop's send restarts with
the stop on the venue.
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.notifications import NotificationKind
from core.orders import Brackets, OrderRequest, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.matching import SimOrder
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.crash_child import STOP_BELOW, live_brokers
from tests.trading.harness import en, trading_env
from tests.trading.test_commands import app_ctx, quote, run
from tests.trading.test_protection import live_app
from trading.executor import CRASH_ENV
from trading.futures import FuturesManager
from trading.gateway import BotGateway
from trading.reconcile import reconcile
from trading.spot_stops import SpotStops

ROOT = Path(__file__).resolve().parents[2]
SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))


def venue_stops(sim: SimExchange) -> list[SimOrder]:
    """Stop orders waiting on the simulator's Binance spot account."""
    engine = sim.binance_engine
    return engine.pending_stops(engine.account(sim.api_keys["binance"][0]))


def buy(qty: str = "0.01") -> OrderRequest:
    return OrderRequest(SPOT, Side.BUY, OrderType.MARKET, qty=D(qty), reason="manual")


async def test_buy_with_stop_rests_on_venue_replaced_when_cancelled_and_fills_on_fall(
    sim: SimExchange, tmp_path: Path
) -> None:
    brokers = live_brokers(sim.env(), {Venue.BINANCE_SPOT, Venue.UPBIT})
    async with trading_env(tmp_path / "t.db", brokers, paper=False) as tenv:
        stops = SpotStops(tenv.svc, KeyValueStore(tenv.db))
        last = await brokers[Venue.BINANCE_SPOT].last_price(SPOT.symbol)
        level = (last * D("0.97")).quantize(D("0.01"))
        res = await stops.buy(buy(), stop_loss=level)
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(venue_stops(sim)) == 1)
        held = tenv.svc.positions[SPOT].qty
        first = venue_stops(sim)[0]
        # A STOP_LOSS sell for the whole holding (net of the fee taken in BTC), at our level.
        assert first.side == "sell" and first.ord_type == "market"
        assert first.stop_price == level and first.qty == held
        assert not [n for n in tenv.notes if "unprotected" in str(n.text)]  # normal placement
        kids = await tenv.svc.store.children(res.order.client_id)  # type: ignore[union-attr]
        assert [k.order.client_id for k in kids] == [first.client_id]
        assert kids[0].order.type is OrderType.STOP_MARKET

        # Cancelled on the venue behind our back (the web UI); the tracker sees it gone.
        engine = sim.binance_engine
        engine.cancel(engine.account(sim.api_keys["binance"][0]), first.seq)

        async def gone() -> bool:
            s = await tenv.svc.store.get(first.client_id or "")
            return s is not None and s.order.status.is_final

        await eventually(gone, timeout=10)
        assert await stops.protection.check() == [SPOT]
        again = venue_stops(sim)
        assert len(again) == 1 and again[0].client_id != first.client_id
        assert again[0].qty == held and again[0].stop_price == level
        assert any("was unprotected for" in en(n.text) for n in tenv.notes), tenv.notes
        assert await stops.protection.check() == []  # nothing placed twice

        # The price falls through the stop: it fills, the holding is flat, the loss booked.
        sim.market.set_price("BTC", float(last) * 0.9)

        async def filled() -> bool:
            s = await tenv.svc.store.get(again[0].client_id or "")
            return s is not None and s.order.status is OrderStatus.FILLED

        await eventually(filled, timeout=20)
        assert tenv.svc.positions[SPOT].qty == 0
        assert tenv.svc.positions[SPOT].realized_pnl < 0
        fills = [n for n in tenv.notes if n.kind is NotificationKind.ORDER_FILLED]
        assert any("SELL" in en(n.text).upper() and "PnL" in en(n.text) for n in fills), [
            en(n.text) for n in fills
        ]
        assert venue_stops(sim) == []
        assert await stops.protection.check() == []  # flat: nothing to protect


async def test_sell_cancels_the_stop_first_and_resizes_it(sim: SimExchange, tmp_path: Path) -> None:
    brokers = live_brokers(sim.env(), {Venue.BINANCE_SPOT, Venue.UPBIT})
    async with trading_env(tmp_path / "t.db", brokers, paper=False) as tenv:
        stops = SpotStops(tenv.svc, KeyValueStore(tenv.db))
        res = await stops.buy(buy("0.02"), stop_loss_pct=D(5))
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(venue_stops(sim)) == 1)
        # The stop locks the coins: a sell beside it would be refused for lack of balance.
        sold = await stops.sell(
            OrderRequest(SPOT, Side.SELL, OrderType.MARKET, qty=D("0.01"), reason="manual")
        )
        assert sold.accepted, en(sold.reason)
        await eventually(lambda: len(venue_stops(sim)) == 1)
        assert venue_stops(sim)[0].qty == tenv.svc.positions[SPOT].qty
        rest = tenv.svc.positions[SPOT].qty
        closed = await stops.sell(
            OrderRequest(SPOT, Side.SELL, OrderType.MARKET, qty=rest, reason="manual")
        )
        assert closed.accepted, en(closed.reason)
        assert tenv.svc.positions[SPOT].qty == 0
        assert venue_stops(sim) == []


async def test_killed_between_buy_fill_and_stop_restarts_protected(
    sim: SimExchange, tmp_path: Path
) -> None:
    db = tmp_path / "spot.db"
    env = os.environ | sim.env() | {
        "CRASH_DB": str(db), "CRASH_ORDER": "spot_stop", CRASH_ENV: "before_bracket",
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.trading.crash_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 137, (proc.returncode, out.decode(), err.decode()[-3000:])
    assert venue_stops(sim) == []  # killed holding the coins, no stop on the venue

    brokers = live_brokers(sim.env(), {Venue.BINANCE_SPOT, Venue.UPBIT})
    async with trading_env(db, brokers, paper=False, unknown_grace=1.0, poll=False) as tenv:
        await reconcile(tenv.svc)
        stops = SpotStops(tenv.svc, KeyValueStore(tenv.db))
        await stops.resume()
        placed = venue_stops(sim)
        assert len(placed) == 1, placed
        assert placed[0].qty == tenv.svc.positions[SPOT].qty > 0
        last = await brokers[Venue.BINANCE_SPOT].last_price(SPOT.symbol)
        assert placed[0].stop_price is not None
        assert placed[0].stop_price <= last * STOP_BELOW * D("1.02")
        assert any("was unprotected for" in en(n.text) for n in tenv.notes), tenv.notes
        await stops.resume()
        assert len(venue_stops(sim)) == 1  # checked again: nothing placed twice


async def test_a_bots_binance_spot_stop_is_on_the_venue_and_its_fill_is_the_bots_exit(
    sim: SimExchange, tmp_path: Path
) -> None:
    brokers = live_brokers(sim.env(), {Venue.BINANCE_SPOT, Venue.UPBIT})
    async with trading_env(tmp_path / "t.db", brokers, paper=False) as tenv:
        kv = KeyValueStore(tenv.db)
        stops = SpotStops(tenv.svc, kv)
        gw = BotGateway(
            tenv.svc, FuturesManager(tenv.svc, kv), {"b": Brackets(stop_loss_pct=D(3))},
            spot_stops=stops,
        )  # fmt: skip
        entry = await gw.submit(
            OrderRequest(SPOT, Side.BUY, OrderType.MARKET, qty=D("0.01"), bot="b", reason="in")
        )
        assert entry.accepted and entry.avg_price is not None, entry.reason
        await eventually(lambda: len(venue_stops(sim)) == 1)
        [stop] = venue_stops(sim)
        assert stop.stop_price is not None
        assert abs(stop.stop_price - entry.avg_price * D("0.97")) <= D("0.01")
        # The venue sells at the stop; the bot's own exit then gets that fill as its answer.
        sim.market.set_price("BTC", float(entry.avg_price) * 0.9)

        async def stopped() -> bool:
            s = await tenv.svc.store.get(stop.client_id or "")
            return s is not None and s.order.status is OrderStatus.FILLED

        await eventually(stopped, timeout=20)
        assert tenv.svc.positions[SPOT].qty == 0
        out = await gw.submit(
            OrderRequest(SPOT, Side.SELL, OrderType.MARKET, qty=entry.filled_qty, bot="b",
                         reason="stop")
        )  # fmt: skip
        assert out.accepted and out.client_id == stop.client_id, out
        assert out.realized is not None and out.realized < 0


async def test_paper_mode_simulates_the_spot_stop(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "p.db") as tenv:
        stops = SpotStops(tenv.svc, KeyValueStore(tenv.db))
        tenv.quote(Venue.BINANCE_SPOT, "BTC/USDT", 99_990, 100_000)
        tenv.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        await eventually(lambda: tenv.svc.prices.price(SPOT) is not None)
        res = await stops.buy(buy(), stop_loss=D(95_000))
        assert res.accepted, en(res.reason)

        async def resting() -> list[str]:
            return [
                s.order.client_id
                for s in await tenv.svc.store.open_orders(True)
                if s.order.type is OrderType.STOP_MARKET and s.order.instrument == SPOT
            ]

        [cid] = await eventually(resting)
        tenv.quote(Venue.BINANCE_SPOT, "BTC/USDT", 94_000, 94_010)

        async def filled() -> bool:
            s = await tenv.svc.store.get(cid)
            return s is not None and s.order.status is OrderStatus.FILLED

        await eventually(filled, timeout=10)
        assert tenv.svc.positions[SPOT].qty == 0
        assert tenv.svc.positions[SPOT].realized_pnl < 0


async def test_buy_command_with_sl_puts_the_stop_on_binance_spot(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        trading = app.facade.trading
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.BINANCE_SPOT, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: trading.svc.prices.price(SPOT) is not None)
        for line, expect in [
            ("/buy binance BTC 0.01 sl=abc", "is not a stop-loss"),
            ("/buy binance BTC 0.01 sl=120%", "is not a stop-loss"),
            ("/buy upbit BTC 0.01 sl=3%", "only placed on Binance spot buys"),
        ]:
            r = await run(app, ctx, line)
            assert expect in r.text, (line, r.text)
        assert trading.svc.positions.get(SPOT) is None  # nothing bought on a bad line
        r = await run(app, ctx, "/buy binance BTC 0.01 sl=3%")
        assert "✅ [paper] buy BTC/USDT: filled" in r.text, r.text

        async def stop() -> list[D]:
            return [
                s.order.trigger_price or D(0)
                for s in await trading.svc.store.open_orders(True)
                if s.order.type is OrderType.STOP_MARKET and s.order.instrument == SPOT
            ]

        [level] = await eventually(stop)
        assert D(96_500) < level < D(97_100)  # 3 % under the paper fill near 100,000
        r = await run(app, ctx, "/positions")
        assert "Binance" in r.text and "BTC/USDT" in r.text


async def test_live_service_places_the_stop_and_the_kill_switch_keeps_it(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Through the trading installer and the command registry (live, on the simulator)."""
    async with live_app(tmp_path, sim) as (app, ctx):
        r = await app.registry.dispatch("/buy binance BTC 0.01 sl=3%", ctx)
        assert "buy BTC/USDT" in r.text, r.text
        [stop] = await eventually(lambda: venue_stops(sim))
        q = await app.registry.dispatch("/killswitch cancel", ctx)
        r = await app.registry.dispatch(q.buttons[0][0].data, ctx)
        assert "Kill switch ON" in r.text, r.text
        assert venue_stops(sim) == [stop]  # the holding keeps its stop on the venue
        trading = app.facade.trading
        row = await trading.svc.store.get(stop.client_id or "")  # type: ignore[union-attr]
        assert row is not None and row.order.status is OrderStatus.OPEN
