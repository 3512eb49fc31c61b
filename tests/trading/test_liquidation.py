"""Issue 12 item 3: a liquidation by the venue is seen, booked once, counted by the daily loss
limit and told to the user; a position changed outside the service is adopted and told.

End to end against the exchange simulator: the real ccxt futures broker, the real user-data
stream over loopback, the simulator's liquidation engine (mark past the liquidation price).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from core.account import AccountEvent, ForcedFill, ForcedKind
from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from exchanges.brokers import BinanceFuturesBroker, run_user_stream
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, feed_quotes, live_brokers, trading_env, worded
from trading.risk import RiskLimits

FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
KEY = "BTCUSDT"


@asynccontextmanager
async def live_with_stream(
    sim: SimExchange, tmp: Path, limits: RiskLimits | None = None
) -> AsyncIterator[tuple[Env, list[AccountEvent]]]:
    brokers = live_brokers(sim)
    seen: list[AccountEvent] = []
    async with trading_env(tmp / "t.db", brokers, paper=False, limits=limits) as env:
        fut = brokers[Venue.BINANCE_FUTURES]
        assert isinstance(fut, BinanceFuturesBroker)

        def on_event(ev: AccountEvent) -> None:
            seen.append(ev)
            env.tracker.on_account(ev)

        ws = sim.env()["BINANCE_FUTURES_WS_URL"]
        tasks = [
            asyncio.create_task(feed_quotes(sim, env.bus)),
            asyncio.create_task(run_user_stream(fut, ws, on_event)),
        ]
        try:
            await eventually(lambda: env.svc.prices.usdt_krw() is not None)
            await eventually(lambda: env.svc.prices.price(FUT) is not None)
            await eventually(lambda: sim.binance_futures.user.keys)  # stream connected
            yield env, seen
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def open_long(env: Env, qty: str, leverage: int) -> None:
    fut = env.svc.brokers[Venue.BINANCE_FUTURES]
    await fut.set_margin_mode(FUT.symbol, "isolated")
    await fut.set_leverage(FUT.symbol, leverage)
    res = await env.svc.submit(
        OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D(qty), leverage=leverage)
    )
    assert res.accepted and res.order is not None, worded(res).reason
    cid = res.order.client_id

    async def booked() -> bool:
        stored = await env.svc.store.get(cid)
        pos = env.svc.positions.get(FUT)
        return bool(stored and stored.order.status is OrderStatus.FILLED and pos and pos.qty)

    await eventually(booked)


def liquidate(sim: SimExchange) -> None:
    """Move the mark 1 % past the position's liquidation price."""
    engine = sim.binance_futures.engine
    acct = next(
        a for a in engine.accounts.values() if a.positions.get(KEY) and a.positions[KEY].amt
    )
    liq = float(engine.liquidation_price(acct, acct.positions[KEY]))
    assert liq > 0
    sim.market.set_price("BTC", liq / 1.0002 * 0.99)  # futures mark = spot * (1 + basis)
    sim.advance(1)


async def test_liquidation_is_booked_counted_and_notified(sim: SimExchange, tmp_path: Path) -> None:
    limits = RiskLimits(
        max_order_krw=D(50_000_000), max_position_pct=D(90), daily_loss_limit_pct=D("0.05")
    )
    async with live_with_stream(sim, tmp_path, limits) as (env, seen):
        await open_long(env, "0.05", 50)
        provider = env.provider()
        assert [p.instrument for p in provider.open_positions()] == [FUT]
        liquidate(sim)

        # the position is closed, in memory and in the database (what /positions shows)
        await eventually(lambda: not provider.open_positions(), timeout=15)
        assert [p for p in await env.svc.store.positions(False) if p.instrument == FUT] == []
        assert [row for row, *_ in await provider.positions() if row.instrument == FUT] == []

        # the loss is booked once, as the venue's trade, with its realised PnL
        forced = [
            r for r in await env.svc.store.fills() if r.fill.client_id.startswith("autoclose-")
        ]
        assert len(forced) == 1
        assert forced[0].fill.side is Side.SELL and forced[0].fill.qty == D("0.05")
        assert forced[0].realized_pnl < 0
        event = next(e for e in seen if isinstance(e, ForcedFill))
        assert event.kind is ForcedKind.LIQUIDATION and event.fill.fill_id == forced[0].fill.fill_id
        assert event.realized_pnl < 0

        # the user is told at once
        await eventually(lambda: any("LIQUIDATED" in str(n.text) for n in env.notes))
        note = next(str(n.text) for n in env.notes if "LIQUIDATED" in str(n.text))
        assert "sell 0.05 BTC @ " in note and "PnL -" in note, (
            note
        )  # to the step, trailing zeros dropped
        # issue 14: the notice gives the trade's PnL (its entry fee included), the one figure
        # /trades and the report give it
        (trade,) = env.svc.trades.closed
        assert trade.exit_client_id == forced[0].fill.client_id and trade.owner is None
        assert trade.realized == sum(r.realized_pnl for r in await env.svc.store.fills())
        assert f"PnL {trade.realized.quantize(D('0.01')):+,} USDT" in note, (note, trade)

        # the daily loss limit counts it: the next entry is refused
        res = worded(
            await env.svc.submit(OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D("0.01")))
        )
        assert not res.accepted and "loss" in res.reason.lower(), res.reason

        # replayed (stream reconnect, duplicate frame): booked once
        assert await env.svc.book_forced(event) is None
        again = [
            r for r in await env.svc.store.fills() if r.fill.client_id.startswith("autoclose-")
        ]
        assert len(again) == 1


async def test_position_changed_outside_is_adopted_and_notified(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live_with_stream(sim, tmp_path) as (env, _seen):
        await open_long(env, "0.02", 5)
        # someone closes half of it on the web UI: an order that is not ours
        usdm = env.svc.brokers[Venue.BINANCE_FUTURES]
        assert isinstance(usdm, BinanceFuturesBroker)
        await usdm.call(
            lambda: usdm.ex.create_order("BTC/USDT:USDT", "market", "sell", 0.01), write=True
        )
        adopted = []
        for _ in range(3):
            adopted += await env.tracker.check_positions()
        assert adopted == [FUT]
        assert env.svc.positions[FUT].qty == D("0.01")
        stored = await env.svc.store.position(FUT, False)
        assert stored is not None and stored.qty == D("0.01")
        # booked from the venue's trade history (the close was not ours), and told
        assert any("Closed on" in str(n.text) for n in env.notes)
        assert await env.tracker.check_positions() == []  # in agreement now
