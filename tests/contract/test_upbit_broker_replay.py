"""Upbit's documented order and account replies through unmodified ccxt into `UpbitBroker`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D

from core.broker import PlaceRequest
from core.clock import ManualClock
from core.market import Side
from core.orders import Balance, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from exchanges.ccxt.exchange import make_exchange
from exchanges.upbit.broker import UpbitBroker
from peers.replay.server import ReplayPeer
from tests.contract.corpus import load

KRW_BTC = Symbol("BTC", "KRW")


@asynccontextmanager
async def upbit_broker() -> AsyncIterator[tuple[UpbitBroker, ReplayPeer]]:
    async with ReplayPeer() as peer:
        peer.answer("GET", "/v1/market/all", load("upbit", "rest_market_all.json"))
        ex, gate = make_exchange(Venue.UPBIT, api_key="k" * 40, secret="s" * 40,
                                 rest_url=peer.url)  # fmt: skip
        broker = UpbitBroker(Venue.UPBIT, ex, gate, ManualClock())
        await broker.start()  # as the service does: ccxt maps an order's trades by market
        try:
            yield broker, peer
        finally:
            await broker.close()


async def test_new_limit_order() -> None:
    async with upbit_broker() as (broker, peer):
        peer.answer("POST", "/v1/orders", load("upbit", "rest_order_new.json"))
        req = PlaceRequest("kimp-7", KRW_BTC, Side.BUY, OrderType.LIMIT, D("0.01"), D("100"))
        vo = await broker.place(req)
        assert not peer.unanswered
    assert (vo.client_id, vo.exchange_id) == ("kimp-7", "cdd92199-2897-4e14-9448-f923320408ad")
    assert (vo.status, vo.side, vo.type) == (OrderStatus.OPEN, Side.BUY, OrderType.LIMIT)
    assert (vo.qty, vo.filled_qty, vo.price) == (D("0.01"), D("0"), D("100"))


async def test_done_order_lookup_carries_its_trade_and_fee() -> None:
    async with upbit_broker() as (broker, peer):
        peer.answer("GET", "/v1/order", load("upbit", "rest_order_info_done.json"))
        vo = await broker.fetch(KRW_BTC, "kimp-8", False)
        (sent,) = peer.seen("GET", "/v1/order")
    assert sent.query.get("identifier") == "kimp-8"
    assert (vo.status, vo.side, vo.filled_qty) == (OrderStatus.FILLED, Side.SELL, D("1"))
    (fill,) = vo.fills
    assert (fill.fill_id, fill.qty, fill.price) == ("9e8f8eba-7050-4837-8969-cfc272cbe083",
                                                    D("1"), D("4280000"))  # fmt: skip
    assert (fill.fee, fill.fee_asset) == (D("2140"), "KRW")
    assert fill.instrument == Instrument(Venue.UPBIT, KRW_BTC)


async def test_balances() -> None:
    async with upbit_broker() as (broker, peer):
        peer.answer("GET", "/v1/accounts", load("upbit", "rest_accounts.json"))
        balances = await broker.balances()
    assert balances == [
        Balance("BTC", D("0.00048")),
        Balance("KRW", D("0.34202414"), D("4999.99999922")),
        Balance("ETH", D("0.00935861")),
    ]
