"""Unmodified ccxt (async) against the simulated Upbit: the full order round trip."""

from __future__ import annotations

from decimal import Decimal

import ccxt.async_support as ccxt_async
import pytest

from peers.exchange_sim.server import SimExchange
from peers.exchange_sim.ticks import krw_tick
from tests.helpers import eventually
from tests.peers.exchange_sim.upbit_helpers import upbit_rest


async def test_markets_balance_ticker_ohlcv(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        markets = await ex.load_markets()
        assert "BTC/KRW" in markets and "USDT/KRW" in markets
        balance = await ex.fetch_balance()
        assert balance["KRW"]["free"] == 10_000_000
        ticker = await ex.fetch_ticker("BTC/KRW")
        assert ticker["last"] == pytest.approx(sim.market.upbit_mid("BTC"), rel=0.01)
        ohlcv = await ex.fetch_ohlcv("BTC/KRW", "1m", limit=5)
        assert len(ohlcv) == 5
        assert [c[0] for c in ohlcv] == sorted(c[0] for c in ohlcv)
        assert all(c[0] % 60_000 == 0 for c in ohlcv)
        hourly = await ex.fetch_ohlcv("ETH/KRW", "1h", limit=50)
        assert len(hourly) == 50
        book = await ex.fetch_order_book("BTC/KRW")
        assert book["bids"][0][0] < book["asks"][0][0]
    finally:
        await ex.close()


async def test_limit_order_lifecycle(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        bid = sim.market.book("upbit", "KRW-BTC").bids[0][0]
        price = float(bid * 0.9 // float(krw_tick(bid * 0.9)) * float(krw_tick(bid * 0.9)))
        order = await ex.create_order("BTC/KRW", "limit", "buy", 0.001, price)
        assert order["status"] == "open"
        fetched = await ex.fetch_order(order["id"])
        assert fetched["price"] == price and fetched["amount"] == 0.001
        opens = await ex.fetch_open_orders("BTC/KRW")
        assert [o["id"] for o in opens] == [order["id"]]
        balance = await ex.fetch_balance()
        locked = Decimal(str(price)) * Decimal("0.001") * Decimal("1.0005")
        assert Decimal(str(balance["KRW"]["used"])) == locked
        await ex.cancel_order(order["id"])
        assert (await ex.fetch_order(order["id"]))["status"] == "canceled"
        assert await ex.fetch_open_orders("BTC/KRW") == []
        balance = await ex.fetch_balance()
        assert balance["KRW"]["free"] == 10_000_000 and balance["KRW"]["used"] == 0
    finally:
        await ex.close()


async def test_market_buy_then_sell_moves_balances(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        buy = await ex.create_order("ETH/KRW", "market", "buy", None, params={"cost": 1_000_000})
        done = await ex.fetch_order(buy["id"])
        assert done["status"] == "closed" and done["filled"] > 0
        fee = Decimal(str(done["fee"]["cost"]))
        spent = Decimal(str(done["cost"]))
        assert fee == (spent * Decimal("0.0005")).quantize(fee) or abs(
            fee - spent * Decimal("0.0005")
        ) < Decimal("0.01")
        balance = await ex.fetch_balance()
        eth = Decimal(str(balance["ETH"]["free"]))
        assert eth == Decimal(str(done["filled"]))
        krw = Decimal(str(balance["KRW"]["free"]))
        assert abs(krw - (Decimal(10_000_000) - spent - fee)) < Decimal("0.01")
        sell = await ex.create_order("ETH/KRW", "market", "sell", float(eth))
        sold = await ex.fetch_order(sell["id"])
        assert sold["status"] == "closed" and sold["filled"] == float(eth)
        balance = await ex.fetch_balance()
        assert "ETH" not in balance["total"] or balance["ETH"]["total"] == 0
        assert balance["KRW"]["free"] < 10_000_000  # spread + fees were paid
        assert balance["KRW"]["free"] > 9_990_000
    finally:
        await ex.close()


async def test_resting_limit_fills_when_market_crosses(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        ask = sim.market.book("upbit", "KRW-XRP").asks[0][0]
        order = await ex.create_order("XRP/KRW", "limit", "buy", 10, ask)  # marketable: fills now
        assert (await ex.fetch_order(order["id"]))["status"] == "closed"
        bid = sim.market.book("upbit", "KRW-XRP").bids[0][0]
        resting = await ex.create_order("XRP/KRW", "limit", "sell", 5, bid + 5 * 1.0)
        assert resting["status"] == "open"
        sim.market.jump("XRP", 2.0)  # the market moves through the order

        async def filled() -> bool:
            return (await ex.fetch_order(resting["id"]))["status"] == "closed"

        await eventually(filled, timeout=5)
        balance = await ex.fetch_balance()
        assert balance["XRP"]["total"] == 5
    finally:
        await ex.close()


async def test_errors_map_to_ccxt_exceptions(sim: SimExchange) -> None:
    bad = upbit_rest(sim, secret="wrong-secret")
    ex = upbit_rest(sim)
    try:
        with pytest.raises(ccxt_async.AuthenticationError, match="jwt_verification"):
            await bad.fetch_balance()
        await ex.load_markets()
        with pytest.raises(ccxt_async.ExchangeError, match="under_min_total_bid"):
            await ex.create_order("BTC/KRW", "limit", "buy", 0.00001, 100_000_000)
        with pytest.raises(ccxt_async.InsufficientFunds, match="insufficient_funds_bid"):
            await ex.create_order("BTC/KRW", "limit", "buy", 1, 100_000_000)
        with pytest.raises(ccxt_async.InsufficientFunds, match="insufficient_funds_ask"):
            await ex.create_order("BTC/KRW", "market", "sell", 1)
        with pytest.raises(ccxt_async.ExchangeError, match="invalid_price_bid"):
            await ex.create_order("BTC/KRW", "limit", "buy", 0.001, 100_000_500)
        params = {"identifier": "my-order-1"}
        await ex.create_order("XRP/KRW", "limit", "buy", 10, 1000, params=params)
        with pytest.raises(ccxt_async.ExchangeError, match="identifier"):
            await ex.create_order("XRP/KRW", "limit", "buy", 10, 1000, params=params)
        with pytest.raises(ccxt_async.OrderNotFound):
            await ex.fetch_order("00000000-0000-4000-8000-000000000000")
    finally:
        await bad.close()
        await ex.close()
