"""The fast backtest core: `strategies.engine.BotEngine` + `core.fills`, compiled with numba
for one instrument of a `KernelStrategy`.

Same order of checks, same arithmetic: the parity tests compare this kernel with the live runner
(and with the event-driven backtest) trade by trade.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core import fills as _fills
from core.text import Text
from strategies._numba import njit

fill_price = njit(cache=True)(_fills.fill_price)
fee = njit(cache=True)(_fills.fee)
entry_notional = njit(cache=True)(_fills.entry_notional)
trade_pnl = njit(cache=True)(_fills.trade_pnl)

# Refusal codes (0 = taken), worded by the app. Kept in the order BotEngine._gate checks them.
REFUSALS = {
    1: Text.of("decision.no_position"),
    2: Text.of("decision.already_in_any"),
    3: Text.of("decision.shorts_off"),
    5: Text.of("decision.low_confidence_any"),
    6: Text.of("decision.cooldown_any"),
    7: Text.of("decision.no_next_candle"),
}
EXIT_REASONS = {
    0: Text.of("decision.exit_signal"),
    1: Text.of("decision.stop_loss_hit"),
    2: Text.of("decision.take_profit_hit"),
}


@dataclass(frozen=True, slots=True)
class KernelConfig:
    stop_loss_pct: float  # 0 = off
    take_profit_pct: float
    cooldown: int
    min_confidence: float
    allow_short: bool
    fee_rate: float
    slippage_bps: float
    next_open: bool
    stake: float  # 0 when stake_pct is used
    stake_pct: float
    equity: float
    leverage: float


@dataclass(frozen=True, slots=True)
class KernelResult:
    sig_index: np.ndarray  # candle index of each signal
    sig_action: np.ndarray
    sig_code: np.ndarray  # 0 taken, else a REFUSALS key
    sig_conf: np.ndarray
    sig_risk: np.ndarray  # 0 strategy signal, 1 stop-loss, 2 take-profit
    tr_entry: np.ndarray  # candle index of the entry signal
    tr_exit: np.ndarray
    tr_side: np.ndarray
    tr_entry_px: np.ndarray
    tr_exit_px: np.ndarray
    tr_qty: np.ndarray
    tr_fees: np.ndarray
    tr_pnl: np.ndarray
    tr_reason: np.ndarray  # EXIT_REASONS key
    equity: np.ndarray  # mark-to-market after each candle
    open_side: int  # position still open at the end (not in the trades)


# Not cached on disk: numba keys a cached overload on the identity of the `decide` dispatcher
# passed in, so every process (and every user strategy loaded) would add a new entry for good
# (tens of MB after a few hundred runs), and saving an index that still names a dispatcher
# gone from this process fails with "underlying object has vanished". Compiling takes ~1 s,
# once per strategy per process; the strategies' own functions stay cached.
@njit
def _simulate(
    decide: Any,
    f: np.ndarray,
    p: np.ndarray,
    open_: np.ndarray,
    close: np.ndarray,
    sl: float,
    tp: float,
    cooldown: int,
    min_conf: float,
    allow_short: bool,
    fee_rate: float,
    slip: float,
    next_open: bool,
    stake: float,
    stake_pct: float,
    equity0: float,
    leverage: float,
    start: int,
) -> tuple[Any, ...]:  # pragma: no cover - compiled
    n = close.shape[0]
    sig_i = np.empty(n, np.int64)
    sig_a = np.empty(n, np.int64)
    sig_c = np.empty(n, np.int64)
    sig_conf = np.empty(n, np.float64)
    sig_r = np.empty(n, np.int64)
    m = n // 2 + 1
    t_en = np.empty(m, np.int64)
    t_ex = np.empty(m, np.int64)
    t_side = np.empty(m, np.int64)
    t_epx = np.empty(m)
    t_xpx = np.empty(m)
    t_qty = np.empty(m)
    t_fees = np.empty(m)
    t_pnl = np.empty(m)
    t_rs = np.empty(m, np.int64)
    eq = np.empty(n)
    ns = 0
    nt = 0
    side = 0
    qty = 0.0
    entry = 0.0
    entry_ref = 0.0  # the close the entry was decided on: SL/TP are measured from it
    entry_fee = 0.0
    entry_i = 0
    realized = 0.0
    last_exit = -1
    pending = 0  # next_open: 1 enter long, 2 enter short, 3 exit
    pending_i = 0
    pending_r = 0
    pending_notional = 0.0
    pending_qty = 0.0
    pending_ref = 0.0
    for j in range(n):
        if j < start:  # warm-up: the features are computed, nothing is decided
            eq[j] = equity0
            continue
        if pending != 0:
            if pending == 3:
                px = fill_price(open_[j], -side, slip)
                fees = entry_fee + fee(qty * px, fee_rate)
                pnl = trade_pnl(side, entry, px, qty) - fees
                realized += pnl
                t_en[nt] = entry_i
                t_ex[nt] = pending_i
                t_side[nt] = side
                t_epx[nt] = entry
                t_xpx[nt] = px
                t_qty[nt] = qty
                t_fees[nt] = fees
                t_pnl[nt] = pnl
                t_rs[nt] = pending_r
                nt += 1
                side = 0
                last_exit = pending_i
            else:
                d = 1 if pending == 1 else -1
                px = fill_price(open_[j], d, slip)
                qty = pending_notional / px if d > 0 else pending_qty
                entry = px
                entry_ref = pending_ref
                entry_fee = fee(qty * px, fee_rate)
                entry_i = pending_i
                side = d
            pending = 0
        c = close[j]
        a, conf = decide(f, j + 1, side, p)
        risk = 0
        if side != 0:
            change = (c / entry_ref - 1.0) * side * 100.0
            if sl > 0.0 and change <= -sl:
                risk = 1
            elif tp > 0.0 and change >= tp:
                risk = 2
            if risk != 0:
                a = 3
                conf = 1.0
        if a != 0:
            code = 0
            if a == 3:
                if side == 0:
                    code = 1
            elif side != 0:
                code = 2
            elif a == 2 and not allow_short:
                code = 3
            elif conf < min_conf:
                code = 5
            elif last_exit >= 0 and j - last_exit <= cooldown:
                code = 6
            if code == 0 and next_open and j == n - 1:
                code = 7
            sig_i[ns] = j
            sig_a[ns] = a
            sig_c[ns] = code
            sig_conf[ns] = conf
            sig_r[ns] = risk
            ns += 1
            if code == 0:
                if next_open:
                    pending = a
                    pending_i = j
                    pending_r = risk
                    pending_notional = entry_notional(
                        stake, stake_pct, equity0 + realized, leverage
                    )
                    pending_qty = pending_notional / c
                    pending_ref = c
                elif a == 3:
                    px = fill_price(c, -side, slip)
                    fees = entry_fee + fee(qty * px, fee_rate)
                    pnl = trade_pnl(side, entry, px, qty) - fees
                    realized += pnl
                    t_en[nt] = entry_i
                    t_ex[nt] = j
                    t_side[nt] = side
                    t_epx[nt] = entry
                    t_xpx[nt] = px
                    t_qty[nt] = qty
                    t_fees[nt] = fees
                    t_pnl[nt] = pnl
                    t_rs[nt] = risk
                    nt += 1
                    side = 0
                    last_exit = j
                else:
                    d = 1 if a == 1 else -1
                    px = fill_price(c, d, slip)
                    notional = entry_notional(stake, stake_pct, equity0 + realized, leverage)
                    # Buys spend a quote amount; shorts sell a quantity sized on the close.
                    qty = notional / px if d > 0 else notional / c
                    entry = px
                    entry_ref = c
                    entry_fee = fee(qty * px, fee_rate)
                    entry_i = j
                    side = d
        e = equity0 + realized
        if side != 0:
            e += trade_pnl(side, entry, c, qty) - entry_fee
        eq[j] = e
    return (
        sig_i[:ns],
        sig_a[:ns],
        sig_c[:ns],
        sig_conf[:ns],
        sig_r[:ns],
        t_en[:nt],
        t_ex[:nt],
        t_side[:nt],
        t_epx[:nt],
        t_xpx[:nt],
        t_qty[:nt],
        t_fees[:nt],
        t_pnl[:nt],
        t_rs[:nt],
        eq,
        side,
    )


def simulate(
    decide: object,
    features: np.ndarray,
    params: np.ndarray,
    open_: np.ndarray,
    close: np.ndarray,
    cfg: KernelConfig,
    start: int = 0,
) -> KernelResult:
    """Run one instrument. `features` is padded (row j + 1 is candle j). Candles before index
    `start` only warm the indicators up (as a live bot's history does)."""
    out = _simulate(
        decide,
        features,
        params,
        np.ascontiguousarray(open_, np.float64),
        np.ascontiguousarray(close, np.float64),
        cfg.stop_loss_pct,
        cfg.take_profit_pct,
        cfg.cooldown,
        cfg.min_confidence,
        cfg.allow_short,
        cfg.fee_rate,
        cfg.slippage_bps,
        cfg.next_open,
        cfg.stake,
        cfg.stake_pct,
        cfg.equity,
        cfg.leverage,
        start,
    )
    return KernelResult(*out)
