"""Unmodified ccxt `binanceusdm` (async) against the simulated USDT-M futures venue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.peers.exchange_sim.binance_helpers import KEY, futures_client, map_binance_errors_by_path

BTC = "BTC/USDT:USDT"


@pytest.fixture
async def usdm(sim: SimExchange) -> AsyncIterator[Any]:
    ex = futures_client(sim)
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


def wallet(sim: SimExchange) -> Decimal:
    return sim.binance_futures.engine.accounts[KEY].wallet


async def test_markets_ticker_ohlcv_balance(sim: SimExchange, usdm: Any) -> None:
    market = usdm.market(BTC)
    assert market["swap"] and market["linear"] and market["id"] == "BTCUSDT"
    assert market["limits"]["cost"]["min"] == 100 and market["precision"]["price"] == 0.1
    balance = await usdm.fetch_balance()
    assert balance["total"]["USDT"] == 10_000 and balance["free"]["USDT"] == 10_000
    ticker = await usdm.fetch_ticker(BTC)
    assert abs(ticker["last"] / sim.market.futures_mark("BTC") - 1) < 0.01
    ohlcv = await usdm.fetch_ohlcv(BTC, "1m", limit=5)
    assert len(ohlcv) == 5
    index = await usdm.fapipublic_get_premiumindex({"symbol": "BTCUSDT"})
    assert float(index["markPrice"]) == pytest.approx(sim.market.futures_mark("BTC"))


async def test_leverage_market_orders_positions_and_fees(sim: SimExchange, usdm: Any) -> None:
    await usdm.set_leverage(10, BTC)
    assert sim.binance_futures.engine.accounts[KEY].positions["BTCUSDT"].leverage == 10
    buy = await usdm.create_order(BTC, "market", "buy", 0.02)
    assert buy["status"] == "closed" and buy["filled"] == 0.02
    # The 2026 new-order reply has no avgPrice/cumQuote (so ccxt gives no average); the order
    # query still has it.
    assert buy["average"] is None and "avgPrice" not in buy["info"]
    entry = (await usdm.fetch_order(buy["id"], BTC))["average"]
    fee = 0.02 * entry * 0.0005  # taker
    assert float(wallet(sim)) == pytest.approx(10_000 - fee, abs=1e-6)
    [pos] = await usdm.fetch_positions([BTC])
    assert pos["side"] == "long" and pos["contracts"] == 0.02
    assert pos["entryPrice"] == pytest.approx(entry)
    risk = await usdm.fapiprivatev2_get_positionrisk({"symbol": "BTCUSDT"})
    assert risk[0]["leverage"] == "10" and risk[0]["marginType"] == "cross"
    mark = float(risk[0]["markPrice"])
    assert float(risk[0]["unRealizedProfit"]) == pytest.approx(0.02 * (mark - entry), abs=1e-6)
    balance = await usdm.fetch_balance()
    assert balance["used"]["USDT"] == pytest.approx(0.02 * mark / 10, rel=1e-6)  # initial margin
    # a second buy averages the entry price
    buy2 = await usdm.create_order(BTC, "market", "buy", 0.01)
    entry2 = (await usdm.fetch_order(buy2["id"], BTC))["average"]
    [pos] = await usdm.fetch_positions([BTC])
    assert pos["entryPrice"] == pytest.approx((0.02 * entry + 0.01 * entry2) / 0.03, rel=1e-9)
    # closing reduce-only realises the PnL
    close = await usdm.create_order(BTC, "market", "sell", 0.03, None, {"reduceOnly": True})
    assert close["status"] == "closed"
    trades = await usdm.fetch_my_trades(BTC)
    realized = sum(float(t["info"]["realizedPnl"]) for t in trades)
    fees = sum(t["fee"]["cost"] for t in trades)
    assert float(wallet(sim)) == pytest.approx(10_000 + realized - fees, abs=1e-6)
    assert await usdm.fetch_positions([BTC]) == []


async def test_stop_and_take_profit_trigger_on_the_mark(sim: SimExchange, usdm: Any) -> None:
    await usdm.create_order(BTC, "market", "buy", 0.01)
    mark = sim.market.futures_mark("BTC")
    sl = await usdm.create_order(
        BTC,
        "market",
        "sell",
        0.01,
        None,
        {"stopLossPrice": round(mark * 0.97, 1), "reduceOnly": True},
    )
    tp = await usdm.create_order(
        BTC, "market", "sell", 0.01, None,
        {"takeProfitPrice": round(mark * 1.02, 1), "reduceOnly": True, "workingType": "MARK_PRICE"},
    )  # fmt: skip
    assert sl["status"] == "open" and tp["status"] == "open"
    assert (
        sl["info"]["orderType"] == "STOP_MARKET" and tp["info"]["orderType"] == "TAKE_PROFIT_MARKET"
    )
    algos = await usdm.fetch_open_orders(BTC, params={"trigger": True})
    assert {o["id"] for o in algos} == {sl["id"], tp["id"]}
    with pytest.raises(ccxt.ExchangeError, match="-4120"):  # conditional types need the algo API
        await usdm.fapiprivate_post_order(
            {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_MARKET", "quantity": "0.01",
             "stopPrice": str(round(mark * 0.9, 1))}
        )  # fmt: skip
    sim.market.jump("BTC", 3)  # the mark crosses the take-profit
    sim.advance(1)
    done = await usdm.fetch_order(tp["id"], BTC, {"trigger": True})
    assert done["info"]["algoStatus"] == "FINISHED" and done["status"] == "closed"
    assert await usdm.fetch_positions([BTC]) == []
    trades = await usdm.fetch_my_trades(BTC)
    assert [t["side"] for t in trades] == ["buy", "sell"]
    assert trades[1]["price"] >= round(mark * 1.02, 1) * 0.999
    # the stop-loss is still open; cancel it through the algo API
    canceled = await usdm.cancel_order(sl["id"], BTC, {"trigger": True})
    assert canceled["info"]["msg"] == "success"
    assert await usdm.fetch_open_orders(BTC, params={"trigger": True}) == []


async def test_close_position_stop_and_immediate_trigger(sim: SimExchange, usdm: Any) -> None:
    await usdm.create_order(BTC, "market", "sell", 0.01)  # short
    mark = sim.market.futures_mark("BTC")
    with pytest.raises(ccxt.ExchangeError, match="-2021"):
        await usdm.create_order(BTC, "market", "buy", 0.01, None,
                                {"stopLossPrice": round(mark * 0.99, 1), "reduceOnly": True})  # fmt: skip
    await usdm.fapiprivate_post_algoorder(
        {"algoType": "CONDITIONAL", "symbol": "BTCUSDT", "side": "BUY", "type": "STOP_MARKET",
         "triggerPrice": str(round(mark * 1.01, 1)), "closePosition": "true",
         "workingType": "MARK_PRICE"}
    )  # fmt: skip
    sim.market.jump("BTC", 2)
    sim.advance(1)
    assert await usdm.fetch_positions([BTC]) == []


async def test_margin_errors_and_liquidation(sim: SimExchange, usdm: Any) -> None:
    with pytest.raises(ccxt.ExchangeError, match="-2019"):  # local URL: plain ExchangeError
        await usdm.create_order(BTC, "market", "buy", 5)  # 500k notional at 20x > 10k wallet
    map_binance_errors_by_path(usdm)
    with pytest.raises(ccxt.InsufficientFunds, match="Margin is insufficient"):
        await usdm.create_order(BTC, "market", "buy", 5)
    with pytest.raises(ccxt.InvalidOrder, match="-4164"):
        await usdm.create_order("ETH/USDT:USDT", "market", "buy", 0.001)  # 3.5 < 20 USDT minimum
    with pytest.raises(ccxt.InvalidOrder, match="-2022"):
        await usdm.create_order(BTC, "market", "sell", 0.01, None, {"reduceOnly": True})
    await usdm.set_margin_mode("isolated", BTC)
    await usdm.set_leverage(50, BTC)
    await usdm.create_order(BTC, "market", "buy", 0.05)
    [pos] = await usdm.fetch_positions([BTC])
    liq = pos["liquidationPrice"]
    assert pos["marginMode"] == "isolated" and 0 < liq < pos["entryPrice"]
    before = wallet(sim)
    sim.market.set_price("BTC", liq / 1.0002 * 0.99)  # futures mark = spot * (1 + basis)
    sim.advance(1)
    await eventually(lambda: not sim.binance_futures.engine.accounts[KEY].positions["BTCUSDT"].amt)
    lost = before - wallet(sim)
    margin = Decimal(str(0.05 * pos["entryPrice"] / 50))
    assert 0 < lost <= margin * Decimal("1.01")  # isolated: the loss is capped at the margin
    assert wallet(sim) > 0
