"""Protection as an invariant (issue 12, items 1 and 5).

1. A process SIGKILLed (the crash hook, exit 137) between a futures entry's fill and its
   stop-loss send restarts with the stop placed on the venue and the user told for how long the
   position was unprotected.
5. `/killswitch cancel`, through the real command registry and the live trading installer,
   cancels open orders but keeps the stop-loss of an open futures position on the venue.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from bot.commands.base import CommandContext, Reply
from bot.config import load_settings
from bot.features import AppContext
from bot.features.trading import install
from core.market import Side
from core.notifications import NotificationKind
from core.orders import OrderRequest, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.binance_futures_models import AlgoOrder, AlgoStatus
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.crash_child import STOP_BELOW, live_brokers
from tests.trading.harness import en, trading_env
from tests.wiring import app_context
from trading.executor import CRASH_ENV
from trading.futures import FuturesManager
from trading.reconcile import reconcile

ROOT = Path(__file__).resolve().parents[2]
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


def venue_stops(sim: SimExchange) -> list[AlgoOrder]:
    """The open conditional orders on the simulator's futures account."""
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    return acct.open_algos("BTCUSDT")


def venue_position(sim: SimExchange) -> D:
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    return acct.position("BTCUSDT").amt


async def test_killed_between_entry_fill_and_stop_loss_restarts_protected(
    sim: SimExchange, tmp_path: Path
) -> None:
    db = tmp_path / "fut.db"
    env = os.environ | sim.env() | {
        "CRASH_DB": str(db), "CRASH_ORDER": "futures_bracket", CRASH_ENV: "before_bracket",
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.trading.crash_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 137, (proc.returncode, out.decode(), err.decode()[-3000:])
    # Killed with a leveraged position on the venue and no stop.
    assert venue_position(sim) == D("0.01")
    assert venue_stops(sim) == []

    # Restart on the same database, as the trading installer does it.
    brokers = live_brokers(sim.env(), {Venue.BINANCE_FUTURES, Venue.UPBIT})
    async with trading_env(db, brokers, paper=False, unknown_grace=1.0, poll=False) as tenv:
        await reconcile(tenv.svc)
        futures = FuturesManager(tenv.svc, KeyValueStore(tenv.db), default_leverage=5)
        await futures.resume()
        stops = venue_stops(sim)
        assert len(stops) == 1, stops
        stop = stops[0]
        assert stop.order_type == "STOP_MARKET" and stop.side == "SELL" and stop.reduce_only
        assert stop.qty == D("0.01")
        rows = await tenv.svc.store.recent_orders(10, paper=False)
        entry = next(r.order for r in rows if r.order.type is OrderType.MARKET)
        assert entry.avg_price is not None
        assert stop.trigger_price <= entry.avg_price * STOP_BELOW * D("1.01")
        # Placed through the order path: our record, our client id, child of the entry.
        kids = await tenv.svc.store.children(entry.client_id)
        assert [k.order.client_id for k in kids] == [stop.client_algo_id]
        assert kids[0].order.status is OrderStatus.OPEN
        notes = [n for n in tenv.notes if n.kind is NotificationKind.RISK]
        assert any("was unprotected for" in str(n.text) for n in notes), tenv.notes
        # Checked again (the periodic check): nothing placed twice.
        assert await futures.protection.check() == []
        assert len(venue_stops(sim)) == 1


async def test_stop_cancelled_behind_our_back_is_placed_again(
    sim: SimExchange, tmp_path: Path
) -> None:
    brokers = live_brokers(sim.env(), {Venue.BINANCE_FUTURES, Venue.UPBIT})
    async with trading_env(tmp_path / "t.db", brokers, paper=False) as tenv:
        futures = FuturesManager(tenv.svc, KeyValueStore(tenv.db), default_leverage=5)
        last = await brokers[Venue.BINANCE_FUTURES].last_price(FUT.symbol)
        res = await futures.open(
            FUT.symbol, Side.BUY, D("0.01"), stop_loss=(last * D("0.9")).quantize(D("0.1"))
        )
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(venue_stops(sim)) == 1)
        assert not [n for n in tenv.notes if "unprotected" in str(n.text)]  # normal placement
        first = venue_stops(sim)[0]
        # Cancelled on the venue (the web UI); the tracker sees it gone.
        acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
        acct.algos[first.algo_id].status = AlgoStatus.CANCELED

        async def gone() -> bool:
            s = await tenv.svc.store.get(first.client_algo_id)
            return s is not None and s.order.status.is_final

        await eventually(gone, timeout=10)
        assert await futures.protection.check() == [FUT]
        stops = venue_stops(sim)
        assert len(stops) == 1 and stops[0].client_algo_id != first.client_algo_id
        assert stops[0].qty == D("0.01") and stops[0].trigger_price == first.trigger_price
        assert any("was unprotected for" in str(n.text) for n in tenv.notes)


