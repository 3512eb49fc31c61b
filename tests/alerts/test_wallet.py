"""The optional wallet gate against the exchange simulator's wallet status endpoints.

Upbit `GET /v1/status/wallet` (JWT) and Binance `GET /sapi/v1/capital/config/getall` (HMAC
signed) are served by `SimExchange`; tests change a coin's wallet with
`sim.set_wallet_state(venue, coin, ...)` and break a venue with `sim.faults`.

The gate signs Binance requests with its injected clock, so a manual clock starts at the wall
clock; when a test moves it far ahead, the simulator's Binance clock is skewed to follow.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import aiohttp
import pytest

from alerts.premium import Fees
from alerts.wallet import WalletGate, WalletNote
from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.features.kimp import make_service
from bot.i18n import render
from bot.notify.kimp_alerts import wallet_note
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.clock import Clock, ManualClock
from core.events import EventBus
from core.fills import FEE_RATES
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue
from core.text import Text
from core.wallets import WalletSource
from exchanges.binance.wallet import BinanceWallets
from exchanges.upbit.wallet import UpbitWallets
from peers.exchange_sim.server import SimExchange
from tests.alerts.conftest import SleepLog
from tests.alerts.sim_app import kimp_app, sim_settings
from tests.alerts.test_service import COINS, Inbox, run_for
from tests.helpers import eventually


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=0.02) as exchange:
        yield exchange


Keys = tuple[str, str] | None
SIM_KEYS = "the simulator's keys"


def _gate(
    sim: SimExchange, clock: Clock, session: aiohttp.ClientSession,
    upbit_keys: Keys | str = SIM_KEYS, binance_keys: Keys | str = SIM_KEYS,
) -> WalletGate:  # fmt: skip
    """The gate over the exchanges' wallet clients, as bot/features/kimp.py wires it."""
    up = sim.api_keys["upbit"] if isinstance(upbit_keys, str) else upbit_keys
    bn = sim.api_keys["binance"] if isinstance(binance_keys, str) else binance_keys
    sources: dict[Venue, WalletSource] = {}
    if up is not None:
        sources[Venue.UPBIT] = UpbitWallets(sim.urls["UPBIT_REST_URL"], up, session).fetch
    if bn is not None:
        url = sim.urls["BINANCE_REST_URL"]
        sources[Venue.BINANCE_SPOT] = BinanceWallets(url, bn, clock, session).fetch
    return WalletGate(clock, sources, refresh=300.0)


def _en(lines: Sequence[str | Text]) -> list[str]:
    """Status lines as the app words them in English."""
    return [render("en", line) for line in lines]


def _words(note: WalletNote | None) -> str | None:
    """The gate's mark as the app words it (English)."""
    return None if note is None else wallet_note(note, "en")


async def test_signed_polls_mark_suspended_coins_by_direction(sim: SimExchange) -> None:
    clock = ManualClock(time.time())
    sim.set_wallet_state("upbit", "XRP", "deposit_only")  # withdrawals suspended
    sim.set_wallet_state("binance", "SOL", deposit=False)
    # One network down while another works: the coin can still move.
    sim.set_wallet_state("binance", "ETH", "paused", network="ETH")
    sim.set_wallet_state("upbit", "USDT", withdraw=False, network="TRX")
    async with aiohttp.ClientSession() as session:
        gate = _gate(sim, clock, session)
        assert gate.enabled and await gate.fetch_once()
        assert gate.problems("XRP") == [(Venue.UPBIT, "withdrawals")]
        assert gate.problems("SOL") == [(Venue.BINANCE_SPOT, "deposits")]
        assert gate.problems("ETH") == [] and gate.problems("USDT") == []
        assert gate.problems("BTC") == [] and gate.note("BTC", 5.0) is None
        # A reverse premium needs Upbit withdrawals: blocked. A positive one does not.
        assert (
            _words(gate.note("XRP", -2.5))
            == "⛔ withdrawals suspended on Upbit: cannot be arbitraged"
        )
        assert _words(gate.note("XRP", 3.0)) == (
            "⛔ withdrawals suspended on Upbit (the Binance → Upbit route is open)"
        )
        assert (
            _words(gate.note("SOL", -3.0))
            == "⛔ deposits suspended on Binance: cannot be arbitraged"
        )
        assert (
            _words(gate.note("SOL", None))
            == "⛔ deposits suspended on Binance: cannot be arbitraged"
        )
        assert _en(gate.status_lines()) == [
            "wallet gate: Upbit: 1 coins suspended (0s ago) · Binance: 1 coins suspended (0s ago)"
        ]
        upbit_only = _gate(sim, clock, session, binance_keys=None)
        assert await upbit_only.fetch_once() and list(upbit_only.venues) == [Venue.UPBIT]
        assert upbit_only.problems("SOL") == []  # Binance not checked without its keys
        off = _gate(sim, clock, session, upbit_keys=None, binance_keys=None)
        assert not off.enabled and _en(off.status_lines()) == ["wallet gate off (no API keys)"]


