"""The mute buttons under a grouped kimp notice: every command line fits Telegram's 64-byte
callback data, however many coins the group has, and no coin is left out."""

from __future__ import annotations

from alerts.events import AlertEvent, EventKind, Zone
from bot.i18n import Messages
from bot.notify.kimp_alerts import CALLBACK_LIMIT, group_buttons


def _suspended(coin: str) -> AlertEvent:
    return AlertEvent(f"coin:{coin}", coin, EventKind.SUSPENDED, None, Zone.NORMAL, 0, 0, 1.0)


def test_a_long_group_is_split_into_rows_that_fit_the_callback_limit() -> None:
    coins = [f"COIN{i:02d}" for i in range(20)]
    rows = group_buttons([_suspended(c) for c in coins], Messages("en"))
    commands = [a.command for row in rows for a in row]
    assert all(len(c.encode()) <= CALLBACK_LIMIT for c in commands)
    muted = [c for cmd in commands if cmd.endswith(" 1h") for c in cmd.split()[1].split(",")]
    assert muted == sorted(coins)  # each coin in exactly one row
    # "/kimpmute " + 7 coins of 6 + 6 commas + " today" = 64 bytes: exactly the limit
    assert rows[0][0].label == "🔕 COIN00…COIN06 (7): 1 h"


def test_one_coin_or_only_the_tether_gets_no_group_buttons() -> None:
    t = Messages("en")
    assert group_buttons([_suspended("XRP")], t) == ()
    tether = AlertEvent("tether", "Tether", EventKind.SUSPENDED, None, Zone.NORMAL, 0, 0, 1.0)
    assert group_buttons([tether, _suspended("XRP")], t) == ()
