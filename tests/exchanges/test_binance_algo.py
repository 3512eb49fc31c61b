"""Every USDⓈ-M algo (conditional) order status maps to a state of our order (issue 13,
problem 2), and the venue's real replies read as they should (tests/data/real/binance_usdm).

The broker talks to the simulator through the unmodified ccxt; a status is set on the
simulator's algo order as the venue would report it, or a real reply is served in its place.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from core.broker import EndedBy, PlaceRequest
from core.market import Side
from core.orders import OrderStatus, OrderType
from core.symbols import Symbol, Venue
from exchanges.binance.algo import AlgoState, algo_state
from exchanges.brokers import BinanceFuturesBroker
from peers.exchange_sim.binance_futures_models import AlgoOrder, AlgoStatus
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.crash_child import live_brokers

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "binance_usdm"
BTC = Symbol("BTC", "USDT")
VENUE = "binance_futures"


def real(name: str) -> Any:
    return json.loads((REAL / name).read_text())


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=0.02) as exchange:
        yield exchange


@pytest.fixture
async def broker(sim: SimExchange) -> AsyncIterator[BinanceFuturesBroker]:
    b = live_brokers(sim.env(), {Venue.BINANCE_FUTURES})[Venue.BINANCE_FUTURES]
    assert isinstance(b, BinanceFuturesBroker)
    b.stuck_after = 0.5
    await b.start()
    yield b
    await b.close()


async def placed_stop(sim: SimExchange, broker: BinanceFuturesBroker, cid: str) -> AlgoOrder:
    """A reduce-only stop far below the market, as the protection check places it."""
    last = await broker.last_price(BTC)
    await broker.place(PlaceRequest(cid, BTC, Side.BUY, OrderType.MARKET, D("0.01")))
    req = PlaceRequest(
        cid + "s", BTC, Side.SELL, OrderType.STOP_MARKET, D("0.01"),
        trigger_price=(last * D("0.5")).quantize(D("0.1")), reduce_only=True,
    )  # fmt: skip
    await broker.place(req)
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    return next(a for a in acct.algos.values() if a.client_algo_id == cid + "s")


@pytest.mark.parametrize(
    ("status", "ours", "reason"),
    [
        (AlgoStatus.NEW, OrderStatus.OPEN, ""),
        (AlgoStatus.CANCELED, OrderStatus.CANCELLED, "canceled"),
        (AlgoStatus.EXPIRED, OrderStatus.CANCELLED, EndedBy.EXPIRED),
        (AlgoStatus.REJECTED, OrderStatus.REJECTED, EndedBy.REJECTED),
        (AlgoStatus.FINISHED, OrderStatus.REJECTED, EndedBy.NO_ORDER),  # no order behind it
    ],
)
async def test_each_final_or_waiting_status(
    sim: SimExchange,
    broker: BinanceFuturesBroker,
    status: AlgoStatus,
    ours: OrderStatus,
    reason: str,
) -> None:
    algo = await placed_stop(sim, broker, "t-" + status.value.lower())
    algo.status = status
    vo = await broker.fetch(BTC, algo.client_algo_id, True)
    assert (vo.status, vo.reason, vo.type) == (ours, reason, OrderType.STOP_MARKET)
    assert vo.trigger_price == algo.trigger_price


@pytest.mark.parametrize("status", [AlgoStatus.TRIGGERING, AlgoStatus.TRIGGERED])
async def test_triggered_without_an_order_is_stuck_after_the_timeout(
    sim: SimExchange, broker: BinanceFuturesBroker, status: AlgoStatus
) -> None:
    """Before the fix both stayed OPEN for ever (the position unprotected, nobody told)."""
    algo = await placed_stop(sim, broker, "t-" + status.value.lower())
    algo.status = status
    first = await broker.fetch(BTC, algo.client_algo_id, True)
    assert first.status is OrderStatus.OPEN  # in transit for a moment: nothing to do yet

    async def stuck() -> bool:
        vo = await broker.fetch(BTC, algo.client_algo_id, True)
        return vo.status is OrderStatus.REJECTED and vo.reason == EndedBy.STUCK

    await eventually(stuck, timeout=10)


async def test_the_venues_trigger_time_counts_after_a_restart(
    sim: SimExchange, broker: BinanceFuturesBroker
) -> None:
    """Seen for the first time, but triggered a minute ago on the venue's clock: stuck now."""
    algo = await placed_stop(sim, broker, "t-old")
    algo.status = AlgoStatus.TRIGGERING
    algo.trigger_ms = sim.binance_futures.server_ms() - 60_000
    vo = await broker.fetch(BTC, algo.client_algo_id, True)
    assert (vo.status, vo.reason) == (OrderStatus.REJECTED, EndedBy.STUCK)


