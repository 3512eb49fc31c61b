"""The kimp table as the page and the push stream show it: every coin, one flat row each."""

from __future__ import annotations

from typing import Any

from bot.i18n import Messages
from bot.providers import TetherSource


def kimp_rows(monitor: TetherSource, m: Messages) -> list[dict[str, Any]]:
    rows = []
    for c in monitor.snapshots():
        ages = [a for a in (c.ages.upbit, c.ages.binance, c.ages.usdt) if a is not None]
        rows.append(
            {
                "coin": c.coin,
                "upbit_krw": c.upbit_krw,
                "binance_usdt": c.binance_usdt,
                "usdt_kimp": _round(c.usdt_kimp),
                "fx_kimp": _round(c.fx_kimp),
                "age": round(max(ages), 1) if ages else None,
                "ages": {"upbit": c.ages.upbit, "binance": c.ages.binance, "usdt": c.ages.usdt},
                "suspended": None if c.suspended is None else m.render(c.suspended),
                "implausible": c.implausible,
            }
        )
    return rows


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 3)
