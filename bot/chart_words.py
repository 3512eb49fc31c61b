"""Chart titles and axis labels from the catalog, in the language charts can be drawn in here
(`bot.chart_fonts.chart_language`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from alerts.chart import PremiumChartWords
from bot.chart_fonts import chart_language
from bot.i18n import Messages
from bot.reports.chart import ReportChartWords
from strategies.backtest_chart import EquityChartWords


def zone_name(tz: tzinfo, at: float) -> str:
    """The zone as people write it at `at` (`KST`, `UTC`)."""
    return datetime.fromtimestamp(at, tz).tzname() or str(tz)


def report_words(
    language: str, tz: tzinfo, until: float, currencies: Iterable[str], basis: str = "usdt"
) -> ReportChartWords:
    """`basis`: the premium the report's chart draws (the alerts' basis: usdt or fx)."""
    m = Messages(chart_language(language))
    zone = zone_name(tz, until)
    stamp = datetime.fromtimestamp(until, tz).strftime("%Y-%m-%d %H:%M")
    cur = list(currencies)
    return ReportChartWords(
        premium_title=m(
            "chart.report.premium_title", until=stamp, zone=zone, basis=m(f"kimp.basis.{basis}")
        ),
        premium_empty=m("chart.report.premium_empty"),
        premium_axis=m("chart.report.premium_axis"),
        pnl_titles={c: m("chart.report.pnl_title", currency=c) for c in cur},
        pnl_axes={c: m("chart.report.pnl_axis", currency=c) for c in cur},
        pnl_empty=m("chart.report.pnl_empty"),
        time_axis=m("chart.time_axis", zone=zone),
    )


def premium_words(language: str, coin: str, tz: tzinfo, now: float) -> PremiumChartWords:
    m = Messages(chart_language(language))
    zone = zone_name(tz, now)
    return PremiumChartWords(
        title=m("chart.kimp.title", coin=coin.upper(), zone=zone),
        axis=m("chart.kimp.axis"),
        time_axis=m("chart.time_axis", zone=zone),
        usdt_kimp=m("chart.kimp.usdt"),
        fx_kimp=m("chart.kimp.fx"),
        tether=m("chart.kimp.tether"),
    )


def backtest_words(language: str, bot: str, currency: str) -> EquityChartWords:
    """The backtest chart's labels; backtests run on UTC candles, so its time axis is UTC."""
    m = Messages(chart_language(language))
    return EquityChartWords(
        title=m("chart.backtest.title", bot=bot, currency=currency),
        equity_axis=m("chart.backtest.equity_axis", currency=currency),
        drawdown_axis=m("chart.backtest.drawdown_axis"),
        entry=m("chart.backtest.entry"),
        exit=m("chart.backtest.exit"),
        time_axis=m("chart.backtest.time_axis"),
    )
