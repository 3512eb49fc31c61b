"""Two-leg hedges against the exchange simulator (live mode, both venues, real ccxt adapters).

Open and close a forward hedge: both legs hold one quantity, the venues agree, and the PnL the
desk reports equals a hand computation from the simulator's own orders. One leg refused by the
venue: the other is unwound and the user told at once, with the exposure in KRW.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from core.hedge import HedgeDirection, HedgeGateway, HedgeOutcome, HedgeRequest, HedgeSource
from core.storage.kv import KeyValueStore
from core.symbols import Symbol
from peers.exchange_sim.server import SimExchange
from tests.trading.harness import Env, en
from tests.trading.test_e2e_sim import live
from trading.futures import FuturesManager
from trading.hedge.executor import FailurePolicy, HedgeExecutor
from trading.hedge.provider import HedgeDesk
from trading.hedge.store import HedgeState, HedgeStore

SIZE = D(1_000_000)


@asynccontextmanager
async def desk(
    sim: SimExchange, tmp: Path, policy: FailurePolicy = FailurePolicy.UNWIND
) -> AsyncIterator[tuple[Env, HedgeDesk]]:
    async with live(sim, tmp) as env:
        futures = FuturesManager(env.svc, KeyValueStore(env.db))
        ex = HedgeExecutor(env.svc, futures, HedgeStore(env.db), policy=policy)
        yield env, HedgeDesk(ex, default_leverage=2)


def upbit_btc(sim: SimExchange) -> D:
    return sim.upbit_engine.account(sim.api_keys["upbit"][0]).balance("BTC").total


def futures_amt(sim: SimExchange) -> D:
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    return acct.position("BTCUSDT").amt


def req(hedge_id: str, opening: bool = True) -> HedgeRequest:
    return HedgeRequest(hedge_id, "kimp1", "BTC", HedgeDirection.FORWARD, opening,
                        size_krw=SIZE if opening else None, leverage=2)  # fmt: skip


async def test_open_and_close_a_hedge_with_equal_legs_and_pnl_by_hand(
    sim: SimExchange, tmp_path: Path
) -> None:
    btc0, amt0 = upbit_btc(sim), futures_amt(sim)
    async with desk(sim, tmp_path) as (env, d):
        assert isinstance(d, HedgeSource)
        gw: HedgeGateway = d.hedge_gateway()
        opened = await gw.submit(req("hx1"))
        assert opened.outcome is HedgeOutcome.OPENED, en(opened.reason or "")
        assert opened.spot is not None and opened.futures is not None
        # one quantity on both venues (the futures lot is 0.001 BTC: within half of it)
        assert abs(opened.spot.qty - opened.futures.qty) <= D("0.0005")
        assert upbit_btc(sim) - btc0 == opened.spot.qty
        assert futures_amt(sim) - amt0 == -opened.futures.qty
        assert opened.spot.qty * opened.spot.avg_price <= SIZE * D("1.01")
        again = await gw.submit(req("hx1"))  # the same request again sends nothing
        assert again.outcome is HedgeOutcome.OPENED and upbit_btc(sim) - btc0 == opened.spot.qty
        assert [r.hedge_id for r in await gw.open_hedges("kimp1")] == ["hx1"]

        closed = await gw.submit(req("hx1", opening=False))
        assert closed.outcome is HedgeOutcome.CLOSED, en(closed.reason or "")
        assert upbit_btc(sim) == btc0 and futures_amt(sim) == amt0
        assert await gw.open_hedges("kimp1") == []
        view = await d.detail("hx1")
        assert view is not None and view.record.state is HedgeState.CLOSED
        assert view.spot_qty == 0 and view.fut_qty == 0
        assert view.record.open_ref is not None and view.record.close_ref is not None
        hand = by_hand(sim, env, view.record.open_ref.fx, view.record.close_ref.fx,
                       {o.client_id: o.phase.value for o in view.orders})  # fmt: skip
        assert view.pnl.funding == 0
        assert view.pnl.total == hand
        assert view.pnl.premium + view.pnl.slippage - view.pnl.fees == hand


def by_hand(sim: SimExchange, env: Env, fx_open: D, fx_close: D, phases: dict[str, str]) -> D:
    """The hedge's PnL in KRW from the simulator's own books: Upbit's executed KRW and fees,
    Binance's fills and commissions, the futures leg at the USDT/KRW rate of its phase."""
    total = D(0)
    up = sim.upbit_engine
    for o in up.orders.values():
        if o.client_id in phases:
            sign = 1 if o.side == "sell" else -1
            total += sign * o.executed_quote - o.fee_paid
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    for oid, fills in acct.fills.items():
        order = acct.orders[oid]
        if order.client_id not in phases:
            continue
        fx = fx_close if phases[order.client_id] == "close" else fx_open
        sign = 1 if order.side == "SELL" else -1
        total += sum((sign * f.qty * f.price - f.commission for f in fills), D(0)) * fx
    return total


async def test_one_leg_refused_the_other_is_unwound_and_the_user_told_at_once(
    sim: SimExchange, tmp_path: Path
) -> None:
    btc0, amt0 = upbit_btc(sim), futures_amt(sim)
    async with desk(sim, tmp_path) as (env, d):
        ex = d.executor
        await ex.rules("BTC")  # warmed, so the venue's next request is the futures order itself
        await ex.futures.ensure_leverage(Symbol("BTC", "USDT"), 2)
        body = {"code": -2019, "msg": "Margin is insufficient."}
        sim.faults.rest_error("binance_futures", 400, body)
        started = time.monotonic()
        res = await ex.submit(req("hx2"))
        assert res.outcome is HedgeOutcome.UNWOUND, (res, en(res.reason or ""))
        assert "Margin is insufficient" in en(res.reason or "")
        notes = [n.text for n in env.notes if "hx2" in str(n.text)]
        assert time.monotonic() - started < 10 and notes, env.notes
        assert any("unwound" in str(t) and "0 KRW" in str(t) for t in notes), notes
        assert upbit_btc(sim) == btc0  # sold back
        assert futures_amt(sim) == amt0
        view = await d.detail("hx2")
        assert view is not None and view.record.state is HedgeState.UNWOUND
        assert view.spot_qty == 0 and view.fut_qty == 0
