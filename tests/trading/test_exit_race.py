"""Issue 12: futures exits racing each other never flip a position.

A `/sell` that closes a long is asked, then confirmed; meanwhile the bot's own exit (or a stop,
or a second command) may close the position. Before, the confirmed sell then found no long and
OPENED A SHORT of the same size; exits fired at once also read the position before any of them
was booked. Now every exit of a position is serialised (`FuturesManager._exit_lock`), decided on
the position as it is then, sent reduce-only, and a sell confirmed as a close is refused once
there is nothing left to close. Runs the real installer in paper mode and the real commands.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from bot.commands.base import Reply
from core.market import Side
from core.orders import OrderRequest, OrderResult, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.test_commands import app_ctx, confirm_code, quote, run

FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
QTY = Decimal("0.02")
GONE = "was closed meanwhile"


def position(app_svc: object) -> Decimal:
    pos = app_svc.positions.get(FUT)  # type: ignore[attr-defined]
    return Decimal(0) if pos is None else pos.qty


async def test_a_confirmed_close_after_the_bots_exit_does_not_open_a_short(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        trading = app.facade.trading
        svc = trading.svc
        await eventually(lambda: svc.prices.price(FUT) is not None)
        await eventually(lambda: svc.prices.usdt_krw() is not None)
        gateway = trading.gateway()
        entry = await gateway.submit(
            OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=QTY, bot="b1")
        )
        assert entry.accepted and position(svc) == QTY

        question = await run(app, ctx, f"/sell futures BTC {QTY}")
        assert "Sell 0.02 BTC/USDT at market on Binance USDT-M?" in question.text, question.text
        exit_ = await gateway.submit(
            OrderRequest(FUT, Side.SELL, OrderType.MARKET, qty=QTY, bot="b1", reduce_only=True)
        )
        assert exit_.accepted and position(svc) == 0
        answer = await run(app, ctx, confirm_code(question))
        assert GONE in answer.text, answer.text
        assert position(svc) == 0  # never a short


async def test_exits_fired_at_once_from_commands_and_a_bot_close_it_exactly_once(
    tmp_path: Path,
) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        trading = app.facade.trading
        svc = trading.svc
        await eventually(lambda: svc.prices.price(FUT) is not None)
        await eventually(lambda: svc.prices.usdt_krw() is not None)
        gateway = trading.gateway()
        entry = await gateway.submit(
            OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=QTY, bot="b1")
        )
        assert entry.accepted
        questions = [await run(app, ctx, f"/sell futures BTC {QTY}") for _ in range(2)]
        partial = await run(app, ctx, "/sell futures BTC 0.015")
        results = await asyncio.gather(
            run(app, ctx, confirm_code(questions[0])),
            gateway.submit(
                OrderRequest(FUT, Side.SELL, OrderType.MARKET, qty=QTY, bot="b1", reduce_only=True)
            ),
            run(app, ctx, confirm_code(partial)),
            run(app, ctx, confirm_code(questions[1])),
        )
        assert len(results) == 4  # one answer each
        replies = [r.text for r in results if isinstance(r, Reply)]
        bot = next(r for r in results if isinstance(r, OrderResult))
        filled = [t for t in replies if "filled" in t] + (["bot"] if bot.accepted else [])
        assert position(svc) == 0, (position(svc), replies, bot)
        # What the exits sold adds up to the position: one full close, or the partial and
        # then what was left, never more.
        sold = Decimal(0)
        for stored in await svc.store.recent_orders(20, svc.paper):
            o = stored.order
            if o.side is Side.SELL and o.filled_qty > 0:
                sold += o.filled_qty
        assert sold == QTY, (sold, replies, bot)
        assert filled, replies
        refused = [t for t in replies if "filled" not in t]
        assert all(GONE in t or "no open" in t.lower() for t in refused), refused
