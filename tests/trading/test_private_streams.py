"""Issue 13: fills reach the service through the Binance private streams (spot WebSocket API,
USDⓈ-M `/private` route) well before the polling interval, and through polling when those
streams are refused.

End to end against the exchange simulator: the real ccxt brokers, the real stream clients over
loopback, the order tracker. Polling runs every `SLOW_POLL` s here, so a fill booked within
`FAST` s can only have come through a stream's doorbell.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.account import OrderTouched
from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.private_streams import PrivateStreamBoard
from core.symbols import Instrument, Symbol, Venue
from exchanges.brokers import (
    BinanceFuturesBroker,
    BinanceSpotBroker,
    run_spot_user_stream,
    run_user_stream,
)
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, feed_quotes, live_brokers, trading_env, worded

SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
SLOW_POLL = 60.0
FAST = 10.0


@asynccontextmanager
async def live(
    sim: SimExchange, tmp: Path, poll_interval: float
) -> AsyncIterator[tuple[Env, PrivateStreamBoard]]:
    brokers = live_brokers(sim)
    board = PrivateStreamBoard()
    async with trading_env(tmp / "t.db", brokers, paper=False, poll=False) as env:
        env.tracker.min_interval = env.tracker.max_interval = poll_interval
        spot, fut = brokers[Venue.BINANCE_SPOT], brokers[Venue.BINANCE_FUTURES]
        assert isinstance(spot, BinanceSpotBroker) and isinstance(fut, BinanceFuturesBroker)
        urls = sim.env()
        on = env.tracker.on_account
        tasks = [
            asyncio.create_task(feed_quotes(sim, env.bus)),
            asyncio.create_task(env.tracker.run_polling()),
            asyncio.create_task(
                run_spot_user_stream(spot, urls["BINANCE_WS_API_URL"], on, board.report)
            ),
            asyncio.create_task(
                run_user_stream(fut, urls["BINANCE_FUTURES_WS_URL"], on, board.report)
            ),
        ]
        try:
            await eventually(lambda: env.svc.prices.usdt_krw() is not None)
            await eventually(lambda: env.svc.prices.price(SPOT) is not None)
            await eventually(lambda: env.svc.prices.price(FUT) is not None)
            yield env, board
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def rest_then_fill(sim: SimExchange, env: Env, inst: Instrument) -> str:
    """A limit buy 0.5 % under the market, then the market falls 2 % through it."""
    mid = (
        sim.market.binance_mid("BTC")
        if inst.venue is Venue.BINANCE_SPOT
        else sim.market.futures_mark("BTC")
    )
    price = D(str(round(mid * 0.995, 1)))
    res = worded(
        await env.svc.submit(
            OrderRequest(inst, Side.BUY, OrderType.LIMIT, qty=D("0.002"), price=price)
        )
    )
    assert res.accepted and res.order is not None, res.reason
    cid = res.order.client_id

    async def resting() -> bool:
        stored = await env.svc.store.get(cid)
        return stored is not None and stored.order.status is OrderStatus.OPEN

    await eventually(resting)
    await asyncio.sleep(0.5)  # let the poll that submit() triggered finish: the next is far
    sim.market.set_price("BTC", mid * 0.98)
    sim.advance(1)
    return cid


async def filled(env: Env, cid: str) -> bool:
    stored = await env.svc.store.get(cid)
    return stored is not None and stored.order.status is OrderStatus.FILLED


@pytest.mark.parametrize("inst", [SPOT, FUT], ids=["spot", "usdm"])
async def test_fill_arrives_through_the_private_stream(
    sim: SimExchange, tmp_path: Path, inst: Instrument
) -> None:
    async with live(sim, tmp_path, SLOW_POLL) as (env, board):
        await eventually(lambda: all((st := board.get(v)) and st.up for v in (SPOT.venue, FUT.venue)))  # fmt: skip
        rung = env.tracker.rung
        cid = await rest_then_fill(sim, env, inst)
        await eventually(lambda: filled(env, cid), timeout=FAST)
        assert env.tracker.rung > rung  # the stream rang
        fills = [r for r in await env.svc.store.fills() if r.fill.client_id == cid]
        assert sum(r.fill.qty for r in fills) == D("0.002")


@pytest.mark.parametrize("inst", [SPOT, FUT], ids=["spot", "usdm"])
async def test_fill_arrives_through_polling_while_the_streams_are_refused(
    sim: SimExchange, tmp_path: Path, inst: Instrument
) -> None:
    sim.binance.ws_api.refuse()
    sim.binance_futures.user.refuse()
    async with live(sim, tmp_path, 1.0) as (env, board):
        for venue in (SPOT.venue, FUT.venue):
            await eventually(lambda v=venue: (st := board.get(v)) is not None and not st.up)
        cid = await rest_then_fill(sim, env, inst)
        await eventually(lambda: filled(env, cid), timeout=FAST)
        assert env.tracker.rung == 0  # nothing came through a stream
        # the streams come back: the board says so
        sim.binance.ws_api.refuse(False)
        sim.binance_futures.user.refuse(False)
        for venue in (SPOT.venue, FUT.venue):
            await eventually(lambda v=venue: (st := board.get(v)) is not None and st.up, timeout=40)


async def test_doorbell_during_a_polling_pass_starts_the_next_pass(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Regression: the wake was cleared after each pass, so a stream event that arrived while
    a pass was querying the venue was lost and the fill waited out the polling interval."""
    sim.binance.ws_api.refuse()  # the doorbell is rung by hand here
    sim.binance_futures.user.refuse()
    async with live(sim, tmp_path, SLOW_POLL) as (env, _board):
        mid = sim.market.binance_mid("BTC")
        price = D(str(round(mid * 0.9, 1)))
        req = OrderRequest(SPOT, Side.BUY, OrderType.LIMIT, qty=D("0.002"), price=price)
        res = worded(await env.svc.submit(req))
        assert res.accepted and res.order is not None, res.reason
        await eventually(lambda: env.tracker.polls >= 2)  # the start-up pass and submit()'s
        await asyncio.sleep(0.3)
        before = env.tracker.polls
        sim.faults.rest_delay("binance", 1.0)  # the next pass's order query is held 1 s
        env.tracker.wake()
        await eventually(lambda: env.tracker.polls == before + 1)
        env.tracker.on_account(OrderTouched(res.order.client_id, 0.0, 0.0))  # mid-pass
        await eventually(lambda: env.tracker.polls == before + 2, timeout=FAST)


async def test_futures_stream_comes_back_after_listen_key_expired(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path, SLOW_POLL) as (env, board):
        await eventually(lambda: (st := board.get(FUT.venue)) is not None and st.up)
        users = sim.binance_futures.user
        first = next(iter(users.keys))
        users.close(users.keys[first].api_key, first)  # the venue sends listenKeyExpired
        await eventually(
            lambda: (st := board.get(FUT.venue)) is not None and st.up and first not in users.keys
            and any(users.hub is not None and users.hub.wanted(f"{k}@ORDER_TRADE_UPDATE")
                    for k in users.keys)
        )  # fmt: skip
        rung = env.tracker.rung
        cid = await rest_then_fill(sim, env, FUT)  # and fills ring on the new connection
        await eventually(lambda: filled(env, cid), timeout=FAST)
        assert env.tracker.rung > rung
