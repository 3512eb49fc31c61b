"""What /status and the daily report say about operations, in both languages."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_settings
from bot.ops.heartbeat import Heartbeat, Sick
from bot.ops.service import Ops
from core.clock import ManualClock
from core.storage import Database


async def test_status_and_report_lines(tmp_path: Path) -> None:
    clock = ManualClock()
    settings = load_settings(env_file=None, backup_keep=2)
    async with Database.open(tmp_path / "bot.sqlite3") as db:
        hb = Heartbeat("http://127.0.0.1:9/x", 60, clock, lambda: None)
        ops = Ops(db, settings.ops, tmp_path / "b", clock, "en", clock.now() - 3 * 86400, hb)
        lines = await ops.status_lines()
        assert lines[0].startswith("Database: ") and "on disk" in lines[0]
        assert lines[1:] == ["Last backup: none yet", "Heartbeat: no ping sent yet"]
        for _ in range(3):
            await ops.backup_now()
            clock.advance(1)
        assert len(list((tmp_path / "b").iterdir())) == 2  # BACKUP_KEEP
        hb.held = Sick("ops.hb.stream_down", "upbit-0", 400)
        alive, beat = await ops.report_lines(0, clock.now())
        assert alive.startswith("💓 Still alive: up 3.0d, database ")
        assert "last backup bot-" in alive
        assert beat == "Heartbeat: held back, stream upbit-0 down for 7m"
        ko = Ops(db, settings.ops, tmp_path / "b", clock, "ko", clock.now(), None)
        assert (await ko.status_lines())[2].startswith("하트비트: 꺼짐")
