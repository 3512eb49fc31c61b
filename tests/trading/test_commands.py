"""The trading installer in paper mode and the commands, through the real command registry."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

from bot.commands.base import CommandContext, Reply
from bot.config import load_settings
from bot.features import AppContext
from bot.features.trading import install
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually, free_port
from tests.wiring import app_context


@asynccontextmanager
async def app_ctx(tmp: Path) -> AsyncIterator[tuple[AppContext, CommandContext]]:
    dead = f"http://127.0.0.1:{free_port()}"  # paper mode reads public rules; none here
    settings = load_settings(
        env_file=None, db_path=tmp / "t.db", upbit_rest_url=dead, binance_rest_url=dead,
        binance_futures_rest_url=dead, max_position_pct=90,
    )  # fmt: skip
    async with app_context(settings, stop_timeout=2.0) as app:
        await install(app)
        yield app, CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")


def quote(app: AppContext, venue: Venue, sym: str, bid: float, ask: float) -> None:
    now = time.time()
    inst = Instrument(venue, Symbol.parse(sym))
    app.bus.publish(Quote(inst, bid, 1.0, ask, 1.0, int(now * 1000), now))


async def run(app: AppContext, ctx: CommandContext, line: str) -> Reply:
    return await app.registry.dispatch(line, ctx)


def confirm_code(reply: Reply) -> str:
    return reply.buttons[0][0].data


async def test_paper_commands_round_trip(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: app.facade.trading.svc.prices.usdt_krw() is not None)
        r = await run(app, ctx, "/buy upbit BTC 100000KRW")
        assert "✅ [paper] buy BTC/KRW: filled" in r.text, r.text
        r = await run(app, ctx, "/balance")
        assert "Upbit:" in r.text and "BTC" in r.text and "Total ≈" in r.text
        r = await run(app, ctx, "/positions")
        assert "Upbit BTC/KRW" in r.text
        r = await run(app, ctx, "/trades 5")
        assert "#1 " in r.text and "manual" in r.text and "-50 KRW" in r.text, r.text
        r = await run(app, ctx, "/daily 2")
        assert "Total" in r.text
        r = await run(app, ctx, "/sell upbit BTC 0.0001")
        assert "Confirm" in r.text
        r = await run(app, ctx, confirm_code(r))
        assert "✅ [paper] sell BTC/KRW: filled" in r.text, r.text
        r = await run(app, ctx, "/orders all")
        assert r.text.count("filled") >= 2


async def test_bad_input_is_answered_clearly(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        for line, expect in [
            ("/buy", "Give the venue"),
            ("/buy kraken BTC 1", "Unknown venue"),
            ("/buy upbit BTC lots", "not a number"),
            ("/buy upbit BTC -1", "positive"),
            ("/sell upbit BTC 5000KRW", "quantity of the coin"),
            ("/sell upbit BTC", "e.g. /sell upbit BTC 0.01 (or a bot"),  # e2e_bugs #2
            ("/cancel nope", "There is no order"),
            ("/trades zero", "not a whole number"),
            ("/killswitch maybe", "Use /killswitch"),
            ("/buy upbit BTC 0.001", "No market price"),
        ]:
            r = await run(app, ctx, line)
            assert expect in r.text, (line, r.text)


async def test_killswitch_refuses_entries_and_persists(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: app.facade.trading.svc.prices.price(
            Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))) is not None)  # fmt: skip
        r = await run(app, ctx, "/killswitch")
        r = await run(app, ctx, confirm_code(r))
        assert "Kill switch ON" in r.text
        r = await run(app, ctx, "/buy upbit BTC 100000KRW")
        assert "kill switch is on" in r.text
    async with app_ctx(tmp_path) as (app, ctx):
        assert app.facade.trading.svc.risk.kill_switch


async def test_commands_refuse_arguments_they_do_not_take(tmp_path: Path) -> None:
    """Regression (found by the e2e Telegram tests): extra arguments were silently ignored."""
    async with app_ctx(tmp_path) as (app, ctx):
        for line, expect in [
            ("/balance upbit", "/balance takes no arguments."),
            ("/positions BTC", "/positions takes no arguments."),
            ("/orders open", "Use /orders (open orders) or /orders all"),
            ("/orders all 5", "Use /orders (open orders) or /orders all"),
            ("/weekly 3 4", "Give at most one number (the number of weeks)"),
            ("/monthly x", "'x' is not a whole number"),
            ("/killswitch cancel now", "Use /killswitch"),
        ]:
            r = await run(app, ctx, line)
            usage = app.registry.get(line.split()[0][1:])
            assert usage is not None
            assert expect in r.text and f"Usage: {usage.usage}" in r.text, (line, r.text)
            assert not r.buttons, line  # nothing to confirm: nothing was done
        assert "No orders yet." in (await run(app, ctx, "/orders ALL")).text


async def test_sell_says_it_opens_a_short_and_spot_oversell_is_refused_first(
    tmp_path: Path,
) -> None:
    """Issue 14: `/sell futures BTC 0.01` with no position opened a 10x short behind the same
    "sell at market?" prompt, and a spot sell of more than held was asked, then refused."""
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        svc = app.facade.trading.svc
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        await eventually(lambda: svc.prices.price(fut) is not None)

        r = await run(app, ctx, "/sell futures BTC 0.01")
        assert "this sell OPENS A SHORT of 0.01 BTC at 10x leverage" in r.text, r.text
        assert "Open the short?" in r.text and r.buttons
        r = await run(app, ctx, confirm_code(r))
        assert "✅ [paper] sell BTC/USDT: filled" in r.text, r.text
        assert svc.positions[fut].qty == -Decimal("0.01")
        r = await run(app, ctx, "/sell futures BTC 0.01")
        assert "already short 0.01 BTC" in r.text and "ADDS 0.01 BTC to the short" in r.text
        r = await run(app, ctx, "/buy futures BTC 0.01")  # closes the short
        r = await run(app, ctx, "/buy futures BTC 0.02")  # a long: a sell now closes it
        r = await run(app, ctx, "/sell futures BTC 0.02")
        assert "Sell 0.02 BTC/USDT at market on Binance USDT-M?" in r.text, r.text

        # Spot: nothing held -> refused at once, no question, no button.
        r = await run(app, ctx, "/sell upbit BTC 0.5")
        assert r.text == "❌ Refused: Not enough BTC to sell: 0.5 asked, 0 free.", r.text
        assert not r.buttons
        r = await run(app, ctx, "/buy upbit BTC 100000KRW")
        held = svc.balances[Venue.UPBIT]["BTC"][0]
        r = await run(app, ctx, "/sell upbit BTC 0.5")
        assert r.text.startswith("❌ Refused: Not enough BTC to sell") and not r.buttons
        r = await run(app, ctx, f"/sell upbit BTC {held}")
        assert f"Sell {held.normalize()} BTC/KRW at market on Upbit?" in r.text and r.buttons


async def test_balance_total_says_what_it_could_not_price(tmp_path: Path) -> None:
    """Issue 14: the total silently left out what had no KRW price (here the USDT wallets
    before any KRW-USDT price arrived)."""
    async with app_ctx(tmp_path) as (app, ctx):
        r = await run(app, ctx, "/balance")
        last = r.text.splitlines()[-1]
        assert last.startswith("⚠️ not in the total (no KRW price now): USDT (Binance"), r.text
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        await eventually(lambda: app.facade.trading.svc.prices.usdt_krw() is not None)
        r = await run(app, ctx, "/balance")
        assert "not in the total" not in r.text, r.text
