"""Bithumb's private WebSocket v2 against the simulator: the v2 frames and their auth check, a
live order's fill rung in by `myOrder` long before the next poll, a dropped stream reconnecting
while polling books what happened meanwhile, and /status showing the stream's state."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bot.commands import CommandContext, CommandRegistry
from bot.commands.core import register_core
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.account import AccountEvent, OrderTouched
from core.events import EventBus
from core.market import Side, StreamState
from core.orders import OrderRequest, OrderStatus, OrderType
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Instrument, Symbol, Venue
from exchanges.bithumb.private_stream import bithumb_private_runner, bithumb_private_state
from exchanges.bithumb.wallet import bithumb_token
from exchanges.upbit.private_stream import PrivateStreamState
from exchanges.ws_runner import WsRunner
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, feed_quotes, live_brokers, trading_env

XRP = Instrument(Venue.BITHUMB, Symbol("XRP", "KRW"))


@contextlib.asynccontextmanager
async def running(runner: WsRunner) -> AsyncIterator[WsRunner]:
    task = asyncio.create_task(runner.run(), name="bithumb-private-test")
    try:
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@contextlib.asynccontextmanager
async def live(sim: SimExchange, tmp: Path, poll_every: float) -> AsyncIterator[Env]:
    """Live brokers (Bithumb's included) on the simulator; the tracker polls every `poll_every`."""
    brokers = live_brokers(sim, bithumb=True)
    async with trading_env(tmp / "t.db", brokers, paper=False, poll=False) as env:
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


def runner_for(sim: SimExchange, on_event: Any, state: PrivateStreamState, **kw: Any) -> WsRunner:
    url = sim.urls["BITHUMB_PRIVATE_WS_URL"]
    return bithumb_private_runner(url, sim.api_keys["bithumb"], on_event, state, **kw)


async def resting_buy(env: Env, sim: SimExchange) -> str:
    bid = D(str(sim.market.book("bithumb", "KRW-XRP").bids[0][0]))
    res = await env.svc.submit(
        OrderRequest(
            XRP, Side.BUY, OrderType.LIMIT, qty=D(10), price=(bid * D("0.99")).quantize(D(1))
        )
    )
    assert res.accepted and res.order is not None, res.reason
    assert res.order.status is OrderStatus.OPEN
    return res.order.client_id


async def is_filled(env: Env, cid: str) -> bool:
    stored = await env.svc.store.get(cid)
    return stored is not None and stored.order.status is OrderStatus.FILLED


async def filled(env: Env, cid: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await is_filled(env, cid):
        assert time.monotonic() < deadline, f"{cid} not filled within {timeout} s"
        await asyncio.sleep(0.05)


async def test_the_socket_checks_the_jwt_and_sends_v2_frames(sim: SimExchange) -> None:
    url = sim.urls["BITHUMB_PRIVATE_WS_URL"]
    access, secret = sim.api_keys["bithumb"]
    for bad in ({}, {"Authorization": f"Bearer {bithumb_token(access, 'x' * 32)}"}):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, additional_headers=bad):
                pass
        assert refused.value.response.status_code == 401
        assert b"jwt_verification" in refused.value.response.body
    headers = {"Authorization": f"Bearer {bithumb_token(access, secret)}"}
    async with connect(url, additional_headers=headers) as ws:
        await ws.send('[{"ticket":"t"},{"type":"myOrder"},{"type":"myAsset"}]')
        await ws.send("PING")
        assert orjson.loads(await asyncio.wait_for(ws.recv(), 10)) == {"status": "UP"}
        engine = sim.bithumb_engine
        bid = D(str(sim.market.book("bithumb", "KRW-XRP").bids[0][0]))
        engine.place(engine.account(access), "KRW-XRP", "buy", "limit", bid * D("0.9"), D(10),
                     client_id="raw-1")  # fmt: skip
        frames = [orjson.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(2)]
    order = next(f for f in frames if f["type"] == "myOrder")
    assert order["client_order_id"] == "raw-1" and order["side"] == "buy"
    assert order["state"] == "wait" and order["order_id"] and order["code"] == "KRW-XRP"
    assert "uuid" not in order and "ask_bid" not in order and "trade_id" not in order  # v2
    asset = next(f for f in frames if f["type"] == "myAsset")
    assert {a["currency"] for a in asset["assets"]} == {"KRW", "XRP"}


async def test_fill_arrives_through_the_private_stream_before_the_next_poll(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path, poll_every=60.0) as env:
        seen: list[AccountEvent] = []

        def on_event(ev: AccountEvent) -> None:
            seen.append(ev)
            env.tracker.on_account(ev)

        state = bithumb_private_state()
        async with running(runner_for(sim, on_event, state)):
            await eventually(lambda: state.up)
            cid = await resting_buy(env, sim)
            await asyncio.sleep(0.5)  # the poll the placement triggers is over
            rung = env.tracker.rung
            t0 = time.monotonic()
            sim.market.jump("XRP", -3.0)  # the venue fills the order
            await filled(env, cid, timeout=20)
            took = time.monotonic() - t0
        assert took < 20 < 60  # the only scheduled poll was a minute away
        assert env.tracker.rung > rung  # the private stream rang the tracker
        assert any(isinstance(e, OrderTouched) and e.client_id == cid for e in seen)
        fills = [r.fill for r in await env.svc.store.fills()]
        assert sum(f.qty for f in fills if f.client_id == cid) == D(10)


async def test_dropped_stream_reconnects_and_polling_covers_the_gap(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path, poll_every=0.5) as env:
        seen: list[AccountEvent] = []

        def on_event(ev: AccountEvent) -> None:
            seen.append(ev)
            env.tracker.on_account(ev)

        state = bithumb_private_state()
        async with running(runner_for(sim, on_event, state)):
            await eventually(lambda: state.up)
            sim.faults.reject_connections("bithumb", 4.0)  # reconnects refused for a while
            assert sim.faults.drop_connections("bithumb") >= 1
            await eventually(lambda: not state.up)
            assert state.last is not None and state.last.state is StreamState.DOWN
            cid = await resting_buy(env, sim)
            sim.market.jump("XRP", -3.0)
            await filled(env, cid, timeout=20)  # by polling: the stream is down
            assert not any(isinstance(e, OrderTouched) and e.client_id == cid for e in seen)
            await eventually(lambda: state.up, timeout=30)  # back once the venue lets it in
            cid2 = await resting_buy(env, sim)
            sim.market.jump("XRP", -3.0)
            await filled(env, cid2, timeout=20)
            await eventually(
                lambda: any(isinstance(e, OrderTouched) and e.client_id == cid2 for e in seen)
            )  # the stream rings again after the reconnect


@pytest.mark.parametrize(
    ("language", "up", "down"),
    [
        ("en", "Bithumb: up", "Bithumb: down ("),
        ("ko", "빗썸: 연결됨", "빗썸: 끊김 ("),
    ],
)
async def test_status_shows_the_bithumb_private_stream(
    sim: SimExchange, tmp_path: Path, language: str, up: str, down: str
) -> None:
    settings = load_settings(
        env_file=None, db_path=tmp_path / "x.db", log_dir=tmp_path / "logs", language=language
    )
    reg = CommandRegistry()
    register_core(reg)
    async with Database.open(tmp_path / "x.db") as db:
        facade = ServiceFacade(
            settings, db, EventBus(), Supervisor(),
            Notifier(Outbox(db), settings.notify, settings.core.language), "t",
        )  # fmt: skip
        ctx = CommandContext(facade, 1, 1, "console")
        state = bithumb_private_state(facade.private_streams.report)
        async with running(runner_for(sim, lambda _e: None, state)):
            await eventually(lambda: state.up)
            text_up = (await reg.dispatch("/status", ctx)).text
            sim.faults.reject_connections("bithumb", 30.0)
            sim.faults.drop_connections("bithumb")
            await eventually(lambda: not state.up)
            text_down = (await reg.dispatch("/status", ctx)).text
    assert up in [line.strip() for line in text_up.splitlines()]
    assert any(line.strip().startswith(down) for line in text_down.splitlines()), text_down


async def test_malformed_frames_are_counted_and_the_stream_keeps_ringing(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path, poll_every=60.0) as env:
        state = bithumb_private_state()
        runner = runner_for(sim, env.tracker.on_account, state)
        handler = runner.handler
        async with running(runner):
            await eventually(lambda: state.up)
            sim.faults.malformed_frames("bithumb", 1, "truncated")
            cid = await resting_buy(env, sim)  # its `wait` frame is the corrupted one
            await eventually(lambda: handler.bad_frames >= 1)  # type: ignore[attr-defined]
            sim.market.jump("XRP", -3.0)
            await filled(env, cid, timeout=20)  # the fill's frames still ring, well before 60 s
        assert state.up


async def test_half_open_private_socket_is_replaced(sim: SimExchange) -> None:
    """A socket that goes silent (no answers to PING, no pongs, never closed) is taken for dead
    by the watchdog and replaced."""
    state = bithumb_private_state()
    url = sim.urls["BITHUMB_PRIVATE_WS_URL"]
    runner = bithumb_private_runner(
        url, sim.api_keys["bithumb"], lambda _e: None, state, keepalive_s=0.5
    )
    async with running(runner):
        await eventually(lambda: state.up)
        assert sim.faults.stall_connections("bithumb") >= 1
        await eventually(lambda: not state.up, timeout=30)
        await eventually(lambda: state.up, timeout=30)


async def test_quiet_private_socket_survives_the_idle_close(sim: SimExchange) -> None:
    """The venue closing sockets the client is silent on: with no orders at all, our PINGs
    keep the private socket open through several idle periods."""
    sim.bithumb.idle_close(1.5)
    access, secret = sim.api_keys["bithumb"]
    headers = {"Authorization": f"Bearer {bithumb_token(access, secret)}"}
    # the fault bites: a client that sends one PING and nothing more is closed
    async with connect(sim.urls["BITHUMB_PRIVATE_WS_URL"], additional_headers=headers) as ws:
        await ws.send("PING")
        t0 = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.reason == "idle timeout"
        assert time.monotonic() - t0 < 8
    state = bithumb_private_state()
    downs: list[object] = []
    url = sim.urls["BITHUMB_PRIVATE_WS_URL"]
    runner = bithumb_private_runner(
        url, sim.api_keys["bithumb"], lambda _e: None, state, keepalive_s=0.4
    )
    async with running(runner):
        await eventually(lambda: state.up)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 5:  # over three idle periods
            if not state.up:
                downs.append(state.last)
            await asyncio.sleep(0.1)
    assert not downs
