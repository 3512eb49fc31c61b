"""The backtest command: `python -m bot backtest`.

    python -m bot backtest --bot NAME --from 2026-01-01 --to 2026-01-31 \
        [--csv FILE] [--db PATH] [--png equity.png]

The app hands in what it knows (`BacktestDefaults`, from its settings) and how to read a
database's stored candles (`core.candles.CandleArchive`); this module owns the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from core import numbers
from core.candles import CandleArchive
from core.fills import FillMode, FillModel
from core.text import Text
from strategies.backtest import run_backtest
from strategies.backtest_chart import EquityChartWords, write_png
from strategies.botconfig import BotConfigError, load_bots
from strategies.data import DataError, day_range_ms, load_csv, load_stored
from strategies.hedge.config import HEDGE_STRATEGY
from strategies.loader import StrategyLoadError, load_user_strategies
from strategies.registry import StrategyRegistry
from strategies.report import format_metrics, format_trades


@dataclass(frozen=True, slots=True)
class BacktestDefaults:
    """What the command takes from the app's settings when no option says otherwise."""

    strategies_dir: Path
    bots_file: Path
    db_path: Path
    max_leverage: int
    paper_balance_krw: float
    paper_balance_usdt: float
    paper_slippage_bps: float
    tz: tzinfo = UTC  # TIMEZONE: the trade table's times
    # The chart's labels for (bot, currency), worded by the app; None: the English defaults.
    chart_words: Callable[[str, str], EquityChartWords] | None = None
    # The printed report's words: the app's catalog in LANGUAGE (`str`: the catalog keys).
    words: Callable[[Text], str] = str


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m bot backtest",
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


def main(
    argv: list[str],
    defaults: Callable[[], BacktestDefaults],
    archive: Callable[[Path], CandleArchive],
) -> int:
    """The backtest command; returns the process exit code (0 ok, 2 bad input).

    `defaults` is called after the arguments parse (it raises `DataError` when the settings are
    bad); `archive` opens a database file's stored candles.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the problem
        return int(exc.code or 0)
    try:
        settings = defaults()
        registry = StrategyRegistry(load_user_strategies(settings.strategies_dir))
        bots_file = args.bots or settings.bots_file
        bots = {b.name: b for b in load_bots(bots_file, registry, settings.max_leverage)}
        d = bots.get(args.bot)
        if d is None:
            known = ", ".join(sorted(bots)) or f"none (is {bots_file} there?)"
            raise DataError(f"there is no bot {args.bot!r} in {bots_file}; bots: {known}")
        if d.strategy == HEDGE_STRATEGY:  # it trades the premium, not candles
            raise DataError(f"bot {d.name} is a kimp_hedge bot: use python -m bot hedge-replay")
        start, end = day_range_ms(args.start, args.end)
        instruments = list(d.instruments)
        if args.symbol:
            instruments = [i for i in instruments if str(i.symbol) == args.symbol.upper()]
            if not instruments:
                raise DataError(f"bot {d.name} does not trade {args.symbol}")
        if args.csv and len(instruments) > 1:
            raise DataError("a CSV holds one symbol's candles: add --symbol BASE/QUOTE")
        db = args.db or settings.db_path
        if args.csv:
            bars = [load_csv(args.csv, i, d.timeframe, start, end) for i in instruments]
        else:
            if instruments and not db.exists():
                raise DataError(f"no database at {db}: pass --db PATH or --csv FILE")
            stored = archive(db)
            bars = [load_stored(stored, i, d.timeframe, start, end) for i in instruments]
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
    except (StrategyLoadError, BotConfigError, DataError) as exc:
        print(f"backtest: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    result = run_backtest(d, strategy, bars, fills, equity)
    took = time.perf_counter() - t0
    syms = ", ".join(str(b.instrument.symbol) for b in bars)
    words = settings.words
    header = Text.of(
        "bt.header", bot=d.name, strategy=d.strategy, venue=d.exchange, symbols=syms,
        timeframe=d.timeframe, start=args.start, end=args.end, candles=result.candles,
        fill=fills.mode.value, slippage=numbers.grouped(fills.slippage_bps),
        fee=numbers.grouped(fills.fee_rate(d.exchange) * 100), engine=result.engine,
        took=numbers.grouped(took, 2),
    )  # fmt: skip
    print(words(header))
    print(format_trades(result.trades, args.trades, settings.tz, words))
    print(format_metrics(result.metrics, quote, words))
    if result.open_positions:
        print(words(Text.of("bt.open_at_end", n=result.open_positions)))
    if args.png:
        try:
            labels = (
                settings.chart_words(d.name, quote)
                if settings.chart_words
                else EquityChartWords(title=f"{d.name} equity ({quote})", equity_axis=quote)
            )
            write_png(
                args.png, result.equity_ts, result.equity, result.trades, equity, quote, labels
            )
        except OSError as exc:
            print(f"backtest: cannot write {args.png}: {exc.strerror}", file=sys.stderr)
            return 2
        print(words(Text.of("bt.equity_png", path=args.png)))
    return 0