async def test_wrong_keys_garbage_and_a_dead_venue_are_reported_not_raised() -> None:
    clock = ManualClock(time.time())
    async with SimExchange(seed=3) as sim, aiohttp.ClientSession() as session:
        access, _ = sim.api_keys["upbit"]
        key, _ = sim.api_keys["binance"]
        gate = _gate(
            sim, clock, session, upbit_keys=(access, "w" * 40), binance_keys=(key, "x" * 64)
        )
        assert not await gate.fetch_once()
        assert gate.venues[Venue.UPBIT].error == (
            "Upbit wallet status answered HTTP 401: jwt_verification Jwt 토큰 검증에 실패했습니다."
        )
        assert gate.venues[Venue.BINANCE_SPOT].error == (
            "Binance wallet status answered HTTP 400: -1022 Signature for this request is not "
            "valid."
        )
        assert gate.problems("XRP") == []
        assert _en(gate.status_lines())[0].startswith(
            "wallet gate: Upbit: Upbit wallet status answered HTTP 401"
        )
        # A venue answering garbage: the last good answer stays, the reason is shown.
        sim.set_wallet_state("upbit", "XRP", "paused")
        good = _gate(sim, clock, session)
        assert await good.fetch_once() and good.problems("XRP")
        sim.faults.rest_error("upbit", 200, body={"unexpected": "object"})
        sim.faults.rest_error("binance", 200)  # a text/plain "200 OK"
        assert not await good.fetch_once()
        assert good.venues[Venue.UPBIT].error == "Upbit wallet status is not a list"
        assert good.venues[Venue.BINANCE_SPOT].error == "Binance wallet status is not JSON"
        assert good.problems("XRP") == [(Venue.UPBIT, "withdrawals"), (Venue.UPBIT, "deposits")]
        assert (
            "last refresh failed: Upbit wallet status is not a list" in _en(good.status_lines())[0]
        )
    async with aiohttp.ClientSession() as session:
        gone = _gate(sim, clock, session)  # the simulator is stopped: a connection error
        assert not await gone.fetch_once()
    assert gone.venues[Venue.UPBIT].failures == 1
    assert gone.venues[Venue.BINANCE_SPOT].failures == 1


async def test_refreshed_periodically_last_answer_kept_then_dropped_when_old(
    sim: SimExchange,
) -> None:
    clock = SleepLog(time.time())

    def advance(seconds: float) -> None:
        clock.advance(seconds)  # the gate signs Binance requests with this clock
        sim.faults.clock_skew("binance", round((clock.now() - time.time()) * 1000))

    def fail(on: bool) -> None:
        for venue in ("upbit", "binance"):
            if on:
                sim.faults.rest_error(venue, 503, count=1_000_000)
            else:
                sim.faults.clear(venue)

    sim.set_wallet_state("upbit", "XRP", "paused")
    session = aiohttp.ClientSession()
    gate = _gate(sim, clock, session)
    task = asyncio.create_task(gate.run(), name="wallets-test")

    async def rounds(n: int) -> None:  # the loop has polled n times and is parked again
        await eventually(lambda: len(clock.sleeps) == n)

    try:
        await rounds(1)
        assert gate.problems("XRP") == [(Venue.UPBIT, "withdrawals"), (Venue.UPBIT, "deposits")]
        sim.wallets.clear()
        sim.set_wallet_state("upbit", "ETH", "deposit_only")
        sim.set_wallet_state("binance", "DOGE", withdraw=False)
        advance(300)
        await rounds(2)
        assert gate.problems("ETH") == [(Venue.UPBIT, "withdrawals")]
        assert gate.problems("DOGE") == [(Venue.BINANCE_SPOT, "withdrawals")]
        assert gate.problems("XRP") == [] and clock.sleeps == [300.0, 300.0]
        fail(True)
        advance(300)
        await rounds(3)
        assert clock.sleeps[-1] == 60.0  # retries sooner while failing
        assert gate.problems("ETH") and gate.problems("DOGE")  # the last good answers count
        line = _en(gate.status_lines())[0]
        assert "last refresh failed: Upbit wallet status answered HTTP 503" in line
        assert "last refresh failed: Binance wallet status answered HTTP 503" in line
        for n in range(4, 17):  # 300 + 13 * 60 s after the last good answer: too old
            advance(60)
            await rounds(n)
        assert gate.problems("ETH") == [] and gate.problems("DOGE") == []
        assert "too old to use" in _en(gate.status_lines())[0]
        fail(False)
        advance(60)
        await rounds(17)
        assert gate.problems("ETH") and gate.problems("DOGE") and clock.sleeps[-1] == 300.0
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.close()


