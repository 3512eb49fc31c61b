"""Log files: private (0600 in a 0700 folder the service creates)."""

from __future__ import annotations

from pathlib import Path

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
