"""The leverage of a manual hedge's short: HEDGE_DEFAULT_LEVERAGE, `lev=N` on /hedge open, and a
clear refusal above MAX_LEVERAGE (issue 16, second pass). Through the real command registry over
the paper brokers, as tests/trading/test_hedge_commands.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.commands.base import CommandContext
from bot.config import SettingsError, load_settings
from bot.features import AppContext
from bot.features.trading import install
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually, free_port
from tests.trading.test_commands import confirm_code, run
from tests.trading.test_hedge_commands import prices
from tests.wiring import app_context


@asynccontextmanager
async def hedge_app(tmp: Path, **env: Any) -> AsyncIterator[tuple[AppContext, CommandContext]]:
    dead = f"http://127.0.0.1:{free_port()}"  # paper mode reads public rules; none here
    settings = load_settings(
        env_file=None, db_path=tmp / "t.db", upbit_rest_url=dead, binance_rest_url=dead,
        binance_futures_rest_url=dead, max_position_pct=90, **env,
    )  # fmt: skip
    async with app_context(settings, stop_timeout=2.0) as app:
        await install(app)
        yield app, CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")


async def opened(app: AppContext, ctx: CommandContext, line: str) -> str:
    r = await run(app, ctx, line)
    r = await run(app, ctx, confirm_code(r))
    found = re.search(r"Hedge (h[0-9a-f]+) open", r.text)
    assert found is not None, r.text
    return found.group(1)


async def test_manual_hedge_takes_the_setting_and_lev_argument(tmp_path: Path) -> None:
    async with hedge_app(
        tmp_path, hedge_default_leverage=3, max_leverage=5, default_leverage=5
    ) as (app, ctx):
        desk = app.facade.hedges
        assert desk is not None
        prices(app, 140_000_000, 99_000)
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        svc = app.facade.trading.svc  # type: ignore[union-attr]
        await eventually(lambda: svc.prices.price(fut) is not None)
        r = await run(app, ctx, "/hedge open BTC 2000000")
        assert "at 3x?" in r.text, r.text
        first = await opened(app, ctx, "/hedge open BTC 2000000")
        view = await desk.detail(first)
        assert view is not None and view.record.leverage == 3
        r = await run(app, ctx, "/hedge open BTC 2000000 lev=2")
        assert "at 2x?" in r.text, r.text
        second = await opened(app, ctx, "/hedge open BTC 2000000 lev=2")
        view = await desk.detail(second)
        assert view is not None and view.record.leverage == 2


async def test_lev_above_max_leverage_is_refused_before_asking(tmp_path: Path) -> None:
    async with hedge_app(tmp_path, max_leverage=5, default_leverage=5) as (app, ctx):
        for line, said in (
            ("/hedge open XRP 1000000 lev=6", "Leverage 6x is outside 1-5x (MAX_LEVERAGE)"),
            ("/hedge open XRP 1000000 lev=0", "Leverage 0x is outside 1-5x"),
            ("/hedge open XRP 1000000 lev=two", "whole number from 1 to 5"),
            ("/hedge open XRP 1000000 reverse lev=1.5", "whole number from 1 to 5"),
        ):
            r = await run(app, ctx, line)
            assert said in r.text and not r.buttons, (line, r.text)


def test_hedge_default_leverage_above_max_is_a_settings_problem() -> None:
    with pytest.raises(SettingsError, match="HEDGE_DEFAULT_LEVERAGE is above MAX_LEVERAGE"):
        load_settings(env_file=None, hedge_default_leverage=10, max_leverage=5, default_leverage=5)
