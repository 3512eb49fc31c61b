"""numba without type stubs: one typed entry point for `njit`."""

from __future__ import annotations

from typing import Any

from numba import njit as _njit  # type: ignore[import-untyped]


def njit(*args: Any, **kwargs: Any) -> Any:
    """`numba.njit`, typed loosely (numba ships no stubs)."""
    return _njit(*args, **kwargs)
