"""Charts without Telegram: the console saves them under <data dir>/charts and prints the path;
the daily report runs on its own schedule and its chart lands there too."""

from __future__ import annotations

import asyncio
import io
import re
import stat
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.chart_files import chart_name, prune, save_chart
from bot.config import load_settings
from bot.console import ConsoleChat
from bot.features.telegram import install
from bot.notify.outbox import OutboxItem
from core.notifications import Action, NotificationKind
from tests.helpers import eventually
from tests.telegram.test_report import seed
from tests.wiring import app_context

KST = ZoneInfo("Asia/Seoul")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SAVED = re.compile(r"Chart saved: (\S+\.png)")


def _private_png(path: Path, charts: Path) -> None:
    assert path.parent == charts
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(charts.stat().st_mode) == 0o700


async def test_console_report_prints_the_path_of_a_saved_png(tmp_path: Path) -> None:
    now = time.time()
    await seed(tmp_path / "bot.sqlite3", now)
    settings = load_settings(env_file=None, db_path=tmp_path / "bot.sqlite3", language="en")
    async with app_context(settings) as app:
        assert await install(app) is None  # no token: Telegram off
        console = ConsoleChat(app.registry, app.facade, out=io.StringIO())
        answer = await console.answer("/report")
    assert answer is not None and "[chart:" not in answer
    found = SAVED.search(answer)
    assert found, answer
    path = Path(found.group(1))
    _private_png(path, tmp_path / "charts")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d{6}_KST_report\.png", path.name), path.name


async def test_headless_daily_report_runs_and_saves_its_chart(tmp_path: Path) -> None:
    now = time.time()
    await seed(tmp_path / "bot.sqlite3", now)
    at = (datetime.fromtimestamp(now, KST) + timedelta(seconds=3)).time().replace(microsecond=0)
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.sqlite3", language="en", daily_report_time=at
    )
    out = io.StringIO()
    async with app_context(settings) as app:
        assert settings.telegram.telegram_bot_token is None
        await install(app)
        assert "daily-report" in [c.name for c in app.supervisor.components()]
        app.notifier.set_sender(ConsoleChat(app.registry, app.facade, out=out))
        app.supervisor.start("notifier", app.notifier.run)
        await eventually(lambda: "Daily report" in out.getvalue(), timeout=30)
        await eventually(lambda: SAVED.search(out.getvalue()), timeout=10)
    text = out.getvalue()
    assert "trend-1" in text and "+10,000 KRW" in text
    found = SAVED.search(text)
    assert found is not None
    path = Path(found.group(1))
    _private_png(path, tmp_path / "charts")
    assert path.name.endswith("_KST_daily-report.png")
    assert text.count("Daily report") == 1  # once, not every minute


def test_chart_names_carry_the_zone_and_a_safe_kind() -> None:
    ts = datetime(2026, 12, 5, 12, 0, 3, tzinfo=ZoneInfo("UTC")).timestamp()
    assert chart_name("kimpchart-BTC", ts, KST) == "2026-12-05_210003_KST_kimpchart-BTC.png"
    assert chart_name("../../etc", ts, ZoneInfo("UTC")) == "2026-12-05_120003_UTC_etc.png"


def test_the_charts_folder_keeps_only_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    paths = [
        save_chart(folder, PNG_MAGIC, "report", 1_700_000_000.0, KST, keep=3) for _ in range(5)
    ]
    for p in paths[-3:]:  # same second, same kind: none overwritten, the newest kept
        assert p.exists()
    assert len(list(folder.iterdir())) == 3
    assert prune(folder, 3) == []


async def test_console_says_so_when_a_chart_cannot_be_saved(tmp_path: Path) -> None:
    (tmp_path / "charts").write_text("a file where the folder should be")
    settings = load_settings(env_file=None, db_path=tmp_path / "bot.sqlite3", language="en")
    async with app_context(settings) as app:
        await install(app)
        console = ConsoleChat(app.registry, app.facade, out=io.StringIO())
        answer = await console.answer("/report")
    assert answer is not None and "The chart could not be saved" in answer
    await asyncio.sleep(0)


async def test_console_prints_a_notifications_buttons_as_commands(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, db_path=tmp_path / "bot.sqlite3", language="en")
    out = io.StringIO()
    async with app_context(settings) as app:
        console = ConsoleChat(app.registry, app.facade, out=out)
        row = (Action("🔕 1 h", "/kimpmute XRP 1h"), Action("📈 chart", "/kimpchart XRP"))
        item = OutboxItem(1, NotificationKind.KIMP_ALERT, "XRP alert", None, False, 0.0, 0, (row,))
        assert await console.deliver([item]) == [1]
    assert "[🔕 1 h: /kimpmute XRP 1h]   [📈 chart: /kimpchart XRP]" in out.getvalue()
