"""The premium replay and threshold search commands:

    python -m bot hedge-replay --bot NAME --from 2026-01-01 --to 2026-01-31 [--coin XRP]
        [--db PATH] [--bots FILE] [--slippage-bps 5] [--funding-rate 0.0001] [--png FILE]
    python -m bot hedge-search --bot NAME --from ... --to ... [--entry -1:1:0.25]
        [--exit 1:4:0.25] [--size 1000000,3000000] [--train 0.7] [--workers 2] [--top 10]

The app hands in its defaults and how to read a database's premium series (the kimp samples
belong to the kimp monitor, `alerts/history.py`); this module owns the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

import numpy as np

from core import numbers
from core.fills import FillModel
from core.numbers import Money
from core.text import Text
from strategies.botconfig import BotConfigError, load_bots
from strategies.data import DataError, day_range_ms
from strategies.hedge.chart import HedgeChartWords, write_png
from strategies.hedge.config import HEDGE_STRATEGY, HedgeConfig
from strategies.hedge.equity import equity_curve
from strategies.hedge.replay import ReplayResult, replay
from strategies.hedge.search import Grid, search
from strategies.hedge.series import PremiumSeries
from strategies.loader import StrategyLoadError, load_user_strategies
from strategies.registry import StrategyRegistry

# (database, coin, start s, end s) -> the coin's series; raises DataError.
SeriesLoader = Callable[[Path, str, float, float], PremiumSeries]


@dataclass(frozen=True, slots=True)
class HedgeCliDefaults:
    strategies_dir: Path
    bots_file: Path
    db_path: Path
    max_leverage: int
    paper_slippage_bps: float
    tz: tzinfo = UTC
    words: Callable[[Text], str] = str
    chart_words: Callable[[str, str, HedgeConfig], HedgeChartWords] | None = None


def _parser(search_mode: bool, words: Callable[[Text], str]) -> argparse.ArgumentParser:
    def h(key: str, **params: object) -> str:  # argparse %-formats help: a literal % is doubled
        return words(Text.of(key, **params)).replace("%", "%%")

    name = "hedge-search" if search_mode else "hedge-replay"
    ap = argparse.ArgumentParser(
        prog=f"python -m bot {name}",
        description=h("hedge.help.search" if search_mode else "hedge.help.replay"),
        add_help=False,
    )
    ap.add_argument("-h", "--help", action="help", help=h("cli.help.help"))
    ap.add_argument("--bot", required=True, help=h("hedge.help.bot"))
    ap.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD",
                    help=h("bt.help.from"))  # fmt: skip
    ap.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=h("bt.help.to"))
    ap.add_argument("--coin", help=h("hedge.help.coin"))
    ap.add_argument("--db", type=Path, help=h("bt.help.db"))
    ap.add_argument("--bots", type=Path, help=h("bt.help.bots"))
    ap.add_argument("--slippage-bps", type=float, help=h("bt.help.slippage"))
    ap.add_argument("--funding-rate", type=float, default=0.0001, help=h("hedge.help.funding"))
    if search_mode:
        bands = "from:to:step %"
        ap.add_argument("--entry", default="-1:1:0.25", help=h("hedge.help.entry", spec=bands))
        ap.add_argument("--exit", default="1:4:0.25", help=h("hedge.help.exit", spec=bands))
        ap.add_argument("--size", default="", help=h("hedge.help.size"))
        ap.add_argument("--train", type=float, default=0.7, help=h("hedge.help.train"))
        ap.add_argument("--workers", type=int, default=2, help=h("hedge.help.workers"))
        ap.add_argument("--top", type=int, default=10, help=h("hedge.help.top"))
    else:
        ap.add_argument("--png", type=Path, help=h("hedge.help.png"))
        ap.add_argument("--trades", type=int, default=50, help=h("hedge.help.trades"))
    return ap


def band_range(spec: str) -> list[float]:
    """`-1:1:0.5` -> [-1.0, -0.5, 0.0, 0.5, 1.0]; a single number is itself."""
    try:
        parts = [float(p) for p in spec.split(":")]
    except ValueError:
        raise DataError(
            Text.of("hedge.err.bands_format", example="-1:1:0.25", spec=repr(spec))
        ) from None
    if len(parts) == 1:
        return parts
    if len(parts) != 3 or parts[2] <= 0 or parts[1] < parts[0]:
        raise DataError(Text.of("hedge.err.bands_order", form="from:to:step", spec=repr(spec)))
    lo, hi, step = parts
    n = int(np.floor((hi - lo) / step + 1e-9)) + 1
    return [round(lo + i * step, 10) for i in range(n)]


def _sizes(spec: str, default: Decimal) -> list[float]:
    if not spec:
        return [float(default)]
    try:
        out = [float(p) for p in spec.split(",") if p.strip()]
    except ValueError:
        raise DataError(Text.of("hedge.err.sizes_format", spec=repr(spec))) from None
    if not out or any(v <= 0 for v in out):
        raise DataError(Text.of("hedge.err.sizes_positive", spec=repr(spec)))
    return out


def _krw(value: float) -> Money:
    return Money(Decimal(round(value)), "KRW", signed=True)


def _when(ts: float | None, tz: tzinfo) -> str:
    return "…" if ts is None else datetime.fromtimestamp(ts, tz).strftime("%m-%d %H:%M")


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{value:+.2f}"


def _setup(
    args: argparse.Namespace, settings: HedgeCliDefaults, load: SeriesLoader
) -> tuple[HedgeConfig, PremiumSeries, FillModel]:
    registry = StrategyRegistry(load_user_strategies(settings.strategies_dir))
    bots_file = args.bots or settings.bots_file
    bots = {b.name: b for b in load_bots(bots_file, registry, settings.max_leverage)}
    d = bots.get(args.bot)
    if d is None:
        known = ", ".join(sorted(bots)) or Text.of("bt.err.no_bots", file=bots_file)
        raise DataError(Text.of("bt.err.no_bot", bot=repr(args.bot), file=bots_file, known=known))
    if d.strategy != HEDGE_STRATEGY:
        raise DataError(Text.of("hedge.err.not_hedge", bot=d.name, strategy=d.strategy,
                                cmd="python -m bot backtest"))  # fmt: skip
    cfg = HedgeConfig.of(d)
    coin = (args.coin or cfg.coins[0]).upper()
    if coin not in cfg.coins:
        raise DataError(
            Text.of("hedge.err.coin", bot=d.name, coin=coin, coins=", ".join(cfg.coins))
        )
    start, end = day_range_ms(args.start, args.end)
    db = args.db or settings.db_path
    if not db.exists():
        raise DataError(Text.of("hedge.err.no_db", path=db, option="--db PATH"))
    series = load(db, coin, start / 1000, end / 1000)
    if not len(series):
        raise DataError(settings.words(Text.of(
            "hedge.replay.no_samples", coin=coin, start=args.start, end=args.end)))  # fmt: skip
    slip = settings.paper_slippage_bps if args.slippage_bps is None else args.slippage_bps
    return cfg, series, FillModel(slippage_bps=slip)


def main(
    argv: list[str],
    defaults: Callable[[], HedgeCliDefaults],
    load: SeriesLoader,
    search_mode: bool,
    words: Callable[[Text], str] = str,
) -> int:
    """Either command; returns the exit code (0 ok, 2 bad input). `words` words the help and a
    refusal before the settings are read (after, the settings' own `words` do)."""
    try:
        args = _parser(search_mode, words).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    name = "hedge-search" if search_mode else "hedge-replay"
    say = words
    try:
        settings = defaults()
        say = settings.words
        cfg, series, model = _setup(args, settings, load)
        if search_mode:
            grid = Grid(band_range(args.entry), band_range(args.exit),
                        _sizes(args.size, cfg.size_krw))  # fmt: skip
            if not grid.combos():
                raise DataError(Text.of("hedge.err.no_combos", exit="--exit", entry="--entry"))
            if not 0 < args.train < 1:
                raise DataError(Text.of("hedge.err.train", option="--train"))
    except (StrategyLoadError, BotConfigError, DataError) as exc:
        print(say(Text.of("hedge.err", name=name, reason=_refusal(exc))), file=sys.stderr)
        return 2
    if search_mode:
        return _search(args, settings, cfg, series, model, grid)
    return _replay(args, settings, cfg, series, model)


def _refusal(exc: Exception) -> Text | str:
    """What a refusal says: our own are `Text` (worded in LANGUAGE); a loader's is its message."""
    reason = exc.args[0] if exc.args else ""
    return reason if isinstance(reason, Text) else str(exc)


def _funding_note(series: PremiumSeries, rate: float) -> Text:
    """Which funding the figures charge: the stored rates, or the fixed fallback."""
    if series.funding_ts.size:
        return Text.of("hedge.replay.funding_stored", n=int(series.funding_ts.size))
    return Text.of("hedge.replay.funding_fixed", coin=series.coin, rate=f"{rate * 100:g}")


def _summary(r: ReplayResult, words: Callable[[Text], str]) -> str:
    still = len(r.trades) - len(r.closed)
    return words(Text.of(
        "hedge.replay.summary", minutes=numbers.grouped(r.minutes), trades=len(r.closed),
        open=Text.of("hedge.replay.still_open") if still else "", pnl=_krw(r.pnl_krw),
        fees=_krw(-r.fees_krw), funding=_krw(r.funding_krw), slippage=_krw(-r.slippage_krw),
    ))  # fmt: skip


def _replay(
    args: argparse.Namespace,
    settings: HedgeCliDefaults,
    cfg: HedgeConfig,
    series: PremiumSeries,
    model: FillModel,
) -> int:
    words, tz = settings.words, settings.tz
    premium = series.premium(cfg.basis)
    t0 = time.perf_counter()
    r = replay(series, cfg, model, args.funding_rate, premium=premium)
    took = time.perf_counter() - t0
    print(words(Text.of("hedge.replay.title", bot=cfg.bot, coin=series.coin)))
    for t in r.trades[: args.trades]:
        print(words(Text.of(
            "hedge.replay.trade", entry=_when(t.entry_ts, tz), exit=_when(t.exit_ts, tz),
            direction=Text.of(f"hedge.direction.{t.direction.value}"),
            p0=_pct(t.entry_premium), p1=_pct(t.exit_premium),
            qty=numbers.grouped(t.qty, 4), pnl=_krw(t.pnl_krw),
        )))  # fmt: skip
    print(_summary(r, words))
    print(words(_funding_note(series, args.funding_rate)))
    print(f"({len(series):,} minutes in {took:.3f} s)")
    if args.png:
        labels = (
            settings.chart_words(cfg.bot, series.coin, cfg)
            if settings.chart_words
            else HedgeChartWords()
        )
        try:
            eq = equity_curve(series, r, model)
            write_png(args.png, series, premium, eq, r, cfg, labels)
        except OSError as exc:
            png = Text.of("bt.err.png", path=args.png, detail=exc.strerror)
            print(words(Text.of("hedge.err", name="hedge-replay", reason=png)), file=sys.stderr)
            return 2
        print(words(Text.of("bt.equity_png", path=args.png)))
    return 0


def _search(
    args: argparse.Namespace,
    settings: HedgeCliDefaults,
    cfg: HedgeConfig,
    series: PremiumSeries,
    model: FillModel,
    grid: Grid,
) -> int:
    words = settings.words
    t0 = time.perf_counter()
    found = search(series, cfg, grid, model, args.funding_rate, args.train,
                   max(1, args.workers), args.top)  # fmt: skip
    took = time.perf_counter() - t0
    split = datetime.fromtimestamp(found.split_ts, settings.tz).strftime("%Y-%m-%d %H:%M")
    print(words(Text.of("hedge.search.header", combos=found.combos, split=split)))
    print(words(_funding_note(series, args.funding_rate)))
    for c in found.best:
        print(words(Text.of(
            "hedge.search.row", entry=_pct(c.entry_pct), exit=_pct(c.exit_pct),
            size=Money(Decimal(round(c.size_krw)), "KRW"), train_pnl=_krw(c.train.pnl_krw),
            train_n=c.train.trades, test_pnl=_krw(c.test.pnl_krw), test_n=c.test.trades,
        )))  # fmt: skip
    print(f"({found.combos:,} combinations x {len(series):,} minutes in {took:.1f} s)")
    return 0
