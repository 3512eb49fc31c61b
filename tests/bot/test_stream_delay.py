"""Issue 12: a stream that falls behind the venue is told to the user, once, and so is its
recovery; a stream hovering around the limit does not fill the chat."""

from __future__ import annotations

import asyncio
import contextlib

from bot.i18n import render
from bot.notify.stream_delay import DelayNotices, run_delay_notices
from core.clock import SystemClock
from core.events import EventBus
from core.market import StreamState, StreamStatus
from core.notifications import Notification, NotificationKind
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from exchanges import reasons
from exchanges.manager import MarketDataConfig, MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually

T0 = 1_700_000_000.0
B = Venue.BINANCE_SPOT
SPOT = Instrument(B, Symbol("BTC", "USDT"))


def st(
    state: StreamState, ts: float, why: str | Text = "", conn: str = "binance-0"
) -> StreamStatus:
    return StreamStatus(B, conn, state, why, ts)


def delayed(ts: float, seconds: float = 12.0, conn: str = "binance-0") -> StreamStatus:
    return st(StreamState.DEGRADED, ts, reasons.delayed(seconds), conn)


def caught_up(ts: float, conn: str = "binance-0") -> StreamStatus:
    return st(StreamState.RECOVERED, ts, reasons.CAUGHT_UP, conn)


def keys(texts: list[Text]) -> list[str]:
    return [t.key for t in texts]


def test_a_flapping_stream_is_told_once_delayed_and_once_caught_up() -> None:
    n = DelayNotices(settle=60)
    out = []
    out += n.on_status(st(StreamState.UP, T0, reasons.CONNECTED))
    out += n.on_status(delayed(T0 + 1, 12))
    for i in range(10):  # on time for 10 s, behind again: ten flaps within the settle time
        t = T0 + 2 + i * 20
        out += n.on_status(caught_up(t))
        out += n.tick(t + 10)
        out += n.on_status(delayed(t + 15, 20))
        out += n.tick(t + 16)
    assert keys(out) == ["stream.delay_notice"]
    last = T0 + 300
    out += n.on_status(caught_up(last))
    assert n.tick(last + 30) == []  # not settled yet
    told = n.tick(last + 61)
    assert keys(told) == ["stream.caught_up_notice"]
    assert told[0].params["seconds"] == 20  # the worst it was
    assert n.tick(last + 200) == []


def test_a_repeat_within_the_hour_waits_longer_before_caught_up() -> None:
    n = DelayNotices(settle=60)
    n.on_status(st(StreamState.UP, T0, reasons.CONNECTED))
    assert keys(n.on_status(delayed(T0 + 1))) == ["stream.delay_notice"]
    n.on_status(caught_up(T0 + 2))
    n.tick(T0 + 3)
    assert keys(n.tick(T0 + 63)) == ["stream.caught_up_notice"]
    assert keys(n.on_status(delayed(T0 + 100))) == ["stream.delay_notice"]
    n.on_status(caught_up(T0 + 101))
    n.tick(T0 + 102)
    assert n.tick(T0 + 162) == []  # 120 s now
    assert keys(n.tick(T0 + 223)) == ["stream.caught_up_notice"]


def test_a_delayed_connection_that_drops_is_not_caught_up_until_it_is_back_on_time() -> None:
    n = DelayNotices(settle=60)
    n.on_status(st(StreamState.UP, T0, reasons.CONNECTED))
    n.on_status(st(StreamState.UP, T0, reasons.CONNECTED, conn="binance-1"))
    n.on_status(delayed(T0 + 1))
    n.on_status(st(StreamState.DOWN, T0 + 5, reasons.CONNECTION_LOST))
    assert n.tick(T0 + 6) == [] and n.tick(T0 + 500) == []  # down: not "caught up"
    # The REST fallback and the venue-level status are not connections of their own.
    n.on_status(StreamStatus(B, "binance-rest", StreamState.DEGRADED, "rest", T0 + 501))
    n.on_status(st(StreamState.RECOVERED, T0 + 600, reasons.CONNECTED))
    n.tick(T0 + 601)
    assert keys(n.tick(T0 + 662)) == ["stream.caught_up_notice"]


async def test_a_lagging_simulator_stream_is_told_in_both_languages_then_its_recovery() -> None:
    notes: list[Notification] = []
    async with SimExchange(seed=5, tick_interval=0.02) as sim:
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        bus = EventBus()
        config = MarketDataConfig(**urls, venues=(B,), warmup=2, max_lag=1.5)
        md = MarketDataManager(config, bus, SystemClock())
        md.subscribe_symbols([SPOT])
        tasks = [
            asyncio.create_task(md.run()),
            asyncio.create_task(
                run_delay_notices(bus, SystemClock(), notes.append, tick=0.2, settle=1.0)
            ),
        ]
        try:
            await eventually(lambda: not md.is_stale(B), 30)
            sim.faults.delay_frames("binance", 3.0)
            await eventually(lambda: len(notes) == 1, 20)
            await asyncio.sleep(1.0)  # still behind: nothing more
            assert len(notes) == 1
            sim.faults.delay_frames("binance", 0)
            await eventually(lambda: len(notes) == 2, 30)
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks)
    assert all(n.kind is NotificationKind.STREAM for n in notes)
    first, second = (n.text for n in notes)
    assert isinstance(first, Text) and isinstance(second, Text)
    en, ko = render("en", first), render("ko", first)
    assert "Binance" in en and "delayed" in en and "s behind the venue" in en, en
    assert "지연" in ko and "초 늦게" in ko, ko
    assert "caught up" in render("en", second) and "따라잡았습니다" in render("ko", second)
