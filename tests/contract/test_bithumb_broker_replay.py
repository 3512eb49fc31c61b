"""Bithumb's API 2.0 order and account replies through unmodified ccxt into `BithumbBroker`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D

import orjson
import pytest

from core.broker import PlaceRequest
from core.clock import ManualClock
from core.errors import Fatal, NotFound, Rejected
from core.market import Side
from core.orders import Balance, OrderStatus, OrderType
from core.symbols import Symbol, Venue
from exchanges.bithumb.broker import BithumbBroker
from exchanges.ccxt.exchange import make_exchange
from peers.replay.server import ReplayPeer
from tests.contract.corpus import load

KRW_BTC = Symbol("BTC", "KRW")


@asynccontextmanager
async def bithumb_broker() -> AsyncIterator[tuple[BithumbBroker, ReplayPeer]]:
    async with ReplayPeer() as peer:
        ex, gate = make_exchange(Venue.BITHUMB, api_key="k" * 40, secret="s" * 40,
                                 rest_url=peer.url)  # fmt: skip
        broker = BithumbBroker(Venue.BITHUMB, ex, gate, ManualClock(1_800_000_000.0))
        try:
            yield broker, peer
        finally:
            await broker.close()


async def test_new_limit_order_sends_the_validated_numbers_exactly() -> None:
    """ccxt's unified create_order would send 150,100,000 and 0.0001 (4 significant digits,
    4 decimals): the broker sends the validated strings as they are."""
    async with bithumb_broker() as (broker, peer):
        peer.answer("POST", "/v2/orders", load("bithumb", "rest_order_create_v2.json"))
        req = PlaceRequest("kimp-7", KRW_BTC, Side.BUY, OrderType.LIMIT, D("0.00012345"),
                           D("150123000"))  # fmt: skip
        vo = await broker.place(req)
        (sent,) = peer.seen("POST", "/v2/orders")
    assert orjson.loads(sent.body) == {
        "market": "KRW-BTC", "side": "bid", "order_type": "limit", "price": "150123000",
        "volume": "0.00012345", "client_order_id": "kimp-7",
    }  # fmt: skip
    assert (vo.client_id, vo.exchange_id) == ("kimp-7", "C0101000003152350309")
    assert (vo.status, vo.side, vo.type) == (OrderStatus.OPEN, Side.BUY, OrderType.LIMIT)
    assert (vo.qty, vo.filled_qty, vo.price) == (D("0.00012345"), D(0), D("150123000"))


async def test_market_buy_is_by_krw_total_and_market_sell_by_volume() -> None:
    async with bithumb_broker() as (broker, peer):
        peer.answer("POST", "/v2/orders", load("bithumb", "rest_order_create_v2.json"))
        buy = PlaceRequest("kimp-8", KRW_BTC, Side.BUY, OrderType.MARKET, None,
                           quote_amount=D("1234567"))  # fmt: skip
        sell = PlaceRequest("kimp-9", KRW_BTC, Side.SELL, OrderType.MARKET, D("0.5"))
        await broker.place(buy)
        await broker.place(sell)
        sent = [orjson.loads(s.body) for s in peer.seen("POST", "/v2/orders")]
    assert sent[0] == {"market": "KRW-BTC", "side": "bid", "order_type": "price",
                       "price": "1234567", "client_order_id": "kimp-8"}  # fmt: skip
    assert sent[1] == {"market": "KRW-BTC", "side": "ask", "order_type": "market",
                       "volume": "0.5", "client_order_id": "kimp-9"}  # fmt: skip


async def test_lookup_is_by_our_client_id() -> None:
    async with bithumb_broker() as (broker, peer):
        peer.answer("GET", "/v1/order", load("bithumb", "rest_order_info_v2.json"))
        vo = await broker.fetch(KRW_BTC, "kimp-10", False)
        (sent,) = peer.seen("GET", "/v1/order")
    assert dict(sent.query) == {"client_order_id": "kimp-10"}
    assert (vo.client_id, vo.exchange_id) == ("kimp-10", "C0101000003152406454")
    assert (vo.status, vo.qty, vo.filled_qty, vo.price) == (
        OrderStatus.OPEN, D("0.001"), D(0), D("9500000"),
    )  # fmt: skip
    assert vo.fills == ()


async def test_cancel_then_lookup() -> None:
    async with bithumb_broker() as (broker, peer):
        peer.answer("DELETE", "/v2/order", load("bithumb", "rest_order_cancel_v2.json"))
        peer.answer("GET", "/v1/order", load("bithumb", "rest_order_cancel_ccxt.json"))
        vo = await broker.cancel(KRW_BTC, "kimp-11", False)
        (sent,) = peer.seen("DELETE", "/v2/order")
    assert dict(sent.query) == {"client_order_id": "kimp-11"}
    assert (vo.status, vo.exchange_id) == (
        OrderStatus.CANCELLED,
        "cdd92199-2897-4e14-9448-f923320408ad",
    )


async def test_open_orders_and_balances() -> None:
    async with bithumb_broker() as (broker, peer):
        peer.answer("GET", "/v1/orders", load("bithumb", "rest_orders_open_ccxt.json"))
        peer.answer("GET", "/v1/accounts", load("bithumb", "rest_accounts.json"))
        (order,) = await broker.open_orders()
        balances = await broker.balances()
        (sent,) = peer.seen("GET", "/v1/orders")
    assert sent.query.get("state") == "wait"
    assert (order.symbol, order.status, order.qty, order.price) == (
        KRW_BTC, OrderStatus.OPEN, D("0.01"), D("67000000"),
    )  # fmt: skip
    assert balances == [Balance("KRW", D("51026"))]


@pytest.mark.parametrize(
    ("name", "status", "kind"),
    [
        ("rest_error_order_not_found.json", 404, NotFound),
        ("rest_error_jwt_verification.json", 401, Fatal),
        ("rest_error_missing_parameter.json", 400, Rejected),
    ],
)
async def test_v2_errors_are_told_by_what_the_caller_must_do(
    name: str, status: int, kind: type[Exception]
) -> None:
    """ccxt's own table only knows the legacy API: without ours every v2 error is a plain
    refusal, and a missing order (the crash recovery's 'never placed') would not read as such."""
    async with bithumb_broker() as (broker, peer):
        peer.answer("GET", "/v1/order", load("bithumb", name), status=status)
        with pytest.raises(kind):
            await broker.fetch(KRW_BTC, "kimp-12", False)


async def test_a_buy_by_total_that_ends_cancelled_with_dust_is_filled() -> None:
    """Bithumb releases the KRW a market buy could not spend by cancelling the rest; a sell cut
    short stays cancelled with what it filled."""
    base = load("bithumb", "rest_order_info_v2.json")
    trade = {"market": "KRW-BTC", "uuid": "t-1", "price": "9500000", "volume": "0.001",
             "funds": "9500", "side": "bid", "created_at": "2026-07-04T15:05:47+09:00"}  # fmt: skip
    buy = base | {"ord_type": "price", "price": "10000", "volume": None, "state": "cancel",
                  "executed_volume": "0.001", "executed_funds": "9500", "paid_fee": "23.75",
                  "trades_count": 1, "trades": [trade]}  # fmt: skip
    sell = buy | {"side": "ask", "ord_type": "market", "price": None, "volume": "0.002",
                  "trades": [trade | {"side": "ask"}]}  # fmt: skip
    async with bithumb_broker() as (broker, peer):
        peer.answer("GET", "/v1/order", buy)
        bought = await broker.fetch(KRW_BTC, "kimp-13", False)
    async with bithumb_broker() as (broker, peer):
        peer.answer("GET", "/v1/order", sell)
        sold = await broker.fetch(KRW_BTC, "kimp-14", False)
    assert (bought.status, bought.filled_qty, bought.avg_price) == (
        OrderStatus.FILLED, D("0.001"), D("9500000"),
    )  # fmt: skip
    (fill,) = bought.fills
    assert (fill.fill_id, fill.fee, fill.fee_asset, fill.ts) == ("t-1", D("23.75"), "KRW",
                                                                 1783145147.0)  # fmt: skip
    assert (sold.status, sold.qty, sold.filled_qty) == (OrderStatus.CANCELLED, D("0.002"),
                                                        D("0.001"))  # fmt: skip
