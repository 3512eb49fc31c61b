"""Which language chart labels can be drawn in, and the font for Hangul when there is one.

matplotlib's bundled DejaVu Sans has no Hangul: Korean labels would come out as empty boxes.
The project ships one (`core.fonts`: the bundled Noto Sans KR, else a system Nanum/Noto CJK
file); it is registered with matplotlib and made the default family once. Should none be
found, an installed family with Hangul is looked for by name, and without any the charts take
their labels from the English catalog (the rest of the service stays Korean).
"""

from __future__ import annotations

import functools

from core.fonts import hangul_font

# Families with Hangul that Debian/Ubuntu, macOS and Windows ship, in order of preference.
HANGUL_FAMILIES = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "NanumBarunGothic",
    "Malgun Gothic",
    "AppleGothic",
    "UnDotum",
    "Baekmuk Gulim",
)


@functools.cache
def hangul_family() -> str | None:
    """The first installed family with Hangul, set as matplotlib's default; None if none is."""
    from matplotlib import font_manager, rcParams

    family: str | None = None
    if (path := hangul_font()) is not None:
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family = next((f for f in HANGUL_FAMILIES if f in installed), None)
    if family is not None:
        # Once, before any chart is drawn; DejaVu stays the fallback for Latin and symbols.
        rcParams["font.family"] = "sans-serif"
        rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    return family


def chart_language(language: str) -> str:
    """`language` if charts can be labelled in it here, else English."""
    if language == "ko" and hangul_family() is None:
        return "en"
    return language
