"""The simulator's algo-order fault switches and the 2026 new-order reply, through unmodified
ccxt `binanceusdm` (issue 13: the venue as it really is)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.peers.exchange_sim.binance_helpers import KEY, futures_client

BTC = "BTC/USDT:USDT"
VENUE = "binance_futures"


@pytest.fixture
async def usdm(sim: SimExchange) -> AsyncIterator[Any]:
    ex = futures_client(sim)
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


async def stop_then_through(sim: SimExchange, usdm: Any, cid: str) -> dict[str, Any]:
    """A long with a reduce-only stop 1 % below; the market then falls through it."""
    await usdm.create_order(BTC, "market", "buy", 0.01)
    last = (await usdm.fetch_ticker(BTC))["last"]
    params = {"clientAlgoId": cid, "stopLossPrice": round(last * 0.99, 1), "reduceOnly": True}
    await usdm.create_order(BTC, "market", "sell", 0.01, None, params)
    sim.market.jump("BTC", -3)

    async def moved() -> dict[str, Any] | None:
        o = await usdm.fetch_order("", BTC, {"clientAlgoId": cid, "trigger": True})
        return o["info"] if o["info"]["algoStatus"] != "NEW" else None

    return await eventually(moved, timeout=10)


@pytest.mark.parametrize(
    ("fate", "status"),
    [("rejected", "REJECTED"), ("triggering", "TRIGGERING"), ("finished_no_order", "FINISHED")],
)
async def test_each_fate_never_executes(
    sim: SimExchange, usdm: Any, fate: str, status: str
) -> None:
    sim.faults.algo_fate(VENUE, fate)
    info = await stop_then_through(sim, usdm, "f-" + fate)
    assert info["algoStatus"] == status and not info.get("actualOrderId")
    assert int(info["triggerTime"]) > 0
    pos = sim.binance_futures.engine.accounts[KEY].position("BTCUSDT")
    assert pos.amt == Decimal("0.01")  # still open: the stop protected nothing
    assert sim.faults.state()[VENUE]["algo_fates"] == []
    if fate == "triggering":  # the venue no longer lets it be cancelled
        with pytest.raises(Exception, match="-2011"):
            await usdm.cancel_order("", BTC, {"clientAlgoId": "f-" + fate, "trigger": True})


async def test_without_a_fate_the_stop_executes(sim: SimExchange, usdm: Any) -> None:
    info = await stop_then_through(sim, usdm, "f-none")
    assert info["algoStatus"] == "FINISHED" and info["actualOrderId"]
    assert sim.binance_futures.engine.accounts[KEY].position("BTCUSDT").amt == 0


async def test_order_replies_2026_and_legacy(sim: SimExchange, usdm: Any) -> None:
    new = await usdm.create_order(BTC, "market", "buy", 0.01)
    assert "avgPrice" not in new["info"] and "cumQuote" not in new["info"]
    queried = await usdm.fetch_order(new["id"], BTC)
    assert float(queried["info"]["avgPrice"]) > 0 and float(queried["info"]["cumQuote"]) > 0
    sim.faults.apply({"action": "legacy_order_reply", "venue": VENUE})
    old = await usdm.create_order(BTC, "market", "sell", 0.01)
    assert float(old["info"]["avgPrice"]) > 0 and old["average"] is not None


def test_bad_fault_commands_are_refused(sim: SimExchange) -> None:
    with pytest.raises(ValueError, match="fate must be one of"):
        sim.faults.apply({"action": "algo_fate", "venue": VENUE, "fate": "lost"})
    with pytest.raises(ValueError, match="count"):
        sim.faults.apply({"action": "algo_fate", "venue": VENUE, "fate": "rejected", "count": 0})
    sim.faults.apply({"action": "algo_fate", "venue": VENUE, "fate": "rejected", "count": 2})
    assert sim.faults.state()[VENUE]["algo_fates"] == ["rejected", "rejected"]
    sim.faults.clear(VENUE)
    assert sim.faults.state()[VENUE]["algo_fates"] == []
