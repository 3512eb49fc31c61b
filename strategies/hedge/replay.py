"""The premium replay backtest: a recorded series through the same policy (`policy.decide`) and
the same two-leg fill model (`fills`) as the live bot, with both taker fees, slippage and the
short's funding.

Fast because it does not ask the policy about minutes where it cannot act: flat, only minutes
inside an entry band can enter; holding, only minutes on the exit band or past the holding
time can exit (both read from the premium array at once). At each of those minutes the policy
itself decides. `every_minute=True` asks it about every minute instead (the reference the
tests compare against).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from core.fills import FillModel
from core.hedge import HedgeDirection
from core.text import Text
from strategies.hedge.config import HedgeConfig
from strategies.hedge.fills import LegPrices, hedge_qty, leg_prices, round_trip_krw
from strategies.hedge.policy import HedgeAction, OpenHedge, decide
from strategies.hedge.series import PremiumSeries

FUNDING_EVERY_S = 8 * 3600  # Binance USDⓈ-M funds at 00:00, 08:00 and 16:00 UTC


@dataclass(frozen=True, slots=True)
class ReplayTrade:
    coin: str
    direction: HedgeDirection
    entry_ts: float
    exit_ts: float | None  # None: still open at the end (valued at the last minute)
    qty: float
    entry_premium: float | None
    exit_premium: float | None
    pnl_krw: float  # after fees, funding and slippage
    fees_krw: float
    funding_krw: float
    slippage_krw: float
    entry_reason: Text | None = None
    exit_reason: Text | None = None


@dataclass(frozen=True, slots=True)
class ReplayResult:
    trades: tuple[ReplayTrade, ...]
    minutes: int
    size_krw: float

    @property
    def closed(self) -> tuple[ReplayTrade, ...]:
        return tuple(t for t in self.trades if t.exit_ts is not None)

    @property
    def pnl_krw(self) -> float:
        return sum(t.pnl_krw for t in self.trades)

    @property
    def fees_krw(self) -> float:
        return sum(t.fees_krw for t in self.trades)

    @property
    def funding_krw(self) -> float:
        return sum(t.funding_krw for t in self.trades)

    @property
    def slippage_krw(self) -> float:
        return sum(t.slippage_krw for t in self.trades)

    def events(self) -> list[tuple[float, str, HedgeDirection]]:
        """(ts, "enter"/"exit", direction) of every entry and exit: what a live run is
        compared with."""
        out = []
        for t in self.trades:
            out.append((t.entry_ts, "enter", t.direction))
            if t.exit_ts is not None:
                out.append((t.exit_ts, "exit", t.direction))
        return out


def _funding_usdt(
    s: PremiumSeries, i0: int, i1: int, qty: float, forward: bool, rate: float
) -> float:
    """Funding the futures leg got between rows i0 (entered) and i1 (exited): at each funding
    time a short receives the rate of its value (a positive rate), a long pays it. The stored
    rates of the series when it has them (`PremiumSeries.funding_ts`), else `rate` every 8 h."""
    t0, t1 = s.ts[i0], s.ts[i1]
    if s.funding_ts.size:
        inside = (s.funding_ts > t0) & (s.funding_ts <= t1)
        times, rates = s.funding_ts[inside], s.funding_rate[inside]
    elif rate != 0.0:
        first = (np.floor(t0 / FUNDING_EVERY_S) + 1) * FUNDING_EVERY_S
        times = np.arange(first, t1 + 1e-9, FUNDING_EVERY_S)
        rates = np.full(times.size, rate)
    else:
        return 0.0
    if not times.size:
        return 0.0
    rows = np.minimum(np.searchsorted(s.ts, times, side="left"), i1)
    value = float(np.sum(s.futures_usdt[rows] * rates)) * qty
    return value if forward else -value


def _slippage_krw(
    qty: float, entry: LegPrices, exit_: LegPrices, refs: tuple[float, float, float, float],
    usdt_krw: float,
) -> float:  # fmt: skip
    u0, f0, u1, f1 = refs
    spot = abs(entry.spot - u0) + abs(exit_.spot - u1)
    fut = abs(entry.futures - f0) + abs(exit_.futures - f1)
    return qty * (spot + fut * usdt_krw)


def replay(
    series: PremiumSeries,
    cfg: HedgeConfig,
    model: FillModel,
    funding_rate_8h: float = 0.0001,
    premium: np.ndarray | None = None,
    every_minute: bool = False,
) -> ReplayResult:
    """Replay one coin's `series` through the bot `cfg`."""
    s = series
    n = len(s)
    prem = s.premium(cfg.basis) if premium is None else premium
    size = float(cfg.size_krw)
    with np.errstate(invalid="ignore"):
        enter_mask = prem <= cfg.entry_pct
        if cfg.allow_reverse:
            enter_mask |= prem >= cfg.reverse_entry_pct
        enter_idx = np.flatnonzero(enter_mask)
        exit_idx = {
            HedgeDirection.FORWARD: np.flatnonzero(prem >= cfg.exit_pct),
            HedgeDirection.REVERSE: np.flatnonzero(prem <= cfg.reverse_exit_pct),
        }
    trades: list[ReplayTrade] = []
    held: OpenHedge | None = None
    entry: tuple[int, LegPrices, float, Text | None] | None = None  # row, prices, qty, why
    i = 0
    while i < n:
        if every_minute:
            j = i
        elif held is None:
            k = int(np.searchsorted(enter_idx, i))
            if k >= enter_idx.size:
                break
            j = int(enter_idx[k])
        else:
            idx = exit_idx[held.direction]
            k = int(np.searchsorted(idx, i))
            j = int(idx[k]) if k < idx.size else n
            if cfg.max_hold_s > 0:
                due = int(np.searchsorted(s.ts, held.opened_ts + cfg.max_hold_s, side="left"))
                j = min(j, max(due, i))
            if j >= n:
                break
        p = float(prem[j])
        v = decide(cfg, None if np.isnan(p) else p, float(s.ts[j]), held)
        i = j + 1
        if v.action is HedgeAction.HOLD:
            continue
        forward = v.direction is HedgeDirection.FORWARD
        px = leg_prices(
            model, forward, v.action is HedgeAction.ENTER, float(s.upbit_krw[j]),
            float(s.futures_usdt[j]),
        )  # fmt: skip
        if v.action is HedgeAction.ENTER:
            assert v.direction is not None
            qty = hedge_qty(size, px.spot)
            held = OpenHedge(f"replay.{j}", s.coin, v.direction, float(s.ts[j]), Decimal(repr(qty)))
            entry = (j, px, qty, v.reason)
            continue
        assert held is not None and entry is not None
        trades.append(_close(s, prem, model, entry, held, j, px, funding_rate_8h, v.reason))
        held, entry = None, None
    if held is not None and entry is not None and n:
        j = n - 1
        forward = held.direction is HedgeDirection.FORWARD
        px = leg_prices(model, forward, False, float(s.upbit_krw[j]), float(s.futures_usdt[j]))
        last = _close(s, prem, model, entry, held, j, px, funding_rate_8h, None)
        trades.append(
            ReplayTrade(
                last.coin, last.direction, last.entry_ts, None, last.qty, last.entry_premium,
                None, last.pnl_krw, last.fees_krw, last.funding_krw, last.slippage_krw,
                last.entry_reason,
            )
        )  # fmt: skip
    return ReplayResult(tuple(trades), n, size)


def _close(
    s: PremiumSeries,
    prem: np.ndarray,
    model: FillModel,
    entry: tuple[int, LegPrices, float, Text | None],
    held: OpenHedge,
    j: int,
    px: LegPrices,
    funding_rate_8h: float,
    why: Text | None,
) -> ReplayTrade:
    i0, epx, qty, entry_why = entry
    forward = held.direction is HedgeDirection.FORWARD
    usdt = float(s.usdt_krw[j])
    funding = _funding_usdt(s, i0, j, qty, forward, funding_rate_8h)
    pnl, fees = round_trip_krw(forward, qty, epx, px, usdt, funding)
    refs = (
        float(s.upbit_krw[i0]), float(s.futures_usdt[i0]), float(s.upbit_krw[j]),
        float(s.futures_usdt[j]),
    )  # fmt: skip
    p0, p1 = float(prem[i0]), float(prem[j])
    return ReplayTrade(
        s.coin, held.direction, float(s.ts[i0]), float(s.ts[j]), qty,
        None if np.isnan(p0) else p0, None if np.isnan(p1) else p1, pnl, fees,
        funding * usdt, _slippage_krw(qty, epx, px, refs, usdt), entry_why, why,
    )  # fmt: skip
