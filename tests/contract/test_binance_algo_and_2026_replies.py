"""Replies the brokers once got wrong (issue 13 items 2 and 3): an algo order that ends REJECTED
or stays TRIGGERING read as open forever; a 2026 new-order reply without avgPrice/cumQuote left
the fill without an average. Each reply is a corpus reply changed only where the item says the
venue now answers differently."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.broker import PlaceRequest
from core.clock import ManualClock
from core.market import Side
from core.orders import OrderStatus, OrderType
from core.symbols import Symbol
from tests.contract.corpus import load
from tests.contract.replay import futures_broker

BNB, BTC = Symbol("BNB", "USDT"), Symbol("BTC", "USDT")
MARKETS = [("BNBUSDT", "BNB", "USDT"), ("BTCUSDT", "BTC", "USDT")]
NO_ORDER = {"code": -2013, "msg": "Order does not exist."}


@pytest.mark.parametrize("algo_status", ["REJECTED", "TRIGGERING"])
async def test_conditional_order_rejected_or_stuck_is_not_open(algo_status: str) -> None:
    # the trigger fired a minute before the broker's clock: TRIGGERING that long is stuck
    now_ms = int(ManualClock().now() * 1000)
    reply = load("binance_usdm", "rest_algo_order_new.json") | {
        "algoStatus": algo_status, "triggerTime": now_ms - 60_000, "updateTime": now_ms - 60_000,
    }  # fmt: skip
    async with futures_broker(MARKETS) as (broker, peer):
        peer.answer("GET", "/fapi/v1/algoOrder", reply)
        peer.answer("GET", "/fapi/v1/order", NO_ORDER, status=400)
        vo = await broker.fetch(BNB, "6B2I9XVcJpCjqPAJ4YoFX7", True)
    assert vo.status is not OrderStatus.OPEN


async def test_filled_order_reply_without_average_takes_it_from_the_trades() -> None:
    reply = load("binance_usdm", "rest_order_new.json")
    for gone in ("avgPrice", "cumQuote"):
        del reply[gone]
    reply |= {"status": "FILLED", "type": "MARKET", "origType": "MARKET", "side": "SELL",
              "origQty": "0.002", "executedQty": "0.002", "cumQty": "0.002"}  # fmt: skip
    async with futures_broker(MARKETS) as (broker, peer):
        peer.answer("POST", "/fapi/v1/order", reply)
        peer.answer("GET", "/fapi/v1/userTrades", load("binance_usdm", "rest_user_trades.json"))
        vo = await broker.place(PlaceRequest("testOrder", BTC, Side.SELL, OrderType.MARKET,
                                             D("0.002")))  # fmt: skip
    assert vo.status is OrderStatus.FILLED
    assert vo.avg_price == D("7819.01")
