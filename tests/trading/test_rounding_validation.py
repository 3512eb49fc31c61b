from decimal import Decimal as D

import pytest

from bot.i18n import render
from core.errors import Rejected
from core.market import Side
from core.orders import OrderRequest, OrderType
from core.rounding import MarketRules, Rounding, to_step, upbit_krw_tick, upbit_rules
from core.symbols import Instrument, Symbol, Venue
from tests.trading.harness import worded_refusals
from trading.validation import Funds
from trading.validation import validate as validate_order

# Refusal reasons are `Text`; the app words them (here in English) before anyone reads them.
validate = worded_refusals(validate_order)

UPBIT_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
BIN_BTC = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
FUT_BTC = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
BIN_RULES = MarketRules(
    "BTC",
    "USDT",
    D("0.01"),
    D("0.00001"),
    min_qty=D("0.00001"),
    max_qty=D(9000),
    min_notional=D(5),
)
FUT_RULES = MarketRules(
    "BTC",
    "USDT",
    D("0.1"),
    D("0.001"),
    min_qty=D("0.001"),
    min_notional=D(100),
    taker_fee=D("0.0005"),
)


@pytest.mark.parametrize(
    ("price", "tick"),
    [
        ("150000000", "1000"),
        ("2000000", "1000"),
        ("1999999", "1000"),
        ("999999", "500"),
        ("500000", "500"),
        ("499999", "100"),
        ("100000", "100"),
        ("99999", "50"),
        ("50000", "50"),
        ("10000", "10"),
        ("9999", "5"),
        ("5000", "5"),
        ("4999", "1"),
        ("100", "1"),
        ("99.99", "0.01"),
        ("5", "0.001"),
        ("0.5", "0.0001"),
    ],
)
def test_upbit_tick_table(price: str, tick: str) -> None:
    assert upbit_krw_tick(D(price)) == D(tick)


def test_usdt_krw_has_half_won_tick() -> None:
    assert upbit_krw_tick(D("1400"), "USDT") == D("0.5")
    assert upbit_krw_tick(D("1400"), "XRP") == D("1")


def test_to_step_modes() -> None:
    assert to_step(D("100050"), D(100), Rounding.DOWN) == D(100000)
    assert to_step(D("100050"), D(100), Rounding.UP) == D(100100)
    assert to_step(D("0.123456789"), D("0.00001")) == D("0.12345")


def req(inst: Instrument, side: Side, typ: OrderType, **kw: object) -> OrderRequest:
    return OrderRequest(inst, side, typ, **kw)  # type: ignore[arg-type]


def test_upbit_limit_buy_rounds_price_down_and_reports_it() -> None:
    r = req(UPBIT_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.001"), price=D("100000550"))
    v = validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(1_000_000)))
    assert v.price == D(100000000)
    assert (
        render("en", v.notes[0]) == "price rounded 100,000,550 KRW -> 100,000,000 KRW (tick 1,000)"
    )


def test_upbit_sell_limit_rounds_up() -> None:
    r = req(UPBIT_BTC, Side.SELL, OrderType.LIMIT, qty=D("0.001"), price=D("100000550"))
    v = validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(0), D(1)))
    assert v.price == D(100001000)


def test_upbit_minimum_order_refused_with_reason() -> None:
    r = req(UPBIT_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.00004"), price=D("100000000"))
    with pytest.raises(Rejected, match="below Upbit's minimum of 5,000 KRW"):
        validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(1_000_000)))


def test_upbit_market_buy_becomes_krw_total() -> None:
    r = req(UPBIT_BTC, Side.BUY, OrderType.MARKET, qty=D("0.001"))
    v = validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(1_000_000)))
    assert v.quote_amount == D(100000) and v.notional == D(100000)


def test_insufficient_balance_reason() -> None:
    r = req(UPBIT_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.01"), price=D("100000000"))
    with pytest.raises(Rejected, match="Not enough KRW: this needs 1,000,500 KRW, 5,000 KRW"):
        validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(5000)))
    r = req(UPBIT_BTC, Side.SELL, OrderType.MARKET, qty=D("0.01"))
    with pytest.raises(Rejected, match="Not enough BTC to sell"):
        validate(r, upbit_rules("BTC"), D("100000000"), Funds(D(0), D("0.001")))


def test_binance_lot_size_and_notional() -> None:
    r = req(BIN_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.000001"), price=D("60000"))
    with pytest.raises(Rejected, match=r"below the minimum of 0\.00001 BTC"):
        validate(r, BIN_RULES, D("60000"), Funds(D(1000)))
    r = req(BIN_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.00005"), price=D("60000"))
    with pytest.raises(Rejected, match=r"below the venue's minimum of 5\.00 USDT"):
        validate(r, BIN_RULES, D("60000"), Funds(D(1000)))
    r = req(BIN_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.0012345"), price=D("60000.129"))
    v = validate(r, BIN_RULES, D("60000"), Funds(D(1000)))
    assert (v.qty, v.price) == (D("0.00123"), D("60000.12"))


def test_shape_errors_are_explained() -> None:
    with pytest.raises(Rejected, match="needs both a quantity and a price"):
        validate(req(BIN_BTC, Side.BUY, OrderType.LIMIT, qty=D(1)), BIN_RULES, D(1), Funds(D(9)))
    with pytest.raises(Rejected, match="positive number"):
        validate(req(BIN_BTC, Side.BUY, OrderType.MARKET, qty=D(-1)), BIN_RULES, D(1), Funds(D(9)))
    with pytest.raises(Rejected, match="only supported on Binance futures"):
        validate(
            req(BIN_BTC, Side.SELL, OrderType.TAKE_PROFIT_MARKET, qty=D(1), trigger_price=D(1)),
            BIN_RULES,
            D(1),
            Funds(D(9)),
        )
    # A stop-loss sell is a Binance spot order too (STOP_LOSS), never reduce-only there.
    stop = req(BIN_BTC, Side.SELL, OrderType.STOP_MARKET, qty=D(1), trigger_price=D(90))
    v = validate(stop, BIN_RULES, D(100), Funds(D(0), D(1)))
    assert v.trigger_price == D(90) and v.qty == D(1)


def test_futures_margin_and_reduce_only() -> None:
    r = req(FUT_BTC, Side.BUY, OrderType.MARKET, qty=D("0.1"), leverage=10)
    v = validate(r, FUT_RULES, D("60000"), Funds(D(700), leverage=10))
    assert v.notional == D(6000)
    with pytest.raises(Rejected, match="Not enough margin"):
        validate(r, FUT_RULES, D("60000"), Funds(D(500), leverage=10))
    close = req(FUT_BTC, Side.SELL, OrderType.MARKET, qty=D("0.001"), reduce_only=True)
    # reduce-only is exempt from the minimum notional
    validate(close, FUT_RULES, D("60000"), Funds(D(0), position_qty=D("0.1")))
    with pytest.raises(Rejected, match="no BTC position to reduce"):
        validate(close, FUT_RULES, D("60000"), Funds(D(0)))
