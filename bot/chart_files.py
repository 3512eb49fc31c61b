"""Charts as files: where the console (and the headless daily report) leave their PNGs.

Without Telegram a chart has nowhere to be shown, so it is written under `<data dir>/charts/`
with a time stamp in the configured zone and its kind in the name, e.g.
`2026-12-05_211503_KST_report.png`, owner-only like every other data file.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime, tzinfo
from pathlib import Path

from core.storage.files import private_dir, private_opener

# A chart is 40-100 KiB (python -m bench.charts): 200 of them stay under ~20 MB on a small server
# and still hold weeks of daily reports plus what a trader asks for by hand. Older ones are
# removed as new ones come.
KEEP_CHARTS = 200

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def charts_dir(data_dir: Path) -> Path:
    """The charts folder inside the data folder (the folder that holds the database)."""
    return data_dir / "charts"


def chart_name(kind: str, when: float, tz: tzinfo) -> str:
    """`YYYY-MM-DD_HHMMSS_<zone>_<kind>.png`; the kind is reduced to a safe file-name part."""
    local = datetime.fromtimestamp(when, tz)
    zone = _UNSAFE.sub("", local.tzname() or "") or "local"
    safe_kind = _UNSAFE.sub("-", kind).strip("-") or "chart"
    return f"{local:%Y-%m-%d_%H%M%S}_{zone}_{safe_kind}.png"


def save_chart(
    folder: Path, png: bytes, kind: str, when: float, tz: tzinfo, keep: int = KEEP_CHARTS
) -> Path:
    """Write `png` as a new 0600 file in `folder` (0700) and keep the newest `keep` charts.

    Blocking file I/O: call it through `asyncio.to_thread` from the event loop."""
    private_dir(folder)
    name = chart_name(kind, when, tz)
    path = folder / name
    n = 1
    while path.exists():  # two charts of one kind in the same second: keep both
        n += 1
        path = folder / name.replace(".png", f"_{n}.png")
    with open(path, "xb", opener=private_opener) as f:
        f.write(png)
    prune(folder, keep, just_written=path)
    return path


def prune(folder: Path, keep: int, just_written: Path | None = None) -> list[Path]:
    """Remove all but the newest `keep` charts (by modification time, then name).

    `just_written` counts as the newest whatever the file system's time stamps say (several
    charts can share one mtime tick)."""
    charts = []
    if just_written is not None:
        keep -= 1
    for p in folder.glob("*.png"):
        if p == just_written:
            continue
        try:
            charts.append((p.stat().st_mtime, p.name, p))
        except FileNotFoundError:  # removed meanwhile
            continue
    charts.sort()
    old = [p for _, _, p in charts[: max(0, len(charts) - keep)]]
    for p in old:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)
    return old
