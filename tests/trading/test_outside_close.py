"""Issue 12: a futures position liquidated while our user stream was down is still booked.

The stream is cut with the simulator's fault switch (connections dropped and refused), the
simulator's liquidation engine closes the position, the stream comes back (Binance does not
replay what it sent meanwhile) and the periodic position check finds the position gone. It must
book the close from the venue's trade history (`/fapi/v1/userTrades`) with its realised loss,
tell the user at once, and count the loss against the daily loss limit; with no readable
history, it books an estimate at the last price, labelled so.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from pathlib import Path

from core.account import ForcedFill
from core.market import Side
from core.orders import OrderRequest, OrderType
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, worded
from tests.trading.test_liquidation import FUT, liquidate, live_with_stream, open_long
from trading.reconcile import book_outside
from trading.risk import RiskLimits

LIMITS = RiskLimits(
    max_order_krw=D(50_000_000), max_position_pct=D(90), daily_loss_limit_pct=D("0.05")
)


async def cut_user_stream(sim: SimExchange) -> None:
    sim.faults.reject_connections("binance_futures", 600)
    sim.faults.drop_connections("binance_futures")
    await eventually(lambda: sim.faults.connections("binance_futures") == 0, 10)


async def liquidated_unseen(sim: SimExchange, env: Env, seen: list[object]) -> None:
    """Open a 50x long, cut the stream, liquidate it at the venue, restore the stream."""
    await open_long(env, "0.05", 50)
    await cut_user_stream(sim)
    liquidate(sim)
    engine = sim.binance_futures.engine
    await eventually(
        lambda: not any(a.positions.get("BTCUSDT") and a.positions["BTCUSDT"].amt
                        for a in engine.accounts.values()),
        10,
    )  # fmt: skip
    sim.faults.reject_connections("binance_futures", 0)
    await asyncio.sleep(0.5)
    assert not any(isinstance(e, ForcedFill) for e in seen)  # the stream never told us
    assert env.svc.positions[FUT].qty == D("0.05")


async def loss_limit_refuses(env: Env) -> None:
    res = worded(await env.svc.submit(OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D("0.01"))))
    assert not res.accepted and "loss" in res.reason.lower(), res.reason


async def test_a_liquidation_missed_by_the_stream_is_booked_from_the_venue_trades(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live_with_stream(sim, tmp_path, LIMITS) as (env, seen):
        await liquidated_unseen(sim, env, seen)
        adopted = []
        for _ in range(3):  # the first sighting waits for a second look
            adopted += await env.tracker.check_positions()
        assert adopted == [FUT]
        assert not env.provider().open_positions()
        assert [p for p in await env.svc.store.positions(False) if p.instrument == FUT] == []
        outside = [r for r in await env.svc.store.fills() if r.fill.client_id.startswith("venue-")]
        assert len(outside) == 1
        assert outside[0].fill.side is Side.SELL and outside[0].fill.qty == D("0.05")
        assert outside[0].realized_pnl < 0
        venue_trade = max(
            (f for a in sim.binance_futures.engine.accounts.values() for fs in a.fills.values()
             for f in fs),
            key=lambda f: f.trade_id,
        )  # fmt: skip
        assert outside[0].fill.fill_id == str(venue_trade.trade_id)
        note = next(str(n.text) for n in env.notes if "Closed on" in str(n.text))
        assert "outside the bot" in note and "sell 0.05 BTC @ " in note and "PnL -" in note, note
        assert "USDT USDT" not in note and "Position left: 0" in note, note
        assert "ESTIMATED" not in note
        await loss_limit_refuses(env)
        # looked at again: nothing more booked, nothing more told
        assert await env.tracker.check_positions() == []
        again = [r for r in await env.svc.store.fills() if r.fill.client_id.startswith("venue-")]
        assert len(again) == 1
        assert sum("Closed on" in str(n.text) for n in env.notes) == 1


async def test_without_the_venue_trades_the_close_is_booked_as_an_estimate(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live_with_stream(sim, tmp_path, LIMITS) as (env, seen):
        await liquidated_unseen(sim, env, seen)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        # the trade-history request fails (the venue answers it with an error)
        sim.faults.rest_error("binance_futures", 400, {"code": -1121, "msg": "Invalid symbol."})
        assert await book_outside(env.svc, FUT, D("0.05"), D(0))
        assert FUT not in {p.instrument for p in env.provider().open_positions()}
        est = [r for r in await env.svc.store.fills() if r.fill.client_id.startswith("estimated-")]
        assert len(est) == 1 and est[0].fill.qty == D("0.05") and est[0].realized_pnl < 0
        note = next(str(n.text) for n in env.notes if "Closed on" in str(n.text))
        assert "ESTIMATED" in note and "(estimated)" in note, note
        await loss_limit_refuses(env)
