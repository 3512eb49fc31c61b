import math

import pytest

from alerts.premium import (
    Books,
    Fees,
    compose,
    executable_premium,
    fx_kimp,
    tether_premium,
    usdt_kimp,
    vwap,
    vwap_for_quote,
)
from bot.i18n import render
from core.fills import FEE_RATES
from core.symbols import Venue

FEES = Fees.from_rates(FEE_RATES)


def test_three_premiums_are_consistent() -> None:
    upbit, binance, usdt_krw, usd_krw = 146_000_000.0, 100_000.0, 1_400.0, 1_385.0
    u = usdt_kimp(upbit, binance, usdt_krw)
    f = fx_kimp(upbit, binance, usd_krw)
    t = tether_premium(usdt_krw, usd_krw)
    assert u is not None and f is not None and t is not None
    assert u == pytest.approx(146_000_000 / 140_000_000 * 100 - 100)
    assert t == pytest.approx((1400 / 1385 - 1) * 100)
    # (1 + fx) = (1 + usdt) * (1 + tether)
    assert (1 + f / 100) == pytest.approx((1 + u / 100) * (1 + t / 100), rel=1e-12)
    assert compose(u, t) == pytest.approx(f)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_inputs_give_none(bad: float) -> None:
    assert usdt_kimp(bad, 1.0, 1.0) is None
    assert fx_kimp(1.0, bad, 1.0) is None
    assert tether_premium(1.0, bad) is None


def test_vwap_walks_levels_and_refuses_thin_books() -> None:
    levels = [(100.0, 1.0), (101.0, 2.0)]
    assert vwap(levels, 1.0) == pytest.approx(100.0)
    assert vwap(levels, 2.0) == pytest.approx(100.5)
    assert vwap(levels, 3.5) is None
    qty, avg = vwap_for_quote(levels, 201.0) or (0, 0)
    assert qty == pytest.approx(2.0) and avg == pytest.approx(100.5)
    assert vwap_for_quote(levels, 10_000.0) is None


def _books(
    up_bid: float, up_ask: float, bn_bid: float, bn_ask: float, t_bid: float, t_ask: float
) -> Books:
    big = 1e9
    return Books(
        [(up_bid, big)], [(up_ask, big)], [(bn_bid, big)], [(bn_ask, big)],
        [(t_bid, big)], [(t_ask, big)],
    )  # fmt: skip


def test_executable_premium_after_fees_both_directions() -> None:
    b = _books(1_030.0, 1_031.0, 0.999, 1.0, 999.0, 1_000.0)
    fees = Fees(upbit=0.0005, binance=0.001)
    exe = executable_premium(b, 1_000_000.0, fees)
    # Forward: KRW -> USDT at 1000 -> coin at 1.0 -> KRW at 1030, three fees.
    fwd = (1_030 / (1_000 * 1.0)) * (1 - 0.0005) ** 2 * (1 - 0.001) - 1
    assert exe.forward_pct == pytest.approx(fwd * 100)
    # Reverse: KRW -> coin at 1031 -> USDT at 0.999 -> KRW at 999.
    rev = (0.999 * 999 / 1_031) * (1 - 0.0005) ** 2 * (1 - 0.001) - 1
    assert exe.reverse_pct == pytest.approx(rev * 100)
    assert exe.forward_pct is not None and exe.forward_pct < 3.0  # fees and spread cost
    zero = executable_premium(b, 1_000_000.0, Fees(0.0, 0.0))
    assert zero.forward_pct == pytest.approx(3.0)


def test_fees_come_from_the_trading_layers_table() -> None:
    fees = Fees.from_rates(FEE_RATES)
    assert (fees.upbit, fees.binance) == (FEE_RATES[Venue.UPBIT], FEE_RATES[Venue.BINANCE_SPOT])


def test_size_beyond_top_of_book_is_none_and_says_so() -> None:
    b = Books(
        [(1030.0, 0.5)],
        [(1031.0, 0.5)],
        [(1.0, 1e9)],
        [(1.0, 1e9)],
        [(1000.0, 1e9)],
        [(1000.0, 1e9)],
    )
    exe = executable_premium(b, 1_000_000.0, FEES)
    assert exe.forward_pct is None and exe.reverse_pct is None
    assert exe.top_only
    assert render("en", exe.forward_why) == "size exceeds top of book (Upbit bids)"
    assert render("en", exe.reverse_why) == "size exceeds top of book (Upbit asks)"
    # a catalog text (issue 14): Korean in Korean mode
    assert render("ko", exe.reverse_why) == "금액이 최우선 호가 잔량을(를) 넘음 (업비트 매도호가)"
    assert exe.forward_fits_krw == pytest.approx(515.0)  # 0.5 coin bid at 1030
    assert exe.reverse_fits_krw == pytest.approx(515.5)
    small = executable_premium(b, 100.0, FEES)
    assert small.forward_pct is not None and small.reverse_pct is not None
    assert small.forward_why is None and small.reverse_why is None


def test_depth_beyond_the_top_level_is_walked() -> None:
    top = [(1030.0, 0.5)]
    deep = [(1030.0, 0.5), (1029.0, 1_000.0)]
    big = [(1.0, 1e9)]
    usdt = [(1000.0, 1e9)]
    thin = executable_premium(Books(top, [(1031.0, 1e9)], big, big, usdt, usdt), 10_000.0, FEES)
    assert thin.forward_pct is None and thin.forward_why is not None
    exe = executable_premium(Books(deep, [(1031.0, 1e9)], big, big, usdt, usdt), 10_000.0, FEES)
    assert not exe.top_only and exe.forward_pct is not None and exe.forward_why is None
    # ~9.7 coins sold: 0.5 at 1030, the rest at 1029.
    qty = 10_000.0 / 1000 * (1 - FEES.upbit) / 1.0 * (1 - FEES.binance)
    avg = (0.5 * 1030 + (qty - 0.5) * 1029) / qty
    assert exe.forward_pct == pytest.approx((qty * avg * (1 - FEES.upbit) / 10_000 - 1) * 100)
    huge = executable_premium(Books(deep, [(1031.0, 1e9)], big, big, usdt, usdt), 1e7, FEES)
    assert render("en", huge.forward_why) == "size exceeds order-book depth (Upbit bids)"
