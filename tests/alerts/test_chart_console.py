"""/kimpchart in the console: the chart is saved as a file and the reply prints its path; the
chart's words come from the catalog."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from alerts.chart import premium_figure
from bot.chart_fonts import chart_language
from bot.chart_words import premium_words
from bot.commands import CommandRegistry
from bot.commands.kimp import register_kimp
from bot.config import load_settings
from bot.console import ConsoleChat
from bot.i18n import tr
from core.clock import ManualClock
from tests.alerts.test_service import COINS, Inbox, feed, service
from tests.wiring import app_context


async def test_console_kimpchart_prints_the_path_of_a_saved_png(tmp_path: Path) -> None:
    clock, inbox = ManualClock(start=1_700_000_000.0), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        for i in range(5):
            feed(svc, clock, {c: 1.0 + i / 10 for c in COINS})
            await svc.record_minute(int(clock.now() // 60) * 60)
            clock.advance(60)
        settings = load_settings(env_file=None, db_path=tmp_path / "app.db", language="en")
        registry = CommandRegistry()
        register_kimp(registry)
        async with app_context(settings, registry=registry) as app:
            app.facade.kimp = svc
            answer = await ConsoleChat(registry, app.facade, out=io.StringIO()).answer(
                "/kimpchart btc"
            )
    assert answer is not None and answer.startswith("BTC premium, last 24 h")
    found = re.search(r"Chart saved: (\S+_kimpchart-BTC\.png)", answer)
    assert found, answer
    path = Path(found.group(1))
    assert path.parent == tmp_path / "charts"
    assert (await asyncio.to_thread(path.read_bytes)).startswith(b"\x89PNG\r\n\x1a\n")


async def test_premium_chart_words_come_from_the_catalog(tmp_path: Path) -> None:
    clock, inbox = ManualClock(start=1_700_000_000.0), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        for _ in range(3):
            feed(svc, clock, dict.fromkeys(COINS, 2.0))
            await svc.record_minute(int(clock.now() // 60) * 60)
            clock.advance(60)
        samples = await svc.history.series("BTC", 0)
    tz = svc.kimp_config.tz
    # Korean labels only where a font can draw Hangul; English otherwise (bot/chart_fonts.py).
    lang = chart_language("ko")
    words = premium_words("ko", "btc", tz, clock.now())
    ax = premium_figure("BTC", samples, tz, 3.0, -1.0, words).axes[0]
    assert ax.get_title() == tr(lang, "chart.kimp.title", coin="BTC", zone="KST")
    assert ax.get_ylabel() == tr(lang, "chart.kimp.axis")
    assert ax.get_xlabel() == tr(lang, "chart.time_axis", zone="KST")
    labels = ax.get_legend_handles_labels()[1]
    assert labels == [tr(lang, "chart.kimp.usdt"), tr(lang, "chart.kimp.fx")]
