"""`python -m bot doctor`: print the pre-flight checklist; exit 0 when nothing is ❌, else 1."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.doctor.checks import run_checks
from bot.doctor.render import render
from core.doctor import failed

EXIT_OK = 0
EXIT_PROBLEMS = 1


def main(settings: Settings) -> int:
    checks = asyncio.run(run_checks(settings))
    print(render(checks, settings.language))
    return EXIT_PROBLEMS if failed(checks) else EXIT_OK
