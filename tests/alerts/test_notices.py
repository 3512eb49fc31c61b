"""Upbit's own warnings against the simulator: a flag set with the simulator's switch is
announced within one refresh, blocks new entries through the board, and its lifting is
announced too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alerts.notices import NoticeWatcher
from bot.i18n import render
from bot.notify.kimp_alerts import notice_buttons
from core.clock import ManualClock
from core.market_notices import NoticeBoard
from core.notifications import Notification
from core.symbols import Instrument, Symbol, Venue
from exchanges.upbit.notices import UpbitNotices
from peers.exchange_sim.server import SimExchange
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.helpers import eventually

XRP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=5) as exchange:
        yield exchange


async def test_flag_added_is_alerted_within_one_refresh_and_blocks_entries(
    sim: SimExchange,
) -> None:
    assert sim.upbit is not None
    sent: list[Notification] = []

    async def send(n: Notification) -> None:
        sent.append(n)

    board = NoticeBoard()
    client = UpbitNotices(sim.urls["UPBIT_REST_URL"])
    watcher = NoticeWatcher(Venue.UPBIT, client.fetch, board, ManualClock(), send)
    try:
        assert await watcher.refresh_once() == []  # the starting point: nothing announced
        assert board.entry_problem(XRP) is None

        sim.upbit.rest.set_market_event("KRW-XRP", cautions=("GLOBAL_PRICE_DIFFERENCES",))
        await watcher.refresh_once()
        assert [render("en", n.text) for n in sent] == [
            "⚠️ Upbit XRP/KRW: caution flag GLOBAL_PRICE_DIFFERENCES"
        ]
        why = board.entry_problem(XRP)
        assert why is not None and render("en", why) == (
            "no new entry: Upbit flags XRP/KRW (caution: GLOBAL_PRICE_DIFFERENCES)"
        )
        assert "투자주의" in render("ko", why)

        sim.upbit.rest.set_market_event("KRW-XRP", warning=True)
        await watcher.refresh_once()  # two changes of one coin in one refresh: one message
        assert [render("en", n.text) for n in sent[1:]] == [
            "⚠️ Upbit: warning/caution flags changed on 1 coin(s)\n"
            "⚠️ Upbit XRP/KRW: investment warning issued\n"
            "✅ Upbit XRP/KRW: caution flag lifted: GLOBAL_PRICE_DIFFERENCES"
        ]
        sim.upbit.rest.set_market_event("KRW-XRP")
        await watcher.refresh_once()
        assert render("en", sent[-1].text) == "✅ Upbit XRP/KRW: investment warning lifted"
        assert board.entry_problem(XRP) is None

        sim.faults.rest_error("upbit", 503, count=1)  # a failed refresh keeps the board
        sim.upbit.rest.set_market_event("KRW-XRP", warning=True)
        assert await watcher.refresh_once() == [] and watcher.last_error
        assert board.entry_problem(XRP) is None
    finally:
        await client.close()


async def test_flag_shown_in_kimp_and_alerted_by_the_running_service(
    sim: SimExchange, tmp_path: Path
) -> None:
    assert sim.upbit is not None
    settings = sim_settings(sim, tmp_path / "k.db", upbit_warnings_refresh=0.3)
    async with kimp_app(settings) as k:
        m = k.svc.monitor
        await eventually(lambda: len(m.top(100)) == len(sim.market.coins))
        await eventually(lambda: Venue.UPBIT in k.app.notices.known)
        sim.upbit.rest.set_market_event("KRW-ETH", cautions=("GLOBAL_PRICE_DIFFERENCES",))

        async def flagged() -> list[str]:
            return [a for a in await k.alerts() if "caution flag" in a]

        (alert,) = await eventually(flagged, timeout=10)
        assert alert == "⚠️ Upbit ETH/KRW: caution flag GLOBAL_PRICE_DIFFERENCES"
        head = (await k.run("/kimp")).text
        assert "ETH " in head and "⚠️ Upbit ETH: caution: GLOBAL_PRICE_DIFFERENCES" in head
        detail = (await k.run("/kimp ETH")).text
        assert "⚠️ Upbit ETH: caution: GLOBAL_PRICE_DIFFERENCES" in detail
        assert "⚠️ Upbit" not in (await k.run("/kimp BTC")).text


async def test_several_coins_flagged_in_one_refresh_are_one_message_with_group_mutes(
    sim: SimExchange,
) -> None:
    """Regression: each market's change used to be its own message (a wave of GLOBAL_PRICE_
    DIFFERENCES flags on a premium spike sent one alert per coin)."""
    assert sim.upbit is not None
    sent: list[Notification] = []

    async def send(n: Notification) -> None:
        sent.append(n)

    client = UpbitNotices(sim.urls["UPBIT_REST_URL"])
    watcher = NoticeWatcher(
        Venue.UPBIT, client.fetch, NoticeBoard(), ManualClock(), send,
        buttons=lambda coins: notice_buttons(coins, "en"),
    )  # fmt: skip
    try:
        await watcher.refresh_once()
        flag = ("GLOBAL_PRICE_DIFFERENCES",)
        for market in ("KRW-XRP", "KRW-ETH"):
            sim.upbit.rest.set_market_event(market, cautions=flag)
        sim.upbit.rest.set_market_event("KRW-BTC", warning=True, cautions=flag)
        changes = await watcher.refresh_once()
        assert len(changes) == 4
        (note,) = sent
        assert render("en", note.text) == "\n".join(
            [
                "⚠️ Upbit: warning/caution flags changed on 3 coin(s)",
                "⚠️ Upbit BTC/KRW: investment warning issued",
                "⚠️ Upbit BTC/KRW: caution flag GLOBAL_PRICE_DIFFERENCES",
                "⚠️ Upbit ETH/KRW: caution flag GLOBAL_PRICE_DIFFERENCES",
                "⚠️ Upbit XRP/KRW: caution flag GLOBAL_PRICE_DIFFERENCES",
            ]
        )
        assert render("ko", note.text).startswith(
            "⚠️ 업비트: 코인 3개의 투자경고/투자주의 지정 변경"
        )
        assert [[(b.label, b.command) for b in row] for row in note.buttons] == [
            [
                ("🔕 3 coins: 1 h", "/kimpmute BTC,ETH,XRP 1h"),
                ("🔕 3 coins: today", "/kimpmute BTC,ETH,XRP today"),
            ]
        ]
        sim.upbit.rest.set_market_event("KRW-ETH")  # one coin: its own line and its own buttons
        await watcher.refresh_once()
        assert render("en", sent[-1].text) == (
            "✅ Upbit ETH/KRW: caution flag lifted: GLOBAL_PRICE_DIFFERENCES"
        )
        assert [b.command for b in sent[-1].buttons[0]] == [
            "/kimpmute ETH 1h", "/kimpmute ETH today", "/kimpchart ETH",
        ]  # fmt: skip
    finally:
        await client.close()
