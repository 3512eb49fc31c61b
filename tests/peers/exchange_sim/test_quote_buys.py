"""Market buys by quote amount fill what the real venues fill.

Regression for: quote-amount buys were rounded to 1e-8 on every venue. Binance fills a
multiple of the symbol's LOT_SIZE stepSize (the rest of `quoteOrderQty` is not spent); Upbit's
`ord_type=price` spends the KRW amount with volumes at 8 decimals, the 0.05 % fee on top.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import DEFAULT_COINS, MarketModel
from peers.exchange_sim.matching import SpotEngine
from peers.exchange_sim.server import SimExchange
from tests.peers.exchange_sim.binance_helpers import spot_client
from tests.peers.exchange_sim.upbit_helpers import upbit_rest


def _binance() -> tuple[MarketModel, SpotEngine]:
    clock = SimClock(start=1_700_000_000.0, speed=0.0)
    market = MarketModel(4, DEFAULT_COINS, clock)
    return market, SpotEngine("binance", Decimal("0.001"), clock, market)


@pytest.mark.parametrize(
    ("symbol", "quote"),
    [("BTCUSDT", "1234.56"), ("XRPUSDT", "77.7"), ("DOGEUSDT", "50"), ("ETHUSDT", "9.99")],
)
def test_binance_quote_buy_fills_whole_lot_steps(symbol: str, quote: str) -> None:
    market, engine = _binance()
    step = Decimal(str(market.market_spec("binance", symbol).qty_step))
    acct = engine.open_account("k", {"USDT": 10_000})
    amount = Decimal(quote)
    order = engine.place(acct, symbol, "buy", "market", quote_amount=amount)
    assert order.state == "filled" and order.executed_qty > 0
    assert order.executed_qty % step == 0
    assert all(f.qty % step == 0 for f in order.fills)
    assert order.executed_quote <= amount
    worst = max(f.price for f in order.fills)
    assert amount - order.executed_quote < step * worst  # not one more step affordable
    usdt = acct.balance("USDT")
    assert usdt.locked == 0 and usdt.free == Decimal(10_000) - order.executed_quote
    base = symbol.removesuffix("USDT")
    assert acct.balance(base).free == order.executed_qty - order.fee_paid


def test_upbit_price_order_spends_krw_with_8_decimal_volumes() -> None:
    clock = SimClock(start=1_700_000_000.0, speed=0.0)
    market = MarketModel(4, DEFAULT_COINS[:3], clock)
    engine = SpotEngine("upbit", Decimal("0.0005"), clock, market, fee_in_quote=True)
    acct = engine.open_account("k", {"KRW": 1_000_000})
    order = engine.place(acct, "KRW-ETH", "buy", "market", quote_amount=Decimal(123_457))
    assert order.state == "filled"
    assert all(f.qty == f.qty.quantize(Decimal("1e-8")) for f in order.fills)
    assert order.executed_qty == order.executed_qty.quantize(Decimal("1e-8"))
    left = Decimal(123_457) - order.executed_quote
    assert Decimal(0) <= left < Decimal("1e-8") * max(f.price for f in order.fills)
    assert order.fee_paid == order.executed_quote * Decimal("0.0005")
    krw = acct.balance("KRW")
    assert krw.locked == 0
    assert krw.free == Decimal(1_000_000) - order.executed_quote - order.fee_paid


async def test_ccxt_binance_quote_order_qty_on_a_coarse_lot(sim: SimExchange) -> None:
    ex = spot_client(sim)
    try:
        markets = await ex.load_markets()
        step = next(
            Decimal(f["stepSize"])
            for f in markets["DOGE/USDT"]["info"]["filters"]
            if f["filterType"] == "LOT_SIZE"
        )
        assert step == 1
        order = await ex.create_order(
            "DOGE/USDT", "market", "buy", None, params={"quoteOrderQty": "50.5"}
        )
        info = order["info"]
        executed = Decimal(info["executedQty"])
        spent = Decimal(info["cummulativeQuoteQty"])
        assert info["status"] == "FILLED" and executed > 0 and executed % step == 0
        assert spent <= Decimal("50.5") and Decimal(info["origQuoteOrderQty"]) == Decimal("50.5")
        balance = await ex.fetch_balance()
        assert Decimal(str(balance["USDT"]["free"])) == Decimal(10_000) - spent
        fee = sum(Decimal(f["commission"]) for f in info["fills"])
        assert Decimal(str(balance["DOGE"]["free"])) == executed - fee
    finally:
        await ex.close()


async def test_ccxt_upbit_price_order(sim: SimExchange) -> None:
    ex = upbit_rest(sim)
    try:
        await ex.load_markets()
        order = await ex.create_order("XRP/KRW", "market", "buy", None, params={"cost": 77_777})
        got = await ex.fetch_order(order["id"])
        info = got["info"]
        assert info["ord_type"] == "price" and info["state"] == "done"
        volume = Decimal(info["executed_volume"])
        assert volume > 0 and volume == volume.quantize(Decimal("1e-8"))
        funds = Decimal(info["executed_funds"])
        assert funds <= 77_777 and Decimal(info["paid_fee"]) == funds * Decimal("0.0005")
        raw = {a["currency"]: a for a in (await ex.fetch_balance())["info"]}  # exact strings
        fee = Decimal(info["paid_fee"])
        assert Decimal(raw["KRW"]["balance"]) == Decimal(10_000_000) - funds - fee
        assert Decimal(raw["KRW"]["locked"]) == 0
        assert Decimal(raw["XRP"]["balance"]) == volume
    finally:
        await ex.close()
