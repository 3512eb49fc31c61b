"""Log files: private (0600 in a 0700 folder the service creates)."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loguru import logger

from bot.logging_setup import setup_logging


def test_log_files_are_private(tmp_path: Path) -> None:
    """Regression (issue 12): logs were created world-readable (0644 in 0755)."""
    log_dir = tmp_path / "data" / "logs"
    setup_logging("INFO", log_dir, [])
    try:
        logger.info("hello")
    finally:
        logger.remove()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    assert log_dir.stat().st_mode & 0o777 == 0o700
    assert (log_dir / "bot.log").stat().st_mode & 0o777 == 0o600
    assert "hello" in (log_dir / "bot.log").read_text()


def test_log_lines_carry_the_configured_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression (issue 14): console and log lines were in UTC without saying so."""
    setup_logging("INFO", tmp_path, [], ZoneInfo("Asia/Seoul"))
    try:
        logger.info("zoned")
    finally:
        logger.remove()
    line = (tmp_path / "bot.log").read_text().splitlines()[-1]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} KST \| INFO", line), line
    assert re.match(r"\d\d:\d\d:\d\d KST INFO", capsys.readouterr().err), "console line unlabelled"
