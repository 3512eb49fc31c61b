"""A replay's equity, minute by minute, in KRW: realised PnL of the closed hedges plus the open
one valued at each minute's prices (before its exit costs), for the chart."""

from __future__ import annotations

import numpy as np

from core.fills import FillModel
from core.hedge import HedgeDirection
from strategies.hedge.fills import leg_prices
from strategies.hedge.replay import ReplayResult
from strategies.hedge.series import PremiumSeries


def equity_curve(s: PremiumSeries, r: ReplayResult, model: FillModel) -> np.ndarray:
    eq = np.zeros(len(s))
    for t in r.trades:
        i0 = int(np.searchsorted(s.ts, t.entry_ts))
        i1 = len(s) if t.exit_ts is None else int(np.searchsorted(s.ts, t.exit_ts))
        forward = t.direction is HedgeDirection.FORWARD
        px = leg_prices(model, forward, True, float(s.upbit_krw[i0]), float(s.futures_usdt[i0]))
        d = 1 if forward else -1
        seg = slice(i0, i1)
        spot = d * t.qty * (s.upbit_krw[seg] - px.spot)
        fut = -d * t.qty * (s.futures_usdt[seg] - px.futures) * s.usdt_krw[seg]
        eq[seg] += spot + fut
        if t.exit_ts is not None:
            eq[i1:] += t.pnl_krw
    return eq
