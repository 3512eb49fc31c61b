"""The pre-flight checklist in words: one heading per area, one line per check (✅ ℹ️ ⚠️ ❌),
and under each ⚠️ and ❌ what to do."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Messages
from core.doctor import Area, Check, CheckStatus

MARK = {
    CheckStatus.OK: "✅",
    CheckStatus.INFO: "ℹ️",
    CheckStatus.WARN: "⚠️",
    CheckStatus.FAIL: "❌",
}
AREAS = (
    Area.BOTS, Area.UPBIT, Area.BITHUMB, Area.BINANCE_SPOT, Area.BINANCE_FUTURES, Area.TELEGRAM,
)  # fmt: skip


def line(check: Check, t: Messages) -> str:
    """`❌ Position mode: hedge mode is on` (with the bot or market when there are several)."""
    item = t(f"doctor.item.{check.item}")
    if check.subject:
        item = f"{item} ({check.subject})"
    return f"{MARK[check.status]} {item}: {t.render(check.found)}"


def render(checks: Sequence[Check], language: str) -> str:
    t = Messages(language)
    lines = [t("doctor.title")]
    for area in AREAS:
        mine = [c for c in checks if c.area is area]
        if not mine:
            continue
        lines.append("")
        lines.append(t(f"doctor.area.{area.value}"))
        for c in mine:
            lines.append("  " + line(c, t))
            if c.fix is not None and c.status in (CheckStatus.WARN, CheckStatus.FAIL):
                lines.append("     → " + t.render(c.fix))
            elif c.fix is not None and c.status is CheckStatus.INFO:
                lines.append("     " + t.render(c.fix))
    lines.append("")
    lines.append(summary(checks, language))
    return "\n".join(lines)


def summary(checks: Sequence[Check], language: str) -> str:
    t = Messages(language)
    fails = sum(c.status is CheckStatus.FAIL for c in checks)
    warns = sum(c.status is CheckStatus.WARN for c in checks)
    if fails:
        return t("doctor.summary_fail", fails=fails, warns=warns)
    if warns:
        return t("doctor.summary_warn", warns=warns)
    return t("doctor.summary_ok")
