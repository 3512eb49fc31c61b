"""loguru: console + rotating file, with every configured secret redacted from every record."""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from bot.i18n import render
from core.storage.files import private_dir, private_opener
from core.text import set_log_words
from exchanges.ccxt.redact import redact_request_details

if TYPE_CHECKING:
    from loguru import Record

REDACTED = "***"


class SecretRedactor:
    """Replaces any configured secret in log messages, and signed request details (query
    strings, signatures, tokens) in venue error texts."""

    def __init__(self, secrets: list[str]) -> None:
        # Long first: a secret that contains another must be replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        text = redact_request_details(text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __call__(self, record: Record) -> None:
        # Always: signed request details are redacted even when no secret is configured.
        record["message"] = self.redact(record["message"])
        exc = record["exception"]
        if exc is not None and exc.value is not None:
            args = getattr(exc.value, "args", ())
            with contextlib.suppress(AttributeError, TypeError):
                exc.value.args = tuple(self.redact(a) if isinstance(a, str) else a for a in args)


# Every line says its time in the configured zone, and which zone that is (issue 14).
CONSOLE_FORMAT = "<green>{time:HH:mm:ss zz}</green> <level>{level: <7}</level> {name}: {message}"
FILE_FORMAT = (
    "{time:YYYY-MM-DD HH:mm:ss.SSS zz} | {level: <8} | {name}:{function}:{line} - {message}"
)


def setup_logging(
    level: str,
    log_dir: Path | None,
    secrets: list[str],
    tz: tzinfo = UTC,
    retention_days: int = 14,
) -> SecretRedactor:
    """Console and file logging, secrets redacted, times in `tz` (TIMEZONE) with its name."""
    redactor = SecretRedactor(secrets)
    # Engines log `Text` values (e.g. a stream's reason): worded in English, as logs always were.
    set_log_words(partial(render, "en"))
    logger.remove()

    def patch(record: Record) -> None:
        record["time"] = record["time"].astimezone(tz)
        redactor(record)

    logger.configure(patcher=patch)
    logger.add(
        sys.stderr,
        level=level,
        format=CONSOLE_FORMAT,
        backtrace=False,
        diagnose=False,  # diagnose would print local variables, secrets included
    )
    if log_dir is not None:
        try:
            private_dir(log_dir)
            logger.add(
                log_dir / "bot.log",
                level=level,
                format=FILE_FORMAT,
                rotation="10 MB",
                # Rotated files age out (LOG_RETENTION_DAYS); the size cap bounds a noisy day.
                retention=f"{retention_days} days",
                encoding="utf-8",
                backtrace=False,
                diagnose=False,
                enqueue=False,
                opener=private_opener,  # 0600, rotated files too
            )
        except OSError as exc:
            logger.warning("file logging disabled: cannot write to {} ({})", log_dir, exc.strerror)
    return redactor


def tail_log(log_dir: Path, lines: int) -> list[str]:
    path = log_dir / "bot.log"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 256 * 1024))
        data = fh.read().decode("utf-8", errors="replace")
    # Lines written before request details were redacted at logging time are scrubbed here too.
    return [redact_request_details(line) for line in data.splitlines()[-lines:]]
