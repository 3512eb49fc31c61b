"""A font with Hangul for the charts (issue 14: Korean titles and labels). matplotlib's
default, DejaVu Sans, has no Hangul: Korean text would draw as empty boxes.

The project depends on `pylopdf-fonts-ko` (Noto Sans KR, SIL Open Font License) so that every
machine has one; a system Nanum or Noto CJK font is used when that package is missing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# Debian's fonts-nanum and fonts-noto-cjk, macOS's Apple SD Gothic Neo.
_SYSTEM = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
)


@cache
def hangul_font() -> Path | None:
    """The file of a font that has Hangul, or None when the machine has none."""
    try:
        from pylopdf_fonts_ko import sans_path
    except ImportError:
        pass
    else:
        bundled = Path(sans_path())
        if bundled.is_file():
            return bundled
    return next((Path(p) for p in _SYSTEM if Path(p).is_file()), None)