# --- item 5: the kill switch keeps protective orders -------------------------------------------
@asynccontextmanager
async def live_app(tmp: Path, sim: SimExchange) -> AsyncIterator[tuple[AppContext, CommandContext]]:
    values = {k.lower(): v for k, v in sim.env().items()}
    settings = load_settings(
        env_file=None, trading_mode="live", db_path=tmp / "t.db", language="en",
        max_position_pct=90, max_order_krw=50_000_000, **values,
    )  # fmt: skip
    async with app_context(settings, stop_timeout=3.0) as app:
        await install(app)
        yield app, CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")


async def run(app: AppContext, ctx: CommandContext, line: str) -> Reply:
    return await app.registry.dispatch(line, ctx)


async def test_killswitch_cancel_keeps_the_positions_stop(sim: SimExchange, tmp_path: Path) -> None:
    async with live_app(tmp_path, sim) as (app, ctx):
        trading = app.facade.trading
        assert trading is not None
        svc = trading.svc  # type: ignore[attr-defined]
        futures = trading.futures  # type: ignore[attr-defined]
        last = await svc.brokers[Venue.BINANCE_FUTURES].last_price(FUT.symbol)
        res = await futures.open(
            FUT.symbol, Side.BUY, D("0.01"), stop_loss=(last * D("0.9")).quantize(D("0.1"))
        )
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(venue_stops(sim)) == 1)
        # A resting limit order far from the market: the kind the kill switch cancels.
        limit = OrderRequest(
            FUT, Side.BUY, OrderType.LIMIT, qty=D("0.01"), price=(last * D("0.8")).quantize(D(1))
        )
        placed = await svc.submit(limit)
        assert placed.accepted, en(placed.reason)

        q = await run(app, ctx, "/killswitch cancel")
        assert "1 open futures position(s) stay open with their stop-loss" in q.text, q.text
        r = await run(app, ctx, q.buttons[0][0].data)
        stops = venue_stops(sim)  # the stop is still on the venue, the position still held
        assert len(stops) == 1 and stops[0].order_type == "STOP_MARKET", stops
        assert venue_position(sim) == D("0.01")
        assert "Kill switch ON" in r.text and "1/1 open orders cancelled" in r.text, r.text
        assert "1 protective order(s) of open positions kept" in r.text, r.text
        limit_row = await svc.store.get(placed.order.client_id)
        assert limit_row.order.status is OrderStatus.CANCELLED


async def test_a_new_position_does_not_inherit_the_last_ones_levels(tmp_path: Path) -> None:
    """The take-profit closed the last long (no check ran after that conditional fill); a new
    long opened without brackets gets no stop at the old level."""
    async with trading_env(tmp_path / "p.db") as tenv:
        tenv.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        tenv.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: tenv.svc.prices.price(FUT) is not None)
        await eventually(lambda: tenv.svc.prices.usdt_krw() is not None)
        futures = tenv.provider().futures
        res = await futures.open(
            FUT.symbol, Side.BUY, D("0.01"), stop_loss=D(95_000), take_profit=D(101_000)
        )
        assert res.accepted, en(res.reason)

        async def protective() -> list[OrderType]:
            return [s.order.type for s in await tenv.svc.store.open_orders(True)]

        await eventually(lambda: protective(), 10)
        tenv.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 101_500, 101_510)  # through the TP
        await eventually(lambda: not tenv.provider().open_positions(), 10)
        await eventually(lambda: _none(protective()), 10)
        res = await futures.open(FUT.symbol, Side.BUY, D("0.01"))
        assert res.accepted, en(res.reason)
        assert await futures.protection.check() == []
        assert await protective() == []


async def _none(x: object) -> bool:
    return not await x  # type: ignore[misc]
