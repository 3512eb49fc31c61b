"""Charts in Korean (issue 14): titles, legends and the "no data" card draw Hangul glyphs.

matplotlib warns "Glyph ... missing from font(s) DejaVu Sans" for every character its font lacks
(its default font has no Hangul); warnings are errors here, so a chart that would show empty
boxes instead of Korean fails.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.chart import ChartLabels, render_chart
from alerts.history import Sample
from bot.i18n import tr
from bot.reports.chart import premium_chart
from core.fonts import hangul_font

KST = ZoneInfo("Asia/Seoul")
T0 = 1_767_225_600


def _save(name: str, png: bytes) -> None:
    """KEEP_CHARTS=dir keeps the pictures, to look at them."""
    if keep := os.environ.get("KEEP_CHARTS"):
        (Path(keep) / name).write_bytes(png)


def test_a_font_with_hangul_is_there() -> None:
    font = hangul_font()
    assert font is not None and font.is_file()


def test_kimp_chart_in_korean_draws_every_glyph() -> None:
    samples = [
        Sample(T0 + i * 600, 1.0 + i / 100, 2.0 + i / 100, 1.1, None, None) for i in range(20)
    ]
    labels = ChartLabels(
        title=tr("ko", "kimpchart.title", coin="BTC", zone="KST"),
        usdt=tr("ko", "kimpchart.usdt"),
        fx=tr("ko", "kimpchart.fx"),
        tether=tr("ko", "kimpchart.tether"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_chart("BTC", samples, KST, 3.0, -2.0, labels)
    assert png.startswith(b"\x89PNG")
    _save("kimpchart-ko.png", png)


def test_report_chart_and_its_empty_card_in_korean() -> None:
    title = tr("ko", "report_chart_title", stamp="2026-01-01 09:00 KST", basis="USDT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = premium_chart([(T0 + i * 600, 1.0 + i / 50) for i in range(30)], KST, title, "")
        empty = premium_chart([], KST, title, tr("ko", "report_chart_none"))
    assert full.startswith(b"\x89PNG") and empty.startswith(b"\x89PNG")
    _save("report-ko.png", full)
