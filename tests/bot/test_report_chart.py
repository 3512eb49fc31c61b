"""The report chart: the premium on top, cumulative realised PnL per currency under it, read
from the trading report queries (the same numbers as the report's text)."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.chart_words import report_words
from bot.reports.chart import report_figure
from bot.reports.pnl_series import realised_pnl_series
from core.storage import Database
from tests.telegram.test_report import seed
from trading.report_queries import TradingReportQueries

KST = ZoneInfo("Asia/Seoul")


async def test_cumulative_pnl_per_currency_from_the_fills(tmp_path: Path) -> None:
    now = time.time()
    await seed(tmp_path / "bot.sqlite3", now)
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        series = await realised_pnl_series(TradingReportQueries(db), now - 86400, now, True)
    assert list(series) == ["KRW", "USDT"]  # never added together
    krw, usdt = series["KRW"], series["USDT"]
    assert krw[0] == (now - 86400, Decimal(0)) and krw[-1] == (now, Decimal(10000))
    assert usdt[-1] == (now, Decimal("-12.5"))
    # The +10,000 KRW sell was 30 min ago: before the last hour the running total is zero.
    assert all(v == 0 for ts, v in krw if ts <= now - 3600)
    assert [v for _, v in krw] == sorted(v for _, v in krw)  # only one winning fill: monotone


async def test_report_figure_has_a_pnl_panel_per_currency_without_offset(tmp_path: Path) -> None:
    now = 1_764_900_000.0
    premium = [(now - 3600 + i * 60, 2.0 + i / 100) for i in range(60)]
    pnl = {
        "KRW": [
            (now - 3600, Decimal(0)),
            (now - 1800, Decimal(1_000_000)),
            (now, Decimal(1_000_500)),
        ],
        "USDT": [(now - 3600, Decimal(0)), (now, Decimal("-12.5"))],
    }
    fig = report_figure(premium, pnl, KST, report_words("en", KST, now, pnl))
    fig.canvas.draw()
    top, krw_ax, usdt_ax = fig.axes
    assert "premium" in top.get_title()
    assert krw_ax.get_ylabel() == "PnL (KRW)" and usdt_ax.get_ylabel() == "PnL (USDT)"
    assert "KRW" in krw_ax.get_title() and "USDT" in usdt_ax.get_title()
    assert list(krw_ax.lines[0].get_ydata()) == [0.0, 1_000_000.0, 1_000_500.0]  # type: ignore[arg-type]
    assert list(usdt_ax.lines[0].get_ydata()) == [0.0, -12.5]  # type: ignore[arg-type]
    for ax in fig.axes:
        assert ax.yaxis.get_offset_text().get_text() == ""
    assert krw_ax.get_xlabel() == "Time (KST)"


def test_report_figure_without_trades_says_so() -> None:
    fig = report_figure([], {}, KST, report_words("en", KST, 1_764_900_000.0, {}))
    assert len(fig.axes) == 2
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert texts == ["No realised PnL in this period"]
