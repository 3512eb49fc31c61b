"""Backtest a bot over candles (`Bars`); the command is `python -m bot backtest`
(`strategies.backtest_cli`).

Same strategy code and the same fill and fee model (`core.fills`) as paper trading.
Built-in strategies run on the numba kernel (`strategies.kernel`, millions of candles a second);
other strategies run candle by candle through `strategies.engine.BotEngine`, the live runner's
core. Parity tests hold both to the live path.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.fills import FillMode, FillModel
from core.signals import SignalAction
from core.symbols import Instrument
from core.text import Text
from strategies.bars import Bars
from strategies.base import TO_SIGNAL, Action, KernelStrategy, Strategy
from strategies.botconfig import BotDefinition
from strategies.engine import BotEngine, ClosedTrade, Decision
from strategies.gateway import PaperGateway
from strategies.kernel import EXIT_REASONS, REFUSALS, KernelConfig, KernelResult, simulate
from strategies.report import Metrics, compute_metrics


@dataclass(frozen=True, slots=True)
class SignalRecord:
    ts: int  # open time of the candle that produced it
    instrument: Instrument
    action: SignalAction
    taken: bool
    confidence: float
    reason: str | Text  # worded by the app


@dataclass(slots=True)
class BacktestResult:
    bot: str
    engine: Literal["kernel", "events"]
    candles: int
    start_equity: float
    signal_source: list[SignalRecord] | Callable[[], list[SignalRecord]]
    trades: list[ClosedTrade]
    equity_ts: np.ndarray
    equity: np.ndarray
    open_positions: int

    @property
    def signals(self) -> list[SignalRecord]:
        """Every signal, taken or refused (built on first use: a year of minutes has many)."""
        if callable(self.signal_source):
            self.signal_source = self.signal_source()
        return self.signal_source

    @property
    def metrics(self) -> Metrics:
        return compute_metrics(self.trades, self.equity, self.start_equity)


def run_backtest(
    definition: BotDefinition,
    strategy: Strategy,
    bars: list[Bars],
    fills: FillModel,
    equity: float,
    engine: Literal["auto", "kernel", "events"] = "auto",
    trade_from: int | Mapping[Instrument, int] | None = None,
) -> BacktestResult:
    """Run `strategy` (a fresh instance) as `definition` over `bars`.

    Candles opening before `trade_from` (ms, or per instrument) only warm the strategy up, as
    the history a live bot loads before its first signal does: no signal, no trade.
    """
    bars = [b for b in bars if len(b)]
    kernel_ok = (
        isinstance(strategy, KernelStrategy)
        and definition.position_limit >= len(bars)
        and (definition.stake_pct is None or len(bars) <= 1)
    )
    if engine == "kernel" and not kernel_ok:
        raise ValueError("this bot cannot run on the kernel (not a built-in, or shared limits)")
    if engine == "events" or not kernel_ok:
        return _run_events(definition, strategy, bars, fills, equity, trade_from)
    assert isinstance(strategy, KernelStrategy)
    return _run_kernel(definition, strategy, bars, fills, equity, trade_from)


def _run_kernel(
    d: BotDefinition,
    strategy: KernelStrategy,
    bars: list[Bars],
    fills: FillModel,
    equity: float,
    trade_from: int | Mapping[Instrument, int] | None = None,
) -> BacktestResult:
    p = strategy.params
    cfg = KernelConfig(
        stop_loss_pct=d.stop_loss_pct or 0.0,
        take_profit_pct=d.take_profit_pct or 0.0,
        cooldown=p.cooldown_candles,
        min_confidence=p.min_confidence,
        allow_short=p.allow_short,
        fee_rate=fills.fee_rate(d.exchange),
        slippage_bps=fills.slippage_bps,
        next_open=fills.mode is FillMode.NEXT_OPEN,
        stake=d.stake or 0.0,
        stake_pct=d.stake_pct or 0.0,
        equity=equity,
        leverage=float(d.leverage),
    )
    trades: list[ClosedTrade] = []
    curves: list[tuple[np.ndarray, np.ndarray]] = []
    runs: list[tuple[Bars, np.ndarray, KernelResult]] = []
    open_positions = 0
    for b in bars:
        f = strategy.padded_features(b.open, b.high, b.low, b.close)
        first = _first(trade_from, b.instrument)
        start = 0 if first is None else int(np.searchsorted(b.ts, first))
        r = simulate(type(strategy).decide, f, strategy.params_array(), b.open, b.close, cfg, start)
        runs.append((b, f, r))
        ts = b.ts
        reasons = [EXIT_REASONS[k] for k in r.tr_reason.tolist()]
        trades += [
            ClosedTrade(b.instrument, *row)
            for row in zip(
                r.tr_side.tolist(), ts[r.tr_entry].tolist(), ts[r.tr_exit].tolist(),
                r.tr_entry_px.tolist(), r.tr_exit_px.tolist(), r.tr_qty.tolist(),
                r.tr_fees.tolist(), r.tr_pnl.tolist(), reasons, strict=True,
            )
        ]  # fmt: skip
        curves.append((b.ts, r.equity))
        open_positions += int(r.open_side != 0)
    ts, eq = _combine(curves, equity)
    if len(bars) > 1:
        trades.sort(key=lambda t: (t.exit_ts, str(t.instrument)))

    def signals() -> list[SignalRecord]:
        out: list[SignalRecord] = []
        for b, f, r in runs:
            for j, a, code, risk, conf in zip(
                r.sig_index.tolist(), r.sig_action.tolist(), r.sig_code.tolist(),
                r.sig_risk.tolist(), r.sig_conf.tolist(), strict=True,
            ):  # fmt: skip
                act = Action(a)
                why: str | Text
                if code:
                    why = REFUSALS[code]
                elif risk:
                    why = EXIT_REASONS[risk]
                else:
                    why = strategy.explain(act, f[j + 1])
                out.append(
                    SignalRecord(int(b.ts[j]), b.instrument, TO_SIGNAL[act], code == 0, conf, why)
                )
        out.sort(key=lambda s: (s.ts, str(s.instrument)))
        return out

    return BacktestResult(
        d.name, "kernel", sum(len(b) for b in bars), equity, signals, trades, ts, eq,
        open_positions,
    )  # fmt: skip


def _first(trade_from: int | Mapping[Instrument, int] | None, inst: Instrument) -> int | None:
    if trade_from is None or isinstance(trade_from, int):
        return trade_from
    return trade_from.get(inst)


def _combine(curves: list[tuple[np.ndarray, np.ndarray]], start: float) -> tuple[np.ndarray, ...]:
    if not curves:
        return np.empty(0, np.int64), np.empty(0)
    if len(curves) == 1:
        return curves[0]
    ts = np.unique(np.concatenate([c[0] for c in curves]))
    total = np.full(ts.shape[0], start)
    for cts, ceq in curves:
        idx = np.searchsorted(cts, ts, side="right") - 1
        total += np.where(idx >= 0, ceq[np.maximum(idx, 0)] - start, 0.0)
    return ts, total


def _run_events(
    d: BotDefinition,
    strategy: Strategy,
    bars: list[Bars],
    fills: FillModel,
    equity: float,
    trade_from: int | Mapping[Instrument, int] | None = None,
) -> BacktestResult:
    engine = BotEngine(d, strategy, fills, equity=equity)
    ref: dict[Instrument, float] = {}
    paper = PaperGateway(ref.get, fills)
    last_ts = {b.instrument: int(b.ts[-1]) for b in bars}
    next_open = fills.mode is FillMode.NEXT_OPEN
    pending: dict[Instrument, Decision] = {}
    marks: dict[Instrument, float] = {}
    signals: list[SignalRecord] = []
    trades: list[ClosedTrade] = []
    eq_ts: list[int] = []
    eq: list[float] = []

    def book(decision: Decision) -> None:
        res = paper.fill(engine.order_for(decision))
        assert res.accepted and res.avg_price is not None, res.reason
        closed = engine.apply_fill(
            decision, float(res.avg_price), float(res.filled_qty), float(res.fee)
        )
        if closed is not None:
            trades.append(closed)

    merged = heapq.merge(*(b.candles() for b in bars), key=lambda c: c.open_ts)
    for c in merged:
        inst = c.instrument
        first = _first(trade_from, inst)
        if first is not None and c.open_ts < first:
            engine.feed(c)
            if not eq_ts or eq_ts[-1] != c.open_ts:
                eq_ts.append(c.open_ts)
                eq.append(equity)
            continue
        if inst in pending:
            ref[inst] = c.open
            book(pending.pop(inst))
        decision = engine.evaluate(c)
        marks[inst] = c.close
        if decision is not None:
            if decision.taken and next_open and c.open_ts == last_ts[inst]:
                decision = Decision(decision.signal, False, REFUSALS[7])
            s = decision.signal
            signals.append(
                SignalRecord(c.open_ts, inst, s.action, decision.taken, s.confidence,
                             decision.reason)
            )  # fmt: skip
            if decision.taken:
                if next_open:
                    pending[inst] = decision
                else:
                    ref[inst] = c.close
                    book(decision)
        value = engine.equity
        for i, pos in engine.positions.items():
            value += pos.side * (marks[i] - pos.entry_price) * pos.qty - pos.entry_fee
        if eq_ts and eq_ts[-1] == c.open_ts:
            eq[-1] = value
        else:
            eq_ts.append(c.open_ts)
            eq.append(value)
    return BacktestResult(
        d.name, "events", sum(len(b) for b in bars), equity, signals, trades,
        np.array(eq_ts, np.int64), np.array(eq, np.float64), len(engine.positions),
    )  # fmt: skip
