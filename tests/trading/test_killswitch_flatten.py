"""`/killswitch flatten`: stop the bots, refuse entries, cancel every order and close every
position at market through the order path, saying so before and after (issue 12, item 5's
"unless the user explicitly chooses to flatten")."""

from __future__ import annotations

from pathlib import Path

from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.test_commands import app_ctx, confirm_code, quote, run

FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


async def test_flatten_closes_every_position_at_market_and_says_so(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", 69_990, 70_000)
        trading = app.facade.trading
        assert trading is not None
        await eventually(lambda: trading.svc.prices.price(FUT) is not None)
        r = await run(app, ctx, "/buy upbit BTC 100000KRW")
        assert "filled" in r.text, r.text
        r = await run(app, ctx, "/buy futures BTC 0.01")
        assert "filled" in r.text, r.text
        assert len(trading.open_positions()) == 2

        q = await run(app, ctx, "/killswitch flatten")
        assert "CLOSE all 2 open position(s) at market" in q.text, q.text
        assert trading.open_positions(), "nothing may happen before the confirmation"
        r = await run(app, ctx, confirm_code(q))
        assert "Kill switch ON" in r.text and "2/2 positions closed at market" in r.text, r.text
        assert trading.open_positions() == []
        assert trading.svc.risk.kill_switch
        r = await run(app, ctx, "/buy upbit BTC 100000KRW")
        assert "kill switch is on" in r.text


async def test_flatten_is_a_known_argument_and_others_are_refused(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        r = await run(app, ctx, "/killswitch sideways")
        assert "/killswitch flatten" in r.text, r.text
