"""Issue 12: a spot stop-loss held by the service, not the venue, says so and is never silently
unwatched.

Upbit has no stop orders, and a bot's spot `stop_loss_pct` is enforced by the bot on live
market data. Before, nothing told the user that this protection lapses when the bot stops or
its market data is not current, and `/positions` showed such a position like any other.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal as D
from pathlib import Path

from bot.commands.base import CommandContext
from bot.config import load_settings
from bot.features import strategies as strategies_feature
from bot.features import trading as trading_feature
from bot.i18n import render
from bot.notify.stop_watch import ALIVE_KEY, HeldStop, StopWatch, held_stops, run_stop_watch
from core.clock import ManualClock
from core.market import Quote
from core.notifications import Notification
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.wiring import app_context

BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
BTC_FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
USDT_KRW = Instrument(Venue.UPBIT, Symbol("USDT", "KRW"))
BOTS = """
[bots.spot_sl]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 200000
stop_loss_pct = 2
autostart = true
"""


def words(texts: list[Text]) -> list[str]:
    return [render("en", t) for t in texts]


def test_told_once_when_unwatched_and_once_when_watched_again() -> None:
    watch = StopWatch()
    down = Text.of("stopwatch.why.no_data", venue=Venue.UPBIT)
    held = HeldStop("b", BTC_KRW, 2.0, None)
    assert watch.tick(0.0, [held]) == []
    [told] = words(watch.tick(1.0, [HeldStop("b", BTC_KRW, 2.0, down)]))
    assert "Stop-loss NOT WATCHED" in told and "b's Upbit BTC/KRW" in told and "-2%" in told
    assert "Upbit market data is not current" in told
    assert watch.tick(2.0, [HeldStop("b", BTC_KRW, 2.0, down)]) == []  # once per outage
    [back] = words(watch.tick(31.0, [held]))
    assert "watched again" in back and "not watched for 30 s" in back
    assert watch.tick(32.0, [held]) == []
    # a position closed while unwatched: nothing more to say about it
    watch.tick(40.0, [HeldStop("b", BTC_KRW, 2.0, down)])
    assert watch.tick(41.0, []) == []
    assert watch.tick(42.0, [held]) == []


def test_only_bot_spot_positions_with_a_stop_are_service_held() -> None:
    rows: list[tuple[str | None, Instrument]] = [
        ("sl", BTC_KRW), ("sl", BTC_FUT), ("nosl", BTC_KRW), (None, BTC_KRW),
    ]  # fmt: skip
    pct = {"sl": 2.0, "nosl": None}
    [only] = held_stops(rows, pct, {"sl"}, lambda v: False)
    assert only == HeldStop("sl", BTC_KRW, 2.0, None)
    [stopped] = held_stops(rows, pct, set(), lambda v: False)
    assert stopped.why_unwatched == Text.of("stopwatch.why.bot_stopped")
    [stale] = held_stops(rows, pct, {"sl"}, lambda v: v is Venue.UPBIT)
    assert stale.why_unwatched == Text.of("stopwatch.why.no_data", venue=Venue.UPBIT)


async def test_a_bot_spot_position_with_no_current_data_is_told_and_marked(
    tmp_path: Path, sim: SimExchange
) -> None:
    (tmp_path / "bots.toml").write_text(BOTS)
    urls = {k.lower(): v for k, v in sim.env().items() if k.endswith("_URL")}
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.db", bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies", log_dir=tmp_path / "logs",
        trading_mode="paper", language="en", **urls,
    )  # fmt: skip
    async with app_context(settings) as app:
        await trading_feature.install(app)
        svc = app.facade.trading.svc
        now = time.time()
        app.bus.publish(Quote(USDT_KRW, 1399.0, 1.0, 1400.0, 1.0, int(now * 1000), now))
        app.bus.publish(Quote(BTC_KRW, 99_990_000, 1.0, 100_000_000, 1.0, int(now * 1000), now))
        await eventually(lambda: svc.prices.price(BTC_KRW) is not None)
        # No market-data manager in this slice: nothing watches the bot's stop.
        manager = await strategies_feature.install(app, catalog_wait=0.1)
        await eventually(lambda: "spot_sl" in manager.runners)
        await manager.force_entry("spot_sl")
        assert svc.positions[BTC_KRW].qty > D(0)

        async def told() -> list[str]:
            rows = await app.db.fetchall("SELECT text FROM outbox ORDER BY id")
            return [str(r[0]) for r in rows if "NOT WATCHED" in str(r[0])]

        await eventually(told, timeout=15)
        [note] = await told()
        assert (
            "bot spot_sl's Upbit BTC/KRW position has a -2% stop-loss held by this service, not by the venue"
            in note
        )
        ctx = CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")
        positions = (await app.registry.dispatch("/positions", ctx)).text
        assert "stop -2% held by the service, not the venue" in positions, positions


async def test_a_start_after_downtime_tells_each_service_held_stop_it_was_not_watched(
    tmp_path: Path,
) -> None:
    db = await Database.connect(tmp_path / "kv.db")
    try:
        kv = KeyValueStore(db)
        clock = ManualClock(start=1_800_000_000.0)
        notes: list[Notification] = []

        async def rows() -> list[tuple[str | None, Instrument]]:
            return [("b", BTC_KRW), ("b", BTC_FUT)]

        async def run_once() -> None:
            task = asyncio.create_task(
                run_stop_watch(rows, {"b": 2.0}, {"b"}, lambda v: False, clock, notes.append, kv)
            )
            stamp = f"{clock.now():.0f}"

            async def stamped() -> bool:  # this run's first look is done
                return await kv.get(ALIVE_KEY) == stamp

            await eventually(stamped, timeout=5)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        await run_once()  # the first start ever: nothing to tell
        assert notes == []
        clock.advance(600)  # the service is down for ten minutes
        await run_once()
        [down] = [render("en", n.text) for n in notes]  # the futures position has venue stops
        assert "While this service was down (about 600 s)" in down, down
        assert "bot b's Upbit BTC/KRW -2% stop-loss was NOT WATCHED" in down, down
    finally:
        await db.close()
