"""Issue 12: a futures position that grew or turned around outside the service is booked.

Another app (here: a second, unmodified ccxt client with the same key, as the web UI or a phone
app would) trades on the account. Before, the position check adopted the venue's size with no
fill behind it: a flip's realised PnL was never booked (nor counted by the daily loss limit)
and the grown part had no entry price of its own. Now the venue's trades that are not ours are
booked: a flip as the close of the old position (its realised PnL, as the venue computed it) and
the opening of the new one, a growth as an opening fill; each told at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from core.symbols import Venue
from exchanges.brokers import make_exchange
from peers.exchange_sim.server import SimExchange
from tests.trading.harness import Env
from tests.trading.test_liquidation import FUT, live_with_stream, open_long
from tests.trading.test_outside_close import LIMITS
from trading.fill_store import FillRow


@asynccontextmanager
async def another_app(sim: SimExchange) -> AsyncIterator[Any]:
    env = sim.env()
    ex, _ = make_exchange(
        Venue.BINANCE_FUTURES, api_key=env["BINANCE_API_KEY"], secret=env["BINANCE_API_SECRET"],
        rest_url=env["BINANCE_FUTURES_REST_URL"], timeout_s=5.0,
    )  # fmt: skip
    try:
        await ex.load_markets()
        yield ex
    finally:
        await ex.close()


async def outside_fills(env: Env) -> list[FillRow]:
    return [r for r in await env.svc.store.fills() if r.fill.client_id.startswith("venue-")]


async def seen(env: Env) -> None:
    adopted = []
    for _ in range(3):  # the first sighting waits for a second look
        adopted += await env.tracker.check_positions()
    assert adopted == [FUT]


def venue_fills(sim: SimExchange) -> dict[str, Any]:
    engine = sim.binance_futures.engine
    return {
        str(f.trade_id): f for a in engine.accounts.values() for fs in a.fills.values() for f in fs
    }


async def test_a_position_grown_in_another_app_is_booked_with_its_price(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live_with_stream(sim, tmp_path, LIMITS) as (env, _):
        await open_long(env, "0.05", 10)
        async with another_app(sim) as ex:
            await ex.create_order("BTC/USDT:USDT", "market", "buy", 0.03)
        await seen(env)
        assert env.svc.positions[FUT].qty == D("0.08")
        [grown] = await outside_fills(env)
        venue = venue_fills(sim)[grown.fill.fill_id]  # the venue's own trade
        assert grown.fill.qty == D("0.03") and grown.fill.price == venue.price
        assert grown.realized_pnl == -grown.fill.fee  # an opening fill realises only its fee
        note = next(str(n.text) for n in env.notes if "outside the bot" in str(n.text))
        assert "Position changed on" in note and "buy 0.03 BTC @ " in note, note
        assert "Position now: 0.08" in note, note
        assert await env.tracker.check_positions() == []  # booked once
        assert len(await outside_fills(env)) == 1


async def test_a_position_turned_around_in_another_app_books_the_close_and_the_new_side(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live_with_stream(sim, tmp_path, LIMITS) as (env, _):
        await open_long(env, "0.05", 10)
        async with another_app(sim) as ex:
            await ex.create_order("BTC/USDT:USDT", "market", "sell", 0.08)
        await seen(env)
        assert env.svc.positions[FUT].qty == D("-0.03")
        close, opened = sorted(await outside_fills(env), key=lambda r: r.fill.fill_id)
        assert opened.fill.fill_id == f"{close.fill.fill_id}:open"
        assert close.fill.qty == D("0.05") and opened.fill.qty == D("0.03")
        venue = venue_fills(sim)[close.fill.fill_id]
        # the close realised what the venue says it realised, less our share of the fee
        assert close.realized_pnl == venue.realized_pnl - close.fill.fee
        assert close.fill.fee + opened.fill.fee == venue.commission
        notes = [str(n.text) for n in env.notes if "outside the bot" in str(n.text)]
        assert len(notes) == 2, notes
        assert notes[0].startswith("⚠️ Closed on") and "PnL" in notes[0], notes
        assert notes[1].startswith("⚠️ Position changed on") and "Position now: -0.03" in notes[1], (
            notes
        )
        assert await env.tracker.check_positions() == []
        assert len(await outside_fills(env)) == 2
