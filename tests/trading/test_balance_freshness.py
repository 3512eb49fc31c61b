"""Issue 12 item 11b: /balance never shows balances it could not refresh as if they were current.

LIVE mode on the exchange simulator: while Upbit's REST answers 503, /balance still shows the
balances it last fetched, marked with the time they were fetched and "venue unreachable"; once
the venue answers again the marker is gone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.commands.base import CommandContext
from bot.config import load_settings
from bot.features import AppContext
from bot.features.trading import install
from peers.exchange_sim.server import SimExchange
from tests.wiring import app_context

# issue 14: the time says its zone (the settings' TIMEZONE, KST by default)
UNREACHABLE = re.compile(r"^Upbit: ⚠️ as of \d\d:\d\d KST, venue unreachable$", re.M)


@asynccontextmanager
async def live_app(tmp: Path, sim: SimExchange) -> AsyncIterator[tuple[AppContext, CommandContext]]:
    values = {k.lower(): v for k, v in sim.env().items()}
    settings = load_settings(
        env_file=None, db_path=tmp / "t.db", trading_mode="live", language="en", **values
    )
    async with app_context(settings, stop_timeout=5.0) as app:
        await install(app)
        yield app, CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")


async def balance(app: AppContext, ctx: CommandContext) -> str:
    return (await app.registry.dispatch("/balance", ctx)).text


def venue_marks(text: str) -> list[str]:
    """The ⚠️ marks on venue lines (not the total's note on what it could not price)."""
    return [line for line in text.splitlines() if "⚠️" in line and "not in the total" not in line]


async def test_balances_from_an_unreachable_venue_are_marked_with_their_time(
    tmp_path: Path,
) -> None:
    async with (
        SimExchange(seed=1, tick_interval=0.02) as sim,
        live_app(tmp_path, sim) as (app, ctx),
    ):
        fresh = await balance(app, ctx)
        assert re.search(r"^Upbit:$", fresh, re.M), fresh
        assert not venue_marks(fresh), fresh
        krw = re.search(r"^  KRW .*$", fresh, re.M)
        assert krw, fresh

        sim.faults.rest_error("upbit", 503, count=1000)
        stale = await balance(app, ctx)
        assert UNREACHABLE.search(stale), stale
        assert krw.group(0) in stale  # the cached balances are still shown, with the marker
        assert re.search(r"^Binance spot:$", stale, re.M), stale  # other venues unaffected

        sim.faults.clear("upbit")
        again = await balance(app, ctx)
        assert re.search(r"^Upbit:$", again, re.M) and not venue_marks(again), again


async def test_a_venue_unreachable_since_start_says_its_balances_are_unavailable(
    tmp_path: Path,
) -> None:
    async with SimExchange(seed=1, tick_interval=0.02) as sim:
        sim.faults.rest_error("upbit", 503, count=100_000)
        async with live_app(tmp_path, sim) as (app, ctx):
            text = await balance(app, ctx)
            assert re.search(r"^Upbit: ⚠️ unavailable: venue unreachable$", text, re.M), text
