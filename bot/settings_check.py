"""Unknown settings: a misspelt key in `.env` (or an app-prefixed environment variable) would
otherwise be ignored in silence and the default used. Each one gets one start-up warning naming
the closest known setting.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

# Environment variables starting with these belong to this app; others (PATH, NO_PROXY, LANG...)
# are the machine's and are left alone. Every key in the .env file is checked.
APP_PREFIXES = (
    "BINANCE_",
    "DAILY_REPORT_",
    "FX_",
    "KIMP_",
    "NOTIFY_",
    "PAPER_",
    "TELEGRAM_",
    "TETHER_",
    "TRADING_",
    "UPBIT_",
)


@dataclass(frozen=True, slots=True)
class UnknownSetting:
    name: str
    source: str  # ".env" (the file's name) or "the environment"
    suggestion: str | None  # the closest known setting, if one is close

    def message(self) -> str:
        hint = f" — did you mean {self.suggestion}?" if self.suggestion else ""
        return f"unknown setting {self.name} in {self.source}{hint}"


def unknown_settings(
    known: Collection[str],
    env_file: str | Path | None,
    environ: Mapping[str, str],
) -> list[UnknownSetting]:
    """Keys of `env_file` and app-prefixed `environ` names that are not in `known`, once each."""
    names = sorted({k.upper() for k in known})
    found: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        for key in dotenv_values(env_file):
            found.setdefault(key.upper(), Path(env_file).name)
    for key in environ:
        if key.upper().startswith(APP_PREFIXES):
            found.setdefault(key.upper(), "the environment")
    out = []
    for key, source in found.items():
        if key in names:
            continue
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
        out.append(UnknownSetting(key, source, close[0] if close else None))
    return out
