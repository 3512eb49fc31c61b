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


def _parser(words: Callable[[Text], str]) -> argparse.ArgumentParser:
    def h(key: str) -> str:  # argparse %-formats help texts: a literal % is doubled
        return words(Text.of(f"bt.help.{key}")).replace("%", "%%")

    ap = argparse.ArgumentParser(
        prog="python -m bot backtest", description=h("description"), add_help=False
    )
    ap.add_argument("-h", "--help", action="help", help=words(Text.of("cli.help.help")))
    ap.add_argument("--bot", required=True, help=h("bot"))
    ap.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help=h("from"))
    ap.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=h("to"))
    ap.add_argument("--csv", type=Path, help=h("csv"))
    ap.add_argument("--db", type=Path, help=h("db"))
    ap.add_argument("--png", type=Path, help=h("png"))
    ap.add_argument("--bots", type=Path, help=h("bots"))
    ap.add_argument("--symbol", help=h("symbol"))
    ap.add_argument("--equity", type=float, help=h("equity"))
    ap.add_argument(
        "--fill", choices=[m.value for m in FillMode], default=FillMode.CLOSE.value, help=h("fill")
    )
    ap.add_argument("--slippage-bps", type=float, help=h("slippage"))
    ap.add_argument("--trades", type=int, default=50, help=h("trades"))
    return ap


def _refusal(exc: Exception) -> Text | str:
    """What a refusal says: our own are `Text` (worded in LANGUAGE); a loader's is its message."""
    reason = exc.args[0] if exc.args else ""
    return reason if isinstance(reason, Text) else str(exc)


def main(
    argv: list[str],
    defaults: Callable[[], BacktestDefaults],
    archive: Callable[[Path], CandleArchive],
    words: Callable[[Text], str] = str,
) -> int:
    """The backtest command; returns the process exit code (0 ok, 2 bad input).

    `defaults` is called after the arguments parse (it raises `DataError` when the settings are
    bad); `archive` opens a database file's stored candles; `words` words the help and the
    refusals (the app's catalog in LANGUAGE, known before the settings are fully checked).
    """
    try:
        args = _parser(words).parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the problem
        return int(exc.code or 0)
    try:
        settings = defaults()
        registry = StrategyRegistry(load_user_strategies(settings.strategies_dir))
        bots_file = args.bots or settings.bots_file
        bots = {b.name: b for b in load_bots(bots_file, registry, settings.max_leverage)}
        d = bots.get(args.bot)
        if d is None:
            known = ", ".join(sorted(bots)) or Text.of("bt.err.no_bots", file=bots_file)
            raise DataError(
                Text.of("bt.err.no_bot", bot=repr(args.bot), file=bots_file, known=known)
            )
        if d.strategy == HEDGE_STRATEGY:  # it trades the premium, not candles
            raise DataError(
                Text.of("bt.err.hedge_bot", bot=d.name, cmd="python -m bot hedge-replay")
            )
        start, end = day_range_ms(args.start, args.end)
        instruments = list(d.instruments)
        if args.symbol:
            instruments = [i for i in instruments if str(i.symbol) == args.symbol.upper()]
            if not instruments:
                raise DataError(Text.of("bt.err.symbol", bot=d.name, symbol=args.symbol))
        if args.csv and len(instruments) > 1:
            raise DataError(Text.of("bt.err.csv_one_symbol", option="--symbol BASE/QUOTE"))
        db = args.db or settings.db_path
        if args.csv:
            bars = [load_csv(args.csv, i, d.timeframe, start, end) for i in instruments]
        else:
            if instruments and not db.exists():
                raise DataError(Text.of("bt.err.no_db", path=db, db="--db PATH", csv="--csv FILE"))
            stored = archive(db)
            bars = [load_stored(stored, i, d.timeframe, start, end) for i in instruments]
        if not any(len(b) for b in bars):
            where = args.csv or db
            raise DataError(Text.of(
                "bt.err.no_candles", timeframe=d.timeframe, start=args.start, end=args.end,
                symbols=", ".join(str(i) for i in instruments), where=where,
            ))  # fmt: skip
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
        print(words(Text.of("bt.err", reason=_refusal(exc))), file=sys.stderr)
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
            png = Text.of("bt.err.png", path=args.png, detail=exc.strerror)
            print(words(Text.of("bt.err", reason=png)), file=sys.stderr)
            return 2
        print(words(Text.of("bt.equity_png", path=args.png)))
    return 0