async def test_alerts_detail_and_headline_are_marked(sim: SimExchange, tmp_path: Path) -> None:
    clock, inbox = ManualClock(time.time()), Inbox()
    settings = load_settings(
        env_file=None, db_path=tmp_path / "k.db", kimp_min_duration=30, kimp_jump_pct=5
    )
    async with Database.open(tmp_path / "k.db") as db, aiohttp.ClientSession() as session:
        sim.set_wallet_state("upbit", "XRP", "deposit_only")  # withdrawals suspended
        gate = _gate(sim, clock, session)
        assert await gate.fetch_once()
        svc = make_service(
            settings.kimp,
            settings.market_data,
            settings.core,
            db,
            clock,
            inbox.send,
            Fees.from_rates(FEE_RATES),
        )
        await svc.load()
        svc.set_coins(set(COINS))
        svc.wallets = gate
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "XRP": -2.4}, 60)
        assert inbox.texts() == [
            "🔻 XRP reverse premium -2.40% (USDT kimp): reached the -2% alert level · "
            "⛔ withdrawals suspended on Upbit: cannot be arbitraged"
        ]
        facade = ServiceFacade(
            settings,
            db,
            EventBus(),
            Supervisor(),
            Notifier(Outbox(db), settings.notify, settings.core.language),
            "t",
        )
        facade.kimp = svc
        registry = CommandRegistry()
        register_kimp(registry)
        ctx = CommandContext(facade, 1, 1, "console")
        detail = (await registry.dispatch("/kimp XRP", ctx)).text
        assert "⛔ withdrawals suspended on Upbit: cannot be arbitraged" in detail
        head = (await registry.dispatch("/kimp", ctx)).text
        assert "XRP -2.40% ⛔" in head and "⛔ deposits or withdrawals suspended" in head
        assert "BTC +1.00% ⛔" not in head
        assert "wallet gate: Upbit: 1 coins suspended" in "\n".join(_en(await svc.status_lines()))


async def test_service_end_to_end_suspend_and_resume_on_the_simulator(
    sim: SimExchange, tmp_path: Path
) -> None:
    """The kimp feature as the service installs it, keys from sim.env(): the simulator
    suspends withdrawals, /kimp <coin> shows the mark with the direction's verdict, and it
    goes away when they resume."""
    for coin in sim.market.coins:
        sim.market.set_premium(coin, 1.0)
    sim.market.set_premium("XRP", -2.0)  # reverse: arbitrage moves XRP Upbit -> Binance
    sim.market.set_premium("ETH", 2.5)  # forward: Binance -> Upbit
    settings = sim_settings(sim, tmp_path / "k.db", kimp_wallet_refresh=0.2)
    async with kimp_app(settings) as k:
        assert "kimp-wallets" in [c.name for c in k.app.supervisor.components()]
        gate = k.svc.wallets
        assert gate is not None and set(gate.venues) == {Venue.UPBIT, Venue.BINANCE_SPOT}
        await eventually(lambda: all(v.fetched_at for v in gate.venues.values()))
        await eventually(lambda: k.svc.monitor.snapshot("XRP") and k.svc.monitor.snapshot("ETH"))

        async def detail(coin: str) -> str:
            return (await k.run(f"/kimp {coin}")).text

        async def shows(coin: str, text: str | None) -> None:
            """Wait until /kimp <coin> shows `text` (None: no ⛔ mark at all)."""

            async def check() -> bool:
                body = await detail(coin)
                return "⛔" not in body if text is None else text in body

            await eventually(check)

        await shows("XRP", None)
        await shows("ETH", None)
        sim.set_wallet_state("upbit", "XRP", withdraw=False)
        sim.set_wallet_state("binance", "ETH", withdraw=False)
        sim.set_wallet_state("upbit", "BTC", withdraw=False)
        await shows("XRP", "⛔ withdrawals suspended on Upbit: cannot be arbitraged")
        await shows("ETH", "⛔ withdrawals suspended on Binance: cannot be arbitraged")
        # BTC's +1 % premium is taken Binance -> Upbit: Upbit withdrawals do not matter.
        await shows("BTC", "⛔ withdrawals suspended on Upbit (the Binance → Upbit route is open)")
        status = "\n".join(_en(await k.svc.status_lines()))
        assert "wallet gate: Upbit: 2 coins suspended" in status
        assert "Binance: 1 coins suspended" in status

        sim.set_wallet_state("upbit", "XRP", withdraw=True)
        await shows("XRP", None)
        assert "⛔" in await detail("ETH")  # only XRP was resumed
        sim.wallets.clear()
        await shows("ETH", None)
        await shows("BTC", None)