async def test_finished_with_its_order_reads_the_order(
    sim: SimExchange, broker: BinanceFuturesBroker
) -> None:
    algo = await placed_stop(sim, broker, "t-fin")
    sim.market.jump("BTC", -60)  # through the stop: it executes
    await eventually(lambda: algo.status is AlgoStatus.FINISHED, timeout=10)
    vo = await broker.fetch(BTC, algo.client_algo_id, True)
    assert vo.status is OrderStatus.FILLED and vo.filled_qty == D("0.01")
    assert vo.type is OrderType.STOP_MARKET and vo.avg_price is not None


def test_every_documented_status_has_a_state() -> None:
    assert {s: algo_state(s.value) for s in AlgoStatus} == {
        AlgoStatus.NEW: AlgoState.WAITING,
        AlgoStatus.TRIGGERING: AlgoState.FORWARDING,
        AlgoStatus.TRIGGERED: AlgoState.CHILD,
        AlgoStatus.FINISHED: AlgoState.CHILD,
        AlgoStatus.CANCELED: AlgoState.CANCELLED,
        AlgoStatus.EXPIRED: AlgoState.CANCELLED,
        AlgoStatus.REJECTED: AlgoState.REJECTED,
    }
    assert algo_state("SOMETHING_NEW") is AlgoState.FORWARDING  # stuck if it never moves on


# --- the venue's real replies ------------------------------------------------------------------
async def test_real_algo_query_reply(sim: SimExchange, broker: BinanceFuturesBroker) -> None:
    body = real("algo_query_canceled.json")
    sim.faults.rest_error(VENUE, 200, body=body)
    vo = await broker.fetch(BTC, body["clientAlgoId"], True)
    assert (vo.status, vo.reason) == (OrderStatus.CANCELLED, "canceled")
    assert vo.client_id == "6B2I9XVcJpCjqPAJ4YoFX7" and vo.exchange_id == "2146760"
    assert vo.qty == D("0.01") and vo.trigger_price == D("750")
    assert vo.type is OrderType.TAKE_PROFIT_MARKET and vo.filled_qty == 0


async def test_real_algo_placement_reply(sim: SimExchange, broker: BinanceFuturesBroker) -> None:
    body = real("algo_new_reply.json")
    sim.faults.rest_error(VENUE, 200, body=body)
    req = PlaceRequest(
        "6B2I9XVcJpCjqPAJ4YoFX7", BTC, Side.SELL, OrderType.TAKE_PROFIT_MARKET, D("0.01"),
        trigger_price=D("750"), reduce_only=True,
    )  # fmt: skip
    vo = await broker.place(req)
    assert vo.status is OrderStatus.OPEN and vo.exchange_id == "2146760"
    assert vo.client_id == req.client_id and vo.type is OrderType.TAKE_PROFIT_MARKET
    assert vo.trigger_price == D("750") and vo.qty == D("0.01")


async def test_real_open_algo_orders_reply_states() -> None:
    [row] = real("algo_open_orders.json")
    assert algo_state(row["algoStatus"]) is AlgoState.WAITING


@pytest.mark.parametrize("name", ["new_order_reply_2026.json", "new_order_reply_2025.json"])
async def test_real_new_order_replies(
    sim: SimExchange, broker: BinanceFuturesBroker, name: str
) -> None:
    """Both shapes (with and without avgPrice/cumQuote) read the same: an accepted, unfilled
    order under its client id, nothing invented for the average."""
    body = real(name)
    sim.faults.rest_error(VENUE, 200, body=body)
    req = PlaceRequest("testOrder", BTC, Side.SELL, OrderType.LIMIT, D("10"), price=D("100000"))
    vo = await broker.place(req)
    assert (vo.status, vo.filled_qty, vo.avg_price) == (OrderStatus.OPEN, 0, None)
    assert vo.client_id == "testOrder" and vo.exchange_id == "22542179" and vo.qty == D("10")


async def test_filled_reply_without_average_takes_it_from_the_trades(
    sim: SimExchange, broker: BinanceFuturesBroker
) -> None:
    """Problem 3 at the broker: the 2026 reply (the simulator's default) has no avgPrice."""
    vo = await broker.place(PlaceRequest("t-avg", BTC, Side.BUY, OrderType.MARKET, D("0.01")))
    acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
    order = next(o for o in acct.orders.values() if o.client_id == "t-avg")
    assert vo.status is OrderStatus.FILLED and vo.avg_price == order.avg_price
    assert sum(f.qty for f in vo.fills) == D("0.01")
    sim.faults.legacy_order_reply(VENUE)  # the pre-2026 reply: its average is used as is
    vo = await broker.place(PlaceRequest("t-avg2", BTC, Side.BUY, OrderType.MARKET, D("0.01")))
    assert vo.avg_price is not None and vo.fills == ()
