"""Issue 18, end to end: `/kimp bithumb`, `/kimp spread` and an Upbit–Bithumb spread alert over
the Bot API emulator, the whole service (Bithumb enabled) streaming from the exchange simulator,
in English and in Korean. The simulator prices Bithumb at Upbit's mid plus a small offset per
coin (`MarketModel.set_bithumb_offset`), so the spread is known from the outside."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from peers.telegram_emulator import SentMessage
from tests.e2e.conftest import CHAT, World, running_world

WORDS = {
    "en": {
        "started": "Service started",
        "bithumb": "Kimchi premium · Bithumb",
        "spread": "Upbit–Bithumb spread",
        "xrp_spread": "XRP Upbit–Bithumb spread -",
        "both": "coins on both venues",
        "dearer": "Bithumb dearer",
        "muted": "XRP alerts muted until",
    },
    "ko": {
        "started": "서비스 시작",
        "bithumb": "김치 프리미엄 · 빗썸",
        "spread": "업비트–빗썸 가격차",
        "xrp_spread": "XRP 업비트–빗썸 가격차 -",
        "both": "양쪽 상장 코인",
        "dearer": "빗썸 쪽이 더 비쌈",
        "muted": "XRP",
    },
}


def _priced(msg: SentMessage) -> bool:
    """A /kimp bithumb table with BTC priced on Bithumb (its row carries a percent)."""
    return any(re.match(r"BTC\s+[+-]\d", line) for line in msg.content.splitlines())


async def _until(world: World, line: str, ok: str, cond: object, tries: int = 120) -> SentMessage:
    """Ask `line` until the answer (containing `ok`) satisfies `cond` (the streams need a few
    seconds to price every venue after start-up)."""
    msg = await world.ask(line, ok)
    for _ in range(tries):
        if callable(cond) and cond(msg):
            return msg
        await asyncio.sleep(0.5)  # pacing, not a deadline: a loaded machine gets a minute
        msg = await world.ask(line, ok)
    raise AssertionError(msg.content)


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_kimp_bithumb_spread_and_a_spread_alert(tmp_path: Path, language: str) -> None:
    w = WORDS[language]
    extra = {"language": language, "bithumb_enabled": True, "kimp_min_duration": 1.0}
    async with running_world(tmp_path, w["started"], **extra) as world:
        table = await _until(world, "/kimp bithumb", w["bithumb"], _priced)
        assert table.content.startswith(w["bithumb"]), table.content
        spread = await _until(world, "/kimp spread", w["spread"], lambda m: w["both"] in m.content)
        assert "Traceback" not in spread.content
        # Bithumb 2.5 % dearer for XRP: the spread (Upbit over Bithumb) falls past -1 %.
        after = world.tg.cursor()
        world.sim.market.set_bithumb_offset("XRP", 2.5)
        alert = await world.tg.wait_for_message(
            lambda m: w["xrp_spread"] in m.content, chat_id=CHAT, after=after, timeout=60
        )
        assert "-1%" in alert.content, alert.content
        one = await world.ask("/kimp spread XRP", w["dearer"])
        assert w["dearer"] in one.content
        # The alert's "mute 1 h" button mutes the coin (its premium on every venue, its spread).
        label, mute = alert.buttons[0]  # the first row: "mute 1 h", "mute today", "chart"
        assert label.startswith("🔕"), alert.buttons
        assert mute is not None, alert.buttons
        muted = await world.press(alert, mute, w["muted"])
        assert "XRP" in muted.content
