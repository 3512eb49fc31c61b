"""`python -m bot hedge-replay` and `python -m bot hedge-search`: the kimp-hedge bot's replay and
threshold search (`strategies.hedge.cli`), with the settings' defaults and the premium series
read from the database through its owners: the kimp samples through `alerts.history`, the
funding rates stored at each funding time through `alerts.funding_history`, the Binance USDⓈ-M
candles (the short leg's price, when stored) through the candle store.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.chart_fonts import chart_language
from bot.cli_words import cli_language
from bot.config import SettingsError, load_settings
from bot.i18n import Messages
from core.candles import CandleReadError
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from strategies.data import DataError
from strategies.hedge.chart import HedgeChartWords
from strategies.hedge.cli import HedgeCliDefaults, main
from strategies.hedge.config import HedgeConfig
from strategies.hedge.series import PremiumSeries


def _defaults() -> HedgeCliDefaults:
    try:
        s = load_settings()
    except SettingsError as exc:
        raise DataError(str(exc)) from None

    def chart_words(bot: str, coin: str, cfg: HedgeConfig) -> HedgeChartWords:
        m = Messages(chart_language(s.language))
        return HedgeChartWords(
            title=m("hedge.replay.title", bot=bot, coin=coin),
            equity_axis=m("hedge.chart.equity"),
            premium_axis=m("hedge.chart.premium"),
            bands=m("hedge.chart.bands", entry=f"{cfg.entry_pct:g}", exit=f"{cfg.exit_pct:g}"),
            entry=m("chart.backtest.entry"),
            exit=m("chart.backtest.exit"),
            time_axis=m("chart.backtest.time_axis"),
        )

    return HedgeCliDefaults(
        strategies_dir=s.strategies_dir,
        bots_file=s.bots_file,
        db_path=s.db_path,
        max_leverage=s.max_leverage,
        paper_slippage_bps=s.paper_slippage_bps,
        tz=s.tz,
        words=Messages(s.language).render,
        chart_words=chart_words,
    )


async def _samples(db_path: Path, coin: str, start: float, end: float) -> PremiumSeries:
    from alerts.funding_history import FundingHistory
    from alerts.history import TETHER_ROW, PremiumHistory

    async with Database.open(db_path) as db:
        history = PremiumHistory(db)
        rows = [r for r in await history.series(coin, start) if r.minute_ts < end]
        tether = {r.minute_ts: r.upbit_krw for r in await history.series(TETHER_ROW, start)}
        funding = await FundingHistory(db).rates(coin, start, end)
    ts, up, bn, usdt, fx = [], [], [], [], []
    for r in rows:
        if r.upbit_krw is None or r.binance_usdt is None:
            continue
        t = tether.get(r.minute_ts)
        if t is None and r.usdt_kimp is not None:  # the KRW-USDT price the sample was taken at
            t = r.upbit_krw / (r.binance_usdt * (1 + r.usdt_kimp / 100))
        usd = None
        if r.fx_kimp is not None:
            usd = r.upbit_krw / (r.binance_usdt * (1 + r.fx_kimp / 100))
        ts.append(float(r.minute_ts))
        up.append(r.upbit_krw)
        bn.append(r.binance_usdt)
        usdt.append(t if t is not None else float("nan"))
        fx.append(usd)
    futures = _futures_closes(db_path, coin, ts)
    series = PremiumSeries.of(coin, ts, up, bn, usdt, fx, futures)
    if not funding:
        return series  # the replay charges its fixed rate, and says so
    return series.with_funding([f.funding_ts for f in funding], [f.rate for f in funding])


def _futures_closes(db_path: Path, coin: str, ts: list[float]) -> list[float | None]:
    """The Binance USDⓈ-M 1m close of each sample's minute, where the candle store has it."""
    from exchanges.candle_store import CandleFile

    if not ts:
        return []
    inst = Instrument(Venue.BINANCE_FUTURES, Symbol(coin, "USDT"))
    try:
        rows = CandleFile(db_path).rows(inst, "1m", int(ts[0] * 1000), int(ts[-1] * 1000) + 60_000)
    except CandleReadError:
        return [None] * len(ts)
    close = {r[0] // 1000: r[4] for r in rows}
    return [close.get(int(t)) for t in ts]


def load_series(db_path: Path, coin: str, start: float, end: float) -> PremiumSeries:
    return asyncio.run(_samples(db_path, coin, start, end))


def run(argv: list[str], search_mode: bool) -> int:
    return main(argv, _defaults, load_series, search_mode, cli_language().render)
