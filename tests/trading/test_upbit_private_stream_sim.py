"""Event-driven Upbit fills: the private stream (`myOrder`) rings the order tracker, so a fill on
the venue is booked well before the next poll; with the stream refused, polling still books it.
Also issue 13 problem 6: a quiet private socket survives Upbit's 60 s idle close."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.market import Side, StreamState
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from exchanges.upbit.private_stream import PrivateStreamState, private_stream_runner
from exchanges.upbit.wallet import upbit_token
from exchanges.ws_runner import WsRunner
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, feed_quotes, live_brokers, trading_env

XRP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))


@contextlib.asynccontextmanager
async def running(runner: WsRunner) -> AsyncIterator[WsRunner]:
    task = asyncio.create_task(runner.run(), name="upbit-private-test")
    try:
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@contextlib.asynccontextmanager
async def live(sim: SimExchange, tmp: Path, poll_every: float) -> AsyncIterator[Env]:
    """Live brokers on the simulator; the tracker polls open orders every `poll_every` s."""
    async with trading_env(tmp / "t.db", live_brokers(sim), paper=False, poll=False) as env:
        env.tracker.min_interval = env.tracker.max_interval = poll_every
        tasks = [
            asyncio.create_task(feed_quotes(sim, env.bus, ("BTC", "USDT", "XRP"))),
            asyncio.create_task(env.tracker.run_polling()),
        ]
        try:
            await eventually(lambda: env.svc.prices.price(XRP) is not None)
            yield env
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def resting_buy(env: Env, sim: SimExchange) -> str:
    bid = D(str(sim.market.book("upbit", "KRW-XRP").bids[0][0]))
    res = await env.svc.submit(
        OrderRequest(XRP, Side.BUY, OrderType.LIMIT, qty=D(10), price=bid * D("0.99"))
    )
    assert res.accepted and res.order is not None, res.reason
    assert res.order.status is OrderStatus.OPEN
    return res.order.client_id


async def status(env: Env, cid: str) -> OrderStatus:
    stored = await env.svc.store.get(cid)
    assert stored is not None
    return stored.order.status


def runner_for(sim: SimExchange, env: Env, state: PrivateStreamState, **kw: float) -> WsRunner:
    keys = sim.api_keys["upbit"]
    return private_stream_runner(
        sim.urls["UPBIT_WS_URL"], keys, env.tracker.on_account, state, **kw
    )


async def test_fill_arrives_through_the_private_stream_before_the_next_poll(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path, poll_every=60.0) as env:
        state = PrivateStreamState()
        async with running(runner_for(sim, env, state)):
            await eventually(lambda: state.up)
            cid = await resting_buy(env, sim)
            await asyncio.sleep(0.5)  # the poll the placement triggers is over
            polls = env.tracker.polls
            t0 = time.monotonic()
            sim.market.jump("XRP", -3.0)  # the venue fills the order
            await eventually(lambda: _is(env, cid, OrderStatus.FILLED), timeout=20)
            took = time.monotonic() - t0
        assert took < 20 < 60  # the only scheduled poll was a minute away
        assert env.tracker.polls > polls  # the doorbell made it look now
        fills = [r.fill for r in await env.svc.store.fills()]
        assert sum(f.qty for f in fills) == D(10)


async def test_stream_refused_fills_still_arrive_by_polling(
    sim: SimExchange, tmp_path: Path
) -> None:
    sim.faults.reject_connections("upbit", 60)
    async with live(sim, tmp_path, poll_every=0.5) as env:
        state = PrivateStreamState()
        async with running(runner_for(sim, env, state)):
            await eventually(lambda: state.last is not None)
            assert state.last is not None and state.last.state is StreamState.DOWN
            cid = await resting_buy(env, sim)
            sim.market.jump("XRP", -3.0)
            await eventually(lambda: _is(env, cid, OrderStatus.FILLED), timeout=20)
            assert not state.up


async def test_wrong_key_is_down_with_the_venues_answer(sim: SimExchange, tmp_path: Path) -> None:
    async with live(sim, tmp_path, poll_every=5.0) as env:
        state = PrivateStreamState()
        access, _ = sim.api_keys["upbit"]
        runner = private_stream_runner(
            sim.urls["UPBIT_WS_URL"], (access, "x" * 40), env.tracker.on_account, state
        )
        async with running(runner):
            await eventually(lambda: state.last is not None)
        assert state.last is not None and state.last.state is StreamState.DOWN
        assert "401" in str(state.last.reason)


async def test_quiet_private_socket_survives_the_idle_close(sim: SimExchange) -> None:
    """Upbit closing sockets the client is silent on (about 60 s in 2026; 1.5 s here): a
    private socket with no orders at all stays up through several idle periods."""
    sim.upbit.idle_close(1.5)
    access, secret = sim.api_keys["upbit"]
    # the fault bites: a client that sends one PING and nothing more is closed
    headers = {"Authorization": f"Bearer {upbit_token(access, secret)}"}
    async with connect(sim.urls["UPBIT_WS_URL"] + "/private", additional_headers=headers) as ws:
        await ws.send("PING")
        t0 = time.monotonic()
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.reason == "idle timeout"
        assert time.monotonic() - t0 < 8
    state = PrivateStreamState()
    events: list[object] = []
    runner = private_stream_runner(
        sim.urls["UPBIT_WS_URL"], (access, secret), events.append, state, keepalive_s=0.4
    )
    async with running(runner):
        await eventually(lambda: state.up)
        await asyncio.sleep(6.0)  # four idle periods without an order
        assert state.up and runner.reconnects == 0
        assert sim.faults.connections("upbit") == 1


async def _is(env: Env, cid: str, want: OrderStatus) -> bool:
    return await status(env, cid) is want
