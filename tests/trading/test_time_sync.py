"""A server clock off the venue's (issue 12, item 7): Binance refuses signed requests stamped
outside its window (-1021). We measure the offset against the venue's server time at start,
periodically and when a request is refused for its timestamp, sign with the corrected time, and
tell the user once. The skew is the simulator's own: its Binance clock runs ahead/behind."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from pathlib import Path

from bot.features.time_sync import run_time_sync
from core.clock import SystemClock
from core.errors import TradingError
from core.market import Side
from core.notifications import Notification
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import en, worded
from tests.trading.test_e2e_sim import live

SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


def buy(inst: Instrument) -> OrderRequest:
    return OrderRequest(inst, Side.BUY, OrderType.MARKET, qty=D("0.01"))


async def test_orders_go_through_when_the_venue_clock_was_off_at_start(
    sim: SimExchange, tmp_path: Path
) -> None:
    sim.faults.clock_skew("binance", 30_000)  # the venue is 30 s ahead: our stamps look stale
    sim.faults.clock_skew("binance_futures", -5_000)  # 5 s behind: our stamps from the future
    async with live(sim, tmp_path) as env:
        for inst in (SPOT, FUT):
            res = worded(await env.svc.submit(buy(inst)))
            assert res.accepted, (inst, res.reason)


async def test_a_refused_timestamp_resyncs_and_the_order_goes_through_once(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path) as env:
        sim.faults.clock_skew("binance", 30_000)  # drift after start: the first send is refused
        res = worded(await env.svc.submit(buy(SPOT)))
        assert res.accepted, res.reason  # resynced on the refusal, the retry was accepted
        assert res.order is not None
        mine = [o for o in sim.binance_engine.orders.values() if o.client_id == res.order.client_id]
        assert len(mine) == 1


async def test_the_refusal_reason_names_the_clock_offset(sim: SimExchange, tmp_path: Path) -> None:
    async with live(sim, tmp_path) as env:
        broker = env.svc.brokers[Venue.BINANCE_SPOT]
        sim.faults.clock_skew("binance", 30_000)
        try:
            await broker.balances()
        except TradingError as exc:
            reason = en(exc.reason)
        else:
            raise AssertionError("a stale timestamp was accepted")
        assert "refused the request's timestamp" in reason and "+-30." not in reason
        assert "-30." in reason
        assert await broker.balances()  # the clock was corrected on the refusal


async def test_an_offset_past_a_second_is_told_once(sim: SimExchange, tmp_path: Path) -> None:
    notes: list[Notification] = []
    async with live(sim, tmp_path) as env:
        sim.faults.clock_skew("binance_futures", 4_000)
        task = asyncio.create_task(
            run_time_sync(env.svc.brokers, SystemClock(), notes.append, every=0.05)
        )
        try:
            await eventually(lambda: len(notes) >= 1, timeout=10)
            await asyncio.sleep(0.3)  # several more rounds: still one notice
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert len(notes) == 1
    text = en(notes[0].text)
    assert "Binance USDT-M" in text or "futures" in text.lower(), text
    assert "-4." in text and "NTP" in text
