"""Spot matching engine: locking, fills, fees, slippage, resting orders, duplicates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import DEFAULT_COINS, MarketModel
from peers.exchange_sim.matching import SimReject, SpotEngine


def _setup(fee_in_quote: bool = True) -> tuple[SimClock, MarketModel, SpotEngine]:
    clock = SimClock(start=1_700_000_000.0, speed=0.0)
    market = MarketModel(3, DEFAULT_COINS[:2], clock)
    venue = "upbit" if fee_in_quote else "binance"
    engine = SpotEngine(venue, Decimal("0.0005"), clock, market, fee_in_quote=fee_in_quote)
    return clock, market, engine


def test_market_buy_by_quote_amount_pays_fee_in_krw() -> None:
    _, market, engine = _setup()
    acct = engine.open_account("k", {"KRW": 1_000_000})
    order = engine.place(acct, "KRW-BTC", "buy", "market", quote_amount=Decimal(100_000))
    assert order.state == "filled"
    assert order.executed_quote <= Decimal(100_000)
    assert order.fee_paid == order.executed_quote * Decimal("0.0005")
    krw = acct.balance("KRW")
    assert krw.locked == 0
    assert krw.free == Decimal(1_000_000) - order.executed_quote - order.fee_paid
    assert acct.balance("BTC").free == order.executed_qty
    assert order.avg_price >= Decimal(str(market.book("upbit", "KRW-BTC").asks[0][0]))


def test_big_market_sell_walks_the_book() -> None:
    _, market, engine = _setup()
    acct = engine.open_account("k", {"BTC": 5})
    book = market.book("upbit", "KRW-BTC")
    order = engine.place(acct, "KRW-BTC", "sell", "market", qty=Decimal(2))
    assert order.executed_qty > 0
    assert len(order.fills) > 1  # slippage: several levels
    assert order.avg_price < Decimal(str(book.bids[0][0]))
    assert acct.balance("BTC").locked == 0


def test_limit_rests_then_fills_when_market_trades_through() -> None:
    clock, market, engine = _setup()
    acct = engine.open_account("k", {"KRW": 10_000_000})
    bid = Decimal(str(market.book("upbit", "KRW-BTC").bids[0][0]))
    order = engine.place(acct, "KRW-BTC", "buy", "limit", price=bid, qty=Decimal("0.01"))
    assert order.state == "new"
    locked = bid * Decimal("0.01") * Decimal("1.0005")
    assert acct.balance("KRW").locked == locked
    for _ in range(200):
        if not order.is_open:
            break
        clock.advance(5)
        market.tick()
    assert order.state == "filled"
    assert order.fills[-1].is_maker
    assert acct.balance("KRW").locked == 0
    assert acct.balance("BTC").free == Decimal("0.01")


def test_cancel_unlocks_and_insufficient_funds_rejects() -> None:
    _, _, engine = _setup()
    acct = engine.open_account("k", {"KRW": 100_000})
    with pytest.raises(SimReject) as err:
        engine.place(acct, "KRW-BTC", "buy", "limit", price=Decimal(1_000_000), qty=Decimal(1))
    assert err.value.code == "insufficient_funds"
    order = engine.place(
        acct, "KRW-BTC", "buy", "limit", price=Decimal(50_000_000), qty=Decimal("0.001"),
        client_id="c1",
    )  # fmt: skip
    assert acct.balance("KRW").locked > 0
    engine.cancel(acct, client_id="c1")
    assert order.state == "canceled"
    assert acct.balance("KRW").free == Decimal(100_000) and acct.balance("KRW").locked == 0
    with pytest.raises(SimReject) as dup:
        engine.place(acct, "KRW-BTC", "buy", "limit", price=Decimal(50_000_000),
                     qty=Decimal("0.001"), client_id="c1")  # fmt: skip
    assert dup.value.code == "duplicate_client_id"
    with pytest.raises(SimReject) as missing:
        engine.get(acct, order_id="nope")
    assert missing.value.code == "order_not_found"


def test_binance_style_fee_from_received_asset() -> None:
    _, _, engine = _setup(fee_in_quote=False)
    acct = engine.open_account("k", {"USDT": 10_000})
    order = engine.place(acct, "BTCUSDT", "buy", "market", qty=Decimal("0.01"))
    assert order.state == "filled"
    assert order.fee_asset == "BTC"
    assert acct.balance("BTC").free == Decimal("0.01") - order.fee_paid
    assert acct.balance("USDT").free == Decimal(10_000) - order.executed_quote
    assert acct.balance("USDT").locked == 0
