"""Backtest a bot over stored candles (SQLite `candles` table) or a CSV file.

    python -m strategies.backtest --bot NAME --from 2026-01-01 --to 2026-01-31 \
        [--csv FILE] [--db PATH] [--png equity.png]

Same strategy code and the same fill and fee model (`core.fills`) as paper trading.
Built-in strategies run on the numba kernel (`strategies.kernel`, millions of candles a second);
other strategies run candle by candle through `strategies.engine.BotEngine`, the live runner's
core. Parity tests hold both to the live path.
"""

from __future__ import annotations

import argparse
import heapq
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from core.fills import FillMode, FillModel
from core.market import Candle
from core.signals import SignalAction
from core.symbols import Instrument
from strategies.base import TO_SIGNAL, Action, KernelStrategy, Strategy
from strategies.botconfig import BotDefinition
from strategies.engine import BotEngine, ClosedTrade, Decision
from strategies.gateway import PaperGateway
from strategies.kernel import EXIT_REASONS, REFUSALS, KernelConfig, KernelResult, simulate
from strategies.report import Metrics, compute_metrics


@dataclass(frozen=True, slots=True)
class Bars:
    """One instrument's candles as arrays (ts in ms, oldest first)."""

    instrument: Instrument
    timeframe: str
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    def candle(self, i: int) -> Candle:
        return Candle(
            self.instrument, self.timeframe, int(self.ts[i]), float(self.open[i]),
            float(self.high[i]), float(self.low[i]), float(self.close[i]), float(self.volume[i]),
        )  # fmt: skip

    def candles(self) -> Iterator[Candle]:
        for i in range(len(self)):
            yield self.candle(i)

    @classmethod
    def from_candles(cls, candles: list[Candle]) -> Bars:
        if not candles:
            raise ValueError("no candles")
        c0 = candles[0]
        cols = np.array(
            [(c.open, c.high, c.low, c.close, c.volume) for c in candles], dtype=np.float64
        )
        return cls(
            c0.instrument, c0.timeframe, np.array([c.open_ts for c in candles], np.int64),
            cols[:, 0].copy(), cols[:, 1].copy(), cols[:, 2].copy(), cols[:, 3].copy(),
            cols[:, 4].copy(),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SignalRecord:
    ts: int  # open time of the candle that produced it
    instrument: Instrument
    action: SignalAction
    taken: bool
    confidence: float
    reason: str


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


# --- command line -------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m strategies.backtest",
        description="Backtest a bot from the bots file over stored or CSV candles (UTC days).",
    )
    ap.add_argument("--bot", required=True, help="bot name from the bots file")
    ap.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    ap.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="inclusive")
    ap.add_argument("--csv", type=Path, help="candles CSV instead of the database")
    ap.add_argument("--db", type=Path, help="SQLite database (default: DB_PATH)")
    ap.add_argument("--png", type=Path, help="write the equity curve here")
    ap.add_argument("--bots", type=Path, help="bots file (default: BOTS_FILE)")
    ap.add_argument("--symbol", help="only this symbol of the bot, e.g. BTC/KRW")
    ap.add_argument("--equity", type=float, help="start equity (default: the paper balance)")
    ap.add_argument("--fill", choices=[m.value for m in FillMode], default=FillMode.CLOSE.value)
    ap.add_argument("--slippage-bps", type=float, help="default: PAPER_SLIPPAGE_BPS")
    ap.add_argument("--trades", type=int, default=50, help="how many trades to list")
    return ap


def main(argv: list[str] | None = None) -> int:
    """The backtest command; returns the process exit code (0 ok, 2 bad input)."""
    from bot.config import SettingsError, load_settings
    from strategies.botconfig import BotConfigError, load_bots
    from strategies.data import DataError, day_range_ms, load_csv, load_db
    from strategies.loader import StrategyLoadError, load_user_strategies
    from strategies.registry import StrategyRegistry
    from strategies.report import format_metrics, format_trades, write_png

    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the problem
        return int(exc.code or 0)
    try:
        settings = load_settings()
        registry = StrategyRegistry(load_user_strategies(settings.strategies_dir))
        bots_file = args.bots or settings.bots_file
        bots = {b.name: b for b in load_bots(bots_file, registry, settings.max_leverage)}
        d = bots.get(args.bot)
        if d is None:
            known = ", ".join(sorted(bots)) or f"none (is {bots_file} there?)"
            raise DataError(f"there is no bot {args.bot!r} in {bots_file}; bots: {known}")
        start, end = day_range_ms(args.start, args.end)
        instruments = list(d.instruments)
        if args.symbol:
            instruments = [i for i in instruments if str(i.symbol) == args.symbol.upper()]
            if not instruments:
                raise DataError(f"bot {d.name} does not trade {args.symbol}")
        if args.csv and len(instruments) > 1:
            raise DataError("a CSV holds one symbol's candles: add --symbol BASE/QUOTE")
        db = args.db or settings.db_path
        bars = [
            load_csv(args.csv, i, d.timeframe, start, end)
            if args.csv
            else load_db(db, i, d.timeframe, start, end)
            for i in instruments
        ]
        if not any(len(b) for b in bars):
            where = args.csv or db
            raise DataError(
                f"no {d.timeframe} candles for {', '.join(str(i) for i in instruments)} between "
                f"{args.start} and {args.end} in {where}"
            )
        quote = d.symbols[0].quote
        equity = args.equity or (
            settings.paper_balance_krw if quote == "KRW" else settings.paper_balance_usdt
        )
        slip = settings.paper_slippage_bps if args.slippage_bps is None else args.slippage_bps
        fills = FillModel(slippage_bps=slip, mode=FillMode(args.fill))
        cls = registry.get(d.strategy)
        assert cls is not None  # validated by load_bots
        strategy = cls(cls.Params.model_validate(d.params), bot=d.name)
    except (SettingsError, StrategyLoadError, BotConfigError, DataError) as exc:
        print(f"backtest: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    result = run_backtest(d, strategy, bars, fills, equity)
    took = time.perf_counter() - t0
    syms = ", ".join(str(b.instrument.symbol) for b in bars)
    print(
        f"Backtest {d.name}: {d.strategy} on {d.exchange.label} {syms} {d.timeframe}, "
        f"{args.start} .. {args.end}, {result.candles} candles, fill {fills.mode.value} + "
        f"{fills.slippage_bps:g} bps, fee {fills.fee_rate(d.exchange) * 100:g}% "
        f"({result.engine} engine, {took:.2f}s)"
    )
    print(format_trades(result.trades, args.trades))
    print(format_metrics(result.metrics))
    if result.open_positions:
        print(f"Open at the end (not counted as trades): {result.open_positions}")
    if args.png:
        try:
            write_png(args.png, result.equity_ts, result.equity, f"{d.name} equity")
        except OSError as exc:
            print(f"backtest: cannot write {args.png}: {exc.strerror}", file=sys.stderr)
            return 2
        print(f"Equity curve: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
