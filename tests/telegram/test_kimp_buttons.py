"""The buttons under a coin's kimp alert, over the Bot API emulator: "mute 1 h" and "mute today"
mute that coin (answered in a new message, the alert left as it was), "chart" answers, the
watchlist is set with /watch, and all of it survives a restart of the service."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

from alerts.service import KimpService
from bot.commands import CommandRegistry
from bot.commands.kimp import register_kimp
from bot.commands.kimp_watch import register_watch
from bot.features.kimp import make_service
from bot.notify.outbox import Outbox
from core.clock import ManualClock
from core.notifications import Action, Notification, NotificationKind
from core.storage import Database
from peers.telegram_emulator import SentMessage, TelegramEmulator
from tests.alerts.conftest import bn
from tests.alerts.test_service import COINS, FEES, run_for
from tests.telegram.conftest import CHAT, Running, running


def _registry() -> CommandRegistry:
    registry = CommandRegistry()
    register_kimp(registry)
    register_watch(registry)
    return registry


@asynccontextmanager
async def kimp_bot(
    tmp_path: Path, tg: TelegramEmulator, clock: ManualClock
) -> AsyncIterator[tuple[Running, KimpService]]:
    async with running(tmp_path, tg, registry=_registry(), kimp_min_duration=30) as run:
        s = run.settings
        kimp = make_service(
            s.kimp, s.market_data, s.core, run.db, clock, run.notifier.notify_async, FEES
        )
        await kimp.load()
        kimp.set_coins(set(COINS))
        run.facade.kimp = kimp
        yield run, kimp


def _data(msg: SentMessage, label_part: str) -> str:
    data = next(d for label, d in msg.buttons if label_part in label)
    assert data is not None
    return data


async def _press(tg: TelegramEmulator, msg: SentMessage, label: str, expect: str) -> SentMessage:
    after = tg.cursor()
    tg.press_button(CHAT, msg.message_id, _data(msg, label))
    return await tg.wait_for_message(
        lambda m: expect in m.content, chat_id=CHAT, after=after, timeout=10
    )


async def test_mute_buttons_and_watchlist_work_and_survive_a_restart(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    clock = ManualClock(time.time())
    base = dict.fromkeys(COINS, 1.0)
    async with kimp_bot(tmp_path, tg, clock) as (run, kimp):
        after = tg.cursor()
        await run_for(kimp, clock, {**base, "XRP": 4.0}, 60)
        alert = await tg.wait_for_message(
            lambda m: "XRP" in m.content, chat_id=CHAT, after=after, timeout=10
        )
        labels = [label for label, _ in alert.buttons]
        assert labels == ["🔕 1 h", "🔕 today", "📈 chart"], labels

        answer = await _press(tg, alert, "1 h", "muted until")
        assert answer.message_id != alert.message_id
        assert kimp.is_muted("XRP")
        assert kimp.coin_rule("XRP").muted_until == clock.now() + 3600
        # The alert itself is left as it was, buttons included: it can be pressed again.
        kept = tg.message(CHAT, alert.message_id)
        assert kept.content == alert.content and kept.buttons == alert.buttons

        watched = await run.ask("/watch eth", expect="Watching")
        assert "Watchlist (1): ETH" in watched.content

    # A restart: the mute and the watchlist come back from the database, and the buttons of
    # the alert sent by the previous run still work.
    async with kimp_bot(tmp_path, tg, clock) as (run, kimp):
        assert kimp.is_muted("XRP")
        assert kimp.watchlist() == ["ETH"]
        await run_for(kimp, clock, base, 5)
        detail = await run.ask("/kimp XRP", expect="XRP")
        assert "🔕 Muted until" in detail.content
        assert "Not on the watchlist" in detail.content

        await _press(tg, alert, "today", "muted until")
        local = datetime.fromtimestamp(clock.now(), run.settings.core.tz)
        midnight = datetime.combine(local.date() + timedelta(days=1), dt_time(), local.tzinfo)
        assert kimp.coin_rule("XRP").muted_until == midnight.timestamp()
        chart = await _press(tg, alert, "chart", "XRP")
        assert chart.message_id != alert.message_id
        assert tg.message(CHAT, alert.message_id).content == alert.content

        gone = await run.ask("/unwatch ETH", expect="Stopped watching")
        assert "watchlist is empty" in gone.content
        bad = await run.ask("/kimpmute XRP forever", expect="not a mute length")
        assert "30m, 1h, 2d" in bad.content


async def test_a_queued_notification_keeps_its_buttons_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    note = Notification(
        NotificationKind.KIMP_ALERT,
        "alert",
        "k1",
        buttons=((Action("🔕 1 h", "/kimpmute XRP 1h"), Action("📈", "/kimpchart XRP")),),
    )
    async with Database.open(path) as db:
        await Outbox(db).add(note, silent=False, now=1.0)
    async with Database.open(path) as db:
        (item,) = await Outbox(db).pending()
    assert item.buttons == note.buttons


async def test_a_grouped_suspension_gets_mute_buttons_for_its_coins(
    tmp_path: Path, tg: TelegramEmulator
) -> None:
    clock = ManualClock(time.time())
    base = dict.fromkeys(COINS, 1.0)
    async with kimp_bot(tmp_path, tg, clock) as (run, kimp):
        await run_for(kimp, clock, base, 20)
        after = tg.cursor()
        for _ in range(10):  # Upbit goes silent: every coin (and the tether) is suspended
            for coin in COINS:
                kimp.monitor.on_event(bn(coin, 10.0, clock))
            await kimp.evaluate()
            clock.advance(5)
        group = await tg.wait_for_message(
            lambda m: "suspended for 8" in m.content, chat_id=CHAT, after=after, timeout=10
        )
        assert [label for label, _ in group.buttons] == ["🔕 7 coins: 1 h", "🔕 7 coins: today"]
        answer = await _press(tg, group, "1 h", "muted until")
        assert "ADA, BTC, DOGE, ETH, SOL, TRX, XRP" in answer.content
        assert all(kimp.coin_rule(c).muted_until == clock.now() + 3600 for c in COINS)

    async with kimp_bot(tmp_path, tg, clock) as (run, kimp):  # kept across a restart
        assert all(kimp.is_muted(c) for c in COINS)
        await _press(tg, group, "today", "muted until")  # the old message's button still works
        local = datetime.fromtimestamp(clock.now(), run.settings.core.tz)
        midnight = datetime.combine(local.date() + timedelta(days=1), dt_time(), local.tzinfo)
        assert all(kimp.coin_rule(c).muted_until == midnight.timestamp() for c in COINS)
        part = await run.ask("/kimpmute XRP,NOPE off", expect="back on")
        assert "NOPE" in part.content and not kimp.is_muted("XRP") and kimp.is_muted("ADA")
