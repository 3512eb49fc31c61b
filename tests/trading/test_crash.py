"""A process killed in the middle of the order path, then restarted on the same database.

The order path runs in a real child process (`tests.trading.crash_child`) against the exchange
simulator (started here; its URLs passed through the environment). The crash hook
(KIMP_TEST_CRASH_AT) makes the child die at that point with no clean-up at all; then a fresh
OrderService on the same SQLite file does the start-up reconciliation. Afterwards: never more
than one order on the venue for our client id (checked in the simulator's own order list),
every venue fill recorded exactly once, the position right, and the reconciliation's report.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.orders import OrderStatus
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.matching import SimOrder, SpotEngine
from peers.exchange_sim.server import SimExchange
from tests.trading.crash_child import live_brokers
from tests.trading.harness import Env, en, trading_env
from trading.executor import CRASH_ENV
from trading.reconcile import reconcile

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = {
    "upbit": Instrument(Venue.UPBIT, Symbol("BTC", "KRW")),
    "bithumb": Instrument(Venue.BITHUMB, Symbol("BTC", "KRW")),
    "binance": Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT")),
}


async def run_child(sim: SimExchange, db: Path, venue: str, crash_at: str) -> int:
    env = os.environ | sim.env() | {"CRASH_DB": str(db), "CRASH_ORDER": venue, CRASH_ENV: crash_at}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.trading.crash_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 137, (proc.returncode, out.decode(), err.decode()[-3000:])
    return proc.returncode


# Where a market order's first answer is only a receipt (Bithumb's POST /v2/orders), its fill
# comes from the next lookup: a crash there finds the order recorded as open, not an intent.
RECEIPT_ONLY = {"bithumb"}


@asynccontextmanager
async def restarted(
    sim: SimExchange, db: Path, venue: str, crash_at: str = "after_send"
) -> AsyncIterator[Env]:
    """A fresh order service on the same database (what the trading installer builds)."""
    brokers = live_brokers(sim.env(), {INSTRUMENTS[venue].venue, Venue.UPBIT})
    async with trading_env(db, brokers, paper=False, unknown_grace=1.0, poll=False) as env:
        rows = await env.svc.store.recent_orders(10, paper=False)
        # The crash left the order as an intent (or open: see RECEIPT_ONLY): nothing of its
        # fills was recorded.
        opened = crash_at == "after_fill_before_record" and venue in RECEIPT_ONLY
        want = OrderStatus.OPEN if opened else OrderStatus.INTENT
        assert [r.order.status for r in rows] == [want]
        assert await env.svc.store.fills_of(rows[0].order.client_id) == []
        yield env


def engine_of(sim: SimExchange, venue: str) -> SpotEngine:
    return {"upbit": sim.upbit_engine, "bithumb": sim.bithumb_engine}.get(venue, sim.binance_engine)


def btc_held(sim: SimExchange, venue: str) -> D:
    return engine_of(sim, venue).account(sim.api_keys[venue][0]).balance("BTC").total


def venue_orders(sim: SimExchange, venue: str) -> list[SimOrder]:
    return list(engine_of(sim, venue).orders.values())


VENUES = ("upbit", "bithumb", "binance")


@pytest.mark.parametrize("crash_at", ["after_send", "after_fill_before_record"])
async def test_killed_after_the_venue_took_the_order(
    sim: SimExchange, tmp_path: Path, crash_at: str
) -> None:
    """Every spot venue at once (independent accounts, separate databases and processes)."""
    btc0 = {v: btc_held(sim, v) for v in VENUES}
    await asyncio.gather(*(run_child(sim, tmp_path / f"{v}.db", v, crash_at) for v in VENUES))
    await asyncio.gather(
        *(after_restart(sim, tmp_path / f"{v}.db", v, btc0[v], crash_at) for v in VENUES)
    )


async def after_restart(sim: SimExchange, db: Path, venue: str, btc0: D, crash_at: str) -> None:
    placed = venue_orders(sim, venue)
    assert len(placed) == 1 and placed[0].state == "filled"
    async with restarted(sim, db, venue, crash_at) as env:
        report = [en(line) for line in await reconcile(env.svc)]
        cid = placed[0].client_id
        opened = crash_at == "after_fill_before_record" and venue in RECEIPT_ONLY
        line = f"order {cid}: open -> filled" if opened else None
        await check_one_filled_order(env, sim, venue, placed[0], report, btc0, line)
        # The venue's answer applied again (a late poll) records nothing twice.
        broker = env.svc.brokers[INSTRUMENTS[venue].venue]
        assert cid is not None
        await env.svc.apply(cid, await broker.fetch(INSTRUMENTS[venue].symbol, cid, False))
        await check_one_filled_order(env, sim, venue, placed[0], None, btc0)


async def check_one_filled_order(
    env: Env,
    sim: SimExchange,
    venue: str,
    placed: SimOrder,
    report: list[str] | None,
    btc_before: D,
    line: str | None = None,
) -> None:
    assert len(venue_orders(sim, venue)) == 1  # nothing was resent
    rows = await env.svc.store.recent_orders(10, paper=False)
    assert len(rows) == 1
    order = rows[0].order
    assert order.client_id == placed.client_id
    assert order.status is OrderStatus.FILLED and order.filled_qty == placed.executed_qty
    if report is not None:
        line = line or f"order {order.client_id} was sent before the restart: now filled"
        assert line in report, report
    fills = await env.svc.store.fills_of(order.client_id)
    krw = venue in ("upbit", "bithumb")  # their fill ids are the trade uuids
    venue_ids = [f.trade_uuid if krw else str(f.trade_id) for f in placed.fills]
    assert sorted(f.fill.fill_id for f in fills) == sorted(venue_ids)
    assert sum(f.fill.qty for f in fills) == placed.executed_qty
    inst = INSTRUMENTS[venue]
    pos = await env.svc.store.position(inst, False)
    assert pos is not None and pos.qty == btc_held(sim, venue) - btc_before
    assert pos.qty > 0 and env.svc.positions[inst].qty == pos.qty


async def test_killed_after_the_intent_was_written(sim: SimExchange, tmp_path: Path) -> None:
    await asyncio.gather(*(run_child(sim, tmp_path / f"{v}.db", v, "after_intent") for v in VENUES))
    await asyncio.gather(*(never_placed(sim, tmp_path / f"{v}.db", v) for v in VENUES))


async def never_placed(sim: SimExchange, db: Path, venue: str) -> None:
    assert venue_orders(sim, venue) == []
    async with restarted(sim, db, venue) as env:
        rows = await env.svc.store.recent_orders(10, paper=False)
        assert len(rows) == 1 and rows[0].order.status is OrderStatus.INTENT
        cid = rows[0].order.client_id
        report = [en(line) for line in await reconcile(env.svc)]
        assert f"order {cid} never reached {INSTRUMENTS[venue].venue.label}: not placed" in report
        stored = await env.svc.store.get(cid)
        assert stored is not None and stored.order.status is OrderStatus.REJECTED
        assert "Not placed" in stored.order.reason
        assert venue_orders(sim, venue) == []  # looked up, never resent
        assert await env.svc.store.fills_of(cid) == []
        assert await env.svc.store.position(INSTRUMENTS[venue], False) is None
        assert D(0) == sum(p.qty for p in env.svc.positions.values())
