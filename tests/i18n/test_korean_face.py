"""A complete Korean face (issue 14): the whole service in LANGUAGE=ko against the simulator and
the Bot API emulator; every command's answer (with good and with bad arguments) and every
notification the session produces is read for English words outside an allowlist.

What is allowed: coin tickers, units and other all-capital tokens (BTC, KRW, USDT, KST, SL,
MAX_ORDER_KRW), command names (/buy), the names the user chose (bots, strategies) and a few
product and protocol names. Anything else in Latin letters is an English word the catalog
should have worded in Korean.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest
import pytest_asyncio

from bot.i18n import ko
from bot.telegram import i18n
from core.notifications import NotificationKind
from core.symbols import Instrument, Symbol, Venue
from tests.e2e.conftest import (
    CHAT,
    FUTURES_BOT,
    UPBIT_BOT,
    World,
    running_world,
)
from tests.helpers import eventually
from tests.strategies.conftest import candles_from

# Names the user gave or the venues use, and words Korean traders write in Latin letters.
ALLOWED = {
    UPBIT_BOT,
    FUTURES_BOT,
    "rsi",
    "ema_trend",
    "ma_cross",
    "macd",
    "combined",
    "kimp-bot",  # the product
    "one-way",  # Binance's name for its position mode, next to the Korean word
    "Open",  # Upbit's menu is "Open API 관리"
    "BotFather",  # Telegram's bot for tokens
    "stake",  # the key in bots.toml
    "kimp_hedge",  # a strategy name, like rsi
    "SQLite",  # the database the backups are
    "x",  # leverage: 3x
    "ms",
    "id",
    "on",  # /killswitch on (a command word)
    "off",
    "sl",  # /buy ... sl=3% (an argument name)
    "all",
    "cancel",
    "reset",
    "coin",  # <coin> in usage lines: placeholders
    "qty",
    "amount",
    "amountKRW",
    "amountUSDT",
    "bot",
    "n",
    "days",
    "lines",
    "name",
    "value",
    "command",
    "upbit",  # venue words the user types in commands (/buy upbit BTC 0.01)
    "binance",
    "futures",
    "spot",
    "high",  # /kimpalert names the user types
    "low",
    "jump",
    "digest",
    "cooldown",
    "duration",
    "margin",
    "window",
    "tetherhigh",
    "tetherlow",
    "spreadhigh",  # /kimpalert names and the /kimp spread argument (issue 18)
    "spreadlow",
    "spread",
    "net",  # the /kimp net argument (/kimp net bithumb)
    "fut",
    "up",
    "usdm",
    "e.g",
    "step",
    "implausible",
    "flatten",
    "status",  # /help status
    "v",  # v0.1.0
    "nosuch",  # what the test typed
    "nobot",
    "open",  # /hedge open|close <..> [reverse]: command words the user types
    "close",
    "reverse",
}
HEADERS = tuple(h for h in (i18n.header("ko", kind) for kind in NotificationKind) if h)
# Command lines a trader sends: each with no argument, and the ones that take numbers with a
# good and an absurd one.
LINES = [
    "/help",
    "/help buy",
    "/status",
    "/version",
    "/bots",
    f"/bots {UPBIT_BOT}",
    "/start nobot",
    f"/pause {UPBIT_BOT}",
    f"/resume {UPBIT_BOT}",
    "/balance",
    "/positions",
    "/hedge",
    "/hedge nosuch",
    "/hedge open BTC lots",
    "/orders",
    "/orders all",
    "/trades",
    "/profit",
    "/daily 2",
    "/weekly",
    "/monthly",
    "/kimp",
    "/kimp BTC",
    "/kimpalert",
    "/kimpalert high x",
    "/kimpalert high 1e999",
    "/kimpalert nosuch 3",
    "/buy upbit BTC 1E+30",
    "/buy upbit BTC nan",
    "/buy upbit BTC -1",
    "/buy mars BTC 1",
    "/sell upbit BTC abc",
    "/cancel",
    "/cancel nosuch",
    "/trades abc",
    "/kimpchart BTC",
    "/report",
    f"/start {UPBIT_BOT}",
    f"/bots {UPBIT_BOT}",
    f"/stop {UPBIT_BOT}",
    f"/buy {UPBIT_BOT}",
    f"/sell {UPBIT_BOT}",
    "/killswitch",
    "/frobnicate",
    "hello",
]
# A word: Latin letters not glued to a digit before them (1m, 30s: a timeframe, a unit).
_WORD = re.compile(r"(?<![0-9A-Za-z_%])[A-Za-z][A-Za-z_.\-]*")
# Not read: commands, links, file names, what the user typed (quoted), usage placeholders,
# shell commands to type (in backticks), the `.env` file.
_SKIP = re.compile(
    r"`[^`\n]*`|\.env(?![A-Za-z])|\./dev run --\w+|/\w+|https?://\S+|\b[a-z]+\d\w*|\b[\w.-]+\.(?:png|log|toml|db|sqlite3)(?![A-Za-z])|[A-Z_]+=\w+|'[^'\n]*'|<[^>\n]*>|\[[^\]\n]*\]"
)


def english_words(text: str) -> list[str]:
    """Latin-letter words that are neither all capitals nor allowed."""
    found = []
    for word in _WORD.findall(_SKIP.sub(" ", text)):
        word = word.strip(".-_")
        if not word or word.upper() == word or word in ALLOWED:
            continue
        if word.split("-")[0] in ALLOWED or word.split("_")[0] in ALLOWED:
            continue
        found.append(word)
    return found


def test_the_detector_flags_english_and_spares_tickers() -> None:
    assert english_words("업비트 BTC/KRW 0.01 @ 100,000원 (수수료 50원) /buy MAX_ORDER_KRW") == []
    assert english_words("mode: LIVE, last data 3s ago") == ["mode", "last", "data", "ago"]
    assert english_words("'abc' is not <coin> [n]") == ["is", "not"]


def test_every_korean_template_is_korean() -> None:
    """Every text of the Korean catalog, placeholders aside: the notification kinds the run
    below cannot provoke (liquidations, crashes, storage faults, kimp alerts) included."""
    found = {}
    for key, template in ko.TEXTS.items():
        if words := english_words(re.sub(r"\{[^}]*\}", " ", template)):
            found[key] = words
    assert not found, found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def korean(tmp_path_factory: Any) -> AsyncIterator[World]:
    async with running_world(tmp_path_factory.mktemp("ko"), "서비스 시작", language="ko") as w:
        yield w


@pytest.mark.asyncio(loop_scope="module")
async def test_every_answer_and_notification_is_korean(korean: World) -> None:
    tg = korean.tg

    def answers() -> int:
        return sum(1 for m in tg.sent_messages(CHAT) if not m.content.startswith(HEADERS))

    # Component names are identifiers (market-data, telegram), shown as they are.
    assert korean.service.facade is not None
    ALLOWED.update(c.name for c in korean.service.facade.supervisor.components())
    for line in LINES:  # one at a time, each answered before the next (an answer may be two)
        before = answers()
        tg.send_user_message(CHAT, line)
        await eventually(lambda: answers() > before, timeout=20)  # noqa: B023
    await eventually(lambda: answers() >= len(LINES), timeout=20)
    # A fill and its notice: a manual market buy on the simulator.
    filled = i18n.header("ko", NotificationKind.ORDER_FILLED)
    tg.send_user_message(CHAT, "/buy upbit BTC 100000KRW")
    await tg.wait_for_message(lambda m: m.content.startswith(filled), chat_id=CHAT, timeout=20)
    await decisions_are_made_and_shown(korean)

    seen = {
        f"{m.content[:300]!r}": words
        for m in tg.sent_messages(CHAT)
        if (words := english_words(m.content))
    }
    # One zone label a message (issue 14): a title that names the zone, rows that do not.
    twice = [m.content[:300] for m in tg.sent_messages(CHAT) if m.content.count("KST") > 1]
    assert not twice, "the zone named more than once:\n" + "\n".join(twice)
    assert not seen, "English in the Korean face:\n" + "\n".join(
        f"{k}\n    -> {v}" for k, v in seen.items()
    )


async def decisions_are_made_and_shown(korean: World) -> None:
    """A bot that decides: RSI candles (a rise, a fall, a rise) reach the running bot on the
    bus, a day ahead of the clock so no warm-up candle overlaps; its decision log (/bots
    <name>, read by the test above for English words) shows each reason in Korean."""
    bots, facade = korean.service.facade.bots, korean.service.facade
    assert bots is not None
    before = korean.tg.cursor()
    korean.tg.send_user_message(CHAT, f"/start {UPBIT_BOT}")
    await korean.tg.wait_for_message(lambda m: UPBIT_BOT in m.content, after=before, timeout=20)
    closes = np.r_[np.linspace(100, 110, 30), 110 * 0.99 ** np.arange(1, 16)]
    closes = np.r_[closes, closes[-1] * 1.012 ** np.arange(1, 26)] * 1_000_000
    start = (int(time.time()) // 60 + 24 * 60) * 60_000
    for c in candles_from(closes, Instrument(Venue.UPBIT, Symbol("BTC", "KRW")), start=start):
        facade.bus.publish(c)
    await eventually(lambda: bots.store.decisions(UPBIT_BOT), timeout=30)
    before = korean.tg.cursor()
    korean.tg.send_user_message(CHAT, f"/bots {UPBIT_BOT}")
    shown = await korean.tg.wait_for_message(
        lambda m: "과매도" in m.content, chat_id=CHAT, after=before, timeout=20
    )
    assert "oversold" not in shown.content, shown.content
