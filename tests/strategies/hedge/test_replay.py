"""The premium replay: the skip-ahead replay takes exactly the decisions the policy takes minute
by minute; PnL matches a hand computation; funding is booked at 00/08/16 UTC."""

from __future__ import annotations

import numpy as np
import pytest

from core.fills import FillModel
from core.hedge import HedgeDirection
from strategies.hedge.replay import replay
from tests.strategies.hedge.helpers import T0, config, premium_path, series_for


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"max_hold_s": 1800.0},
        {"allow_reverse": True, "reverse_entry_pct": 2.8, "reverse_exit_pct": 1.0},
        {"entry_pct": 1.0, "exit_pct": 1.2, "max_hold_s": 600.0},
    ],
)
def test_skipping_ahead_decides_like_every_minute(kw: dict[str, object]) -> None:
    s = series_for(premium_path(2000))
    cfg = config(**kw)
    fast = replay(s, cfg, FillModel(slippage_bps=5))
    slow = replay(s, cfg, FillModel(slippage_bps=5), every_minute=True)
    assert len(fast.closed) >= 2
    assert fast == slow


def test_one_round_trip_pnl_by_hand() -> None:
    # minute 0: premium 1 %, minute 1: 0 % (enter), minute 2: 3 % (exit)
    prem = np.array([1.0, 0.0, 3.0])
    binance = np.array([2.0, 2.0, 2.1])
    usdt = np.array([1400.0, 1400.0, 1410.0])
    upbit = binance * usdt * (1 + prem / 100)
    from strategies.hedge.series import PremiumSeries

    s = PremiumSeries.of("XRP", [T0, T0 + 60, T0 + 120], upbit, binance, usdt)
    model = FillModel(slippage_bps=10)
    r = replay(s, config(), model, funding_rate_8h=0.0)
    (t,) = r.trades
    assert (t.entry_ts, t.exit_ts, t.direction) == (T0 + 60, T0 + 120, HedgeDirection.FORWARD)
    buy = 2800.0 * 1.001  # Upbit ask after 10 bp slippage
    qty = 1_000_000 / buy
    short, cover = 2.0 * 0.999, 2.1 * 1.001
    sell = 2.1 * 1410.0 * 1.03 * 0.999
    fees = qty * (buy + sell) * 0.0005 + qty * (short + cover) * 0.0005 * 1410.0
    want = qty * (sell - buy) + qty * (short - cover) * 1410.0 - fees
    assert t.pnl_krw == pytest.approx(want, rel=1e-12)
    assert t.fees_krw == pytest.approx(fees, rel=1e-12)
    assert t.pnl_krw > 0  # the premium rose 3 points; costs are far smaller


def test_funding_is_received_by_the_short_at_each_funding_time() -> None:
    n = 60 * 17  # 17 hours of minutes from 00:00 UTC: funding at 08:00 and 16:00
    prem = np.full(n, 1.5)
    prem[1], prem[-1] = 0.0, 3.0
    s = series_for(prem)
    r0 = replay(s, config(), FillModel(slippage_bps=0), funding_rate_8h=0.0)
    r1 = replay(s, config(), FillModel(slippage_bps=0), funding_rate_8h=0.0001)
    (a,), (b,) = r0.trades, r1.trades
    i8, i16 = 8 * 60, 16 * 60
    want_usdt = a.qty * 0.0001 * (s.futures_usdt[i8] + s.futures_usdt[i16])
    assert b.funding_krw == pytest.approx(want_usdt * s.usdt_krw[-1], rel=1e-9)
    assert b.pnl_krw - a.pnl_krw == pytest.approx(b.funding_krw, rel=1e-9)


def test_a_hedge_still_open_at_the_end_is_valued_and_marked_open() -> None:
    prem = np.array([1.0, 0.2, 1.0, 1.1])
    r = replay(series_for(prem), config(), FillModel())
    (t,) = r.trades
    assert t.exit_ts is None and r.closed == ()
