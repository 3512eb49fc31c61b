"""Charts in Korean (issue 14): titles, legends, axes and the "no data" cards draw Hangul glyphs.

matplotlib warns "Glyph ... missing from font(s) DejaVu Sans" for every character its font lacks
(its default font has no Hangul); warnings are errors here, so a chart that would show empty
boxes instead of Korean fails.
"""

from __future__ import annotations

import os
import warnings
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.chart import render_chart
from alerts.history import Sample
from bot.chart_fonts import chart_language, hangul_family
from bot.chart_words import premium_words, report_words
from bot.reports.chart import report_chart
from core.fonts import hangul_font

KST = ZoneInfo("Asia/Seoul")
T0 = 1_767_225_600


def _save(name: str, png: bytes) -> None:
    """KEEP_CHARTS=dir keeps the pictures, to look at them."""
    if keep := os.environ.get("KEEP_CHARTS"):
        (Path(keep) / name).write_bytes(png)


def test_a_font_with_hangul_is_there_and_charts_speak_korean() -> None:
    font = hangul_font()
    assert font is not None and font.is_file()
    assert hangul_family() is not None
    assert chart_language("ko") == "ko"


def test_kimp_chart_in_korean_draws_every_glyph() -> None:
    samples = [
        Sample(T0 + i * 600, 1.0 + i / 100, 2.0 + i / 100, 1.1, None, None) for i in range(20)
    ]
    words = premium_words("ko", "BTC", KST, T0 + 20 * 600)
    assert "김프" in words.usdt_kimp + words.fx_kimp, words
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_chart("BTC", samples, KST, 3.0, -2.0, words)
    assert png.startswith(b"\x89PNG")
    _save("kimpchart-ko.png", png)


def test_report_chart_and_its_empty_cards_in_korean() -> None:
    until = T0 + 86_400
    words = report_words("ko", KST, until, ["KRW"], "usdt")
    assert "USDT 기준 김프" in words.premium_title, words
    premium = [(T0 + i * 600, 1.0 + i / 50) for i in range(30)]
    pnl = {"KRW": [(T0 + 3600.0, Decimal(-50)), (T0 + 7200.0, Decimal(120))]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = report_chart(premium, pnl, KST, words, (T0, until))
        empty = report_chart([], {}, KST, report_words("ko", KST, until, []), (T0, until))
    assert full.startswith(b"\x89PNG") and empty.startswith(b"\x89PNG")
    _save("report-ko.png", full)
