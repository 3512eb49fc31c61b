"""The /kimp renderers (pure) and the commands' answers."""

from __future__ import annotations

from alerts.monitor import CoinPremium, LegAges
from alerts.premium import Books, Fees, executable_premium
from bot.commands.kimp import render_detail
from strategies.fills import FEE_RATES

FEES = Fees.from_rates(FEE_RATES)


def _snap(**kw: object) -> CoinPremium:
    base: dict[str, object] = {
        "coin": "BTC",
        "upbit_krw": 144_000_000.0,
        "binance_usdt": 100_000.0,
        "usdt_krw": 1_400.0,
        "usd_krw": 1_385.0,
        "usdt_kimp": 2.86,
        "fx_kimp": 3.97,
        "tether": 1.08,
        "ages": LegAges(1.0, 2.0, 1.0, 30.0),
        "suspended": None,
        "implausible": False,
    }
    return CoinPremium(**{**base, **kw})  # type: ignore[arg-type]


def test_detail_says_when_the_size_exceeds_the_top_of_book() -> None:
    thin = Books(
        [(143_900_000.0, 0.001)], [(144_000_000.0, 0.001)],
        [(99_999.0, 0.001)], [(100_000.0, 0.001)],
        [(1_399.0, 1e6)], [(1_400.0, 1e6)],
    )  # fmt: skip
    exe = executable_premium(thin, 1_000_000.0, FEES)
    text = render_detail(_snap(), exe, None, 1_000_000.0)
    assert "buy abroad/sell Upbit n/a: size exceeds top of book (Binance asks)" in text
    assert "buy Upbit/sell abroad n/a: size exceeds top of book (Upbit asks)" in text
    assert "the books fit about ₩140,000 / ₩139,899" in text
    fits = executable_premium(thin, 100_000.0, FEES)
    text = render_detail(_snap(), fits, None, 100_000.0)
    assert "size exceeds" not in text and "buy abroad/sell Upbit +" in text
