"""/kimp <coin> with the perpetual's funding, /kimpalert <coin>, /kimpmute and /watch answers
(bad input gets a clear answer), and the funding tail of a futures row in /positions."""

from __future__ import annotations

from pathlib import Path

from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.commands.kimp_watch import register_watch
from bot.features.kimp import make_service
from core.clock import ManualClock
from core.market import MarkPrice
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from tests.alerts.test_commands import FEES, _drop, _facade
from tests.alerts.test_service import COINS, run_for
from tests.helpers import eventually
from tests.trading.test_commands import app_ctx, confirm_code, quote, run

# 2023-11-15 07:13:20 KST; the next funding at 09:00 KST (00:00 UTC).
NOW = 1_700_000_000.0
NEXT_FUNDING_MS = 1_700_006_400_000


def _mark(coin: str, rate: float, now: float) -> MarkPrice:
    inst = Instrument(Venue.BINANCE_FUTURES, Symbol(coin, "USDT"))
    return MarkPrice(inst, 37_123.4, 37_100.0, rate, NEXT_FUNDING_MS, int(now * 1000), now)


async def test_kimp_coin_shows_funding_and_per_coin_commands(tmp_path: Path) -> None:
    registry = CommandRegistry()
    register_kimp(registry)
    register_watch(registry)
    clock = ManualClock(NOW)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        fs = facade.settings
        svc = make_service(fs.kimp, fs.market_data, fs.core, db, clock, _drop, FEES)
        await svc.load()
        svc.set_coins(set(COINS))
        facade.kimp = svc
        ctx = CommandContext(facade, 1, 1, "console")
        await run_for(svc, clock, dict.fromkeys(COINS, 1.0), 5)

        text = (await registry.dispatch("/kimp BTC", ctx)).text
        assert "Perpetual: no mark price or funding received" in text, text
        svc.monitor.on_event(_mark("BTC", 0.000125, clock.now()))
        text = (await registry.dispatch("/kimp BTC", ctx)).text
        assert "Perpetual: funding +0.0125%, next at 09:00 KST, mark 37,123.4" in text, text
        assert "Alert levels (global): high +3%, low -2%" in text

        for line, expect in [
            ("/kimpalert XRP high 5", "XRP kimp alert\nOwn alert levels: high +5%, low -2%"),
            ("/kimpalert xrp", "Own alert levels: high +5%, low -2%"),
            ("/kimpalert XRP low 6", "Not changed: the low threshold must be below the high"),
            ("/kimpalert XRP high abc", "'abc' is not a number"),
            ("/kimpalert XRP high inf", "'inf' is not a usable percentage."),
            ("/kimpalert XRP mid 4", "Usage: /kimpalert <coin> [high <pct> | low <pct> | reset]"),
            ("/kimpalert NOPE high 4", "NOPE"),
            ("/kimpalert XRP reset", "Alert levels (global): high +3%, low -2%"),
            ("/kimpmute XRP", "Usage: /kimpmute <coin>"),
            ("/kimpmute XRP forever", "'forever' is not a mute length"),
            ("/kimpmute XRP 31d", "'31d' is not a mute length"),
            ("/kimpmute XRP nanh", "'nanh' is not a mute length"),
            ("/kimpmute XRP -1h", "'-1h' is not a mute length"),
            ("/kimpmute XRP 30m", "🔕 XRP alerts muted until 2023-11-15 07:43 KST"),
            ("/kimpmute XRP off", "🔔 XRP alerts are back on."),
            ("/unwatch", "Which coin? Example: /unwatch XRP"),
            ("/unwatch XRP", "Not on the watchlist: XRP."),
            ("/watch", "The watchlist is empty"),
            ("/watch NOPE", "NOPE"),
            ("/watch XRP KRW-ETH", "👀 Watching XRP, ETH."),
            # Regression: three words after /kimpalert are a coin's form only when the second
            # is high/low; a threshold name with two values is refused as before.
            ("/kimpalert high 4 5", "Give a name and a value"),
        ]:
            reply = await registry.dispatch(line, ctx)
            assert expect in reply.text, (line, reply.text)
        assert svc.watchlist() == ["ETH", "XRP"]
        assert svc.coin_levels("XRP") == (3.0, -2.0)
        text = (await registry.dispatch("/kimp SOL", ctx)).text
        assert "Not on the watchlist: no alerts for it" in text


async def test_positions_show_the_funding_of_a_futures_row(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        s = app.settings
        kimp = make_service(s.kimp, s.market_data, s.core, app.db, app.clock, _drop, FEES)
        app.facade.kimp = kimp
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        svc = app.facade.trading.svc
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        await eventually(lambda: svc.prices.price(fut) is not None)
        await eventually(lambda: svc.prices.usdt_krw() is not None)
        r = await run(app, ctx, "/buy futures BTC 0.01")
        if r.buttons:
            r = await run(app, ctx, confirm_code(r))
        assert "filled" in r.text, r.text
        r = await run(app, ctx, "/positions")
        assert "funding" not in r.text  # no mark price seen yet: nothing made up
        kimp.monitor.on_event(_mark("BTC", -0.0003, app.clock.now()))
        r = await run(app, ctx, "/positions")
        assert " · funding -0.0300% at 09:00 KST" in r.text, r.text
