"""Manual orders (/buy, /sell on a venue) through the trading provider, in paper mode."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from tests.helpers import eventually
from tests.trading.harness import Env, trading_env, worded
from trading.provider import TradingProvider

BTC = Symbol("BTC", "USDT")
FUT = Instrument(Venue.BINANCE_FUTURES, BTC)


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[Env, TradingProvider]]:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        await eventually(lambda: env.svc.prices.usdt_krw() is not None)
        yield env, env.provider()


async def _open_with_brackets(env: Env, t: TradingProvider, qty: str) -> list[str]:
    """A futures long with a resting stop-loss and take-profit; returns the brackets' ids."""
    res = await t.futures.open(
        BTC, Side.BUY, D(qty), leverage=5, stop_loss=D(95_000), take_profit=D(105_000)
    )
    assert res.accepted and res.order is not None, res.reason
    entry = res.order.client_id

    async def brackets() -> list[str] | None:
        kids = [k.order for k in await env.svc.store.children(entry)]
        ok = len(kids) == 2 and all(k.status is OrderStatus.OPEN for k in kids)
        return [k.client_id for k in kids] if ok else None

    return await eventually(brackets, 10)


async def _status(env: Env, cid: str) -> OrderStatus:
    stored = await env.svc.store.get(cid)
    assert stored is not None
    return stored.order.status


async def test_a_manual_futures_close_cancels_the_positions_brackets(
    env: tuple[Env, TradingProvider],
) -> None:
    """Regression (found by the e2e Telegram tests): the take-profit stayed resting after a manual exit."""
    e, t = env
    brackets = await _open_with_brackets(e, t, "0.02")
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, D("0.02"), None)
    assert res.accepted and res.order is not None, res.reason
    assert res.order.reduce_only and res.order.reason == "manual"
    assert t.open_positions() == []
    assert [await _status(e, cid) for cid in brackets] == [OrderStatus.CANCELLED] * 2
    assert await e.svc.store.open_orders(True) == []


async def test_a_sell_larger_than_the_position_closes_it_and_no_more(
    env: tuple[Env, TradingProvider],
) -> None:
    e, t = env
    brackets = await _open_with_brackets(e, t, "0.01")
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, D("0.05"), None)
    assert res.accepted and res.order is not None and res.order.qty == D("0.01"), res
    assert t.open_positions() == []  # flat, not short 0.04
    assert [await _status(e, cid) for cid in brackets] == [OrderStatus.CANCELLED] * 2


async def test_a_partial_manual_close_keeps_the_brackets_for_what_is_left(
    env: tuple[Env, TradingProvider],
) -> None:
    e, t = env
    brackets = await _open_with_brackets(e, t, "0.02")
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, D("0.005"), None)
    assert res.accepted, res.reason
    (pos,) = t.open_positions()
    assert pos.qty == D("0.015")
    # Protection matches the position's size (issue 12, item 1): the brackets for 0.02 are
    # replaced by a stop-loss and a take-profit for the 0.015 left, at the same levels.
    assert [await _status(e, cid) for cid in brackets] == [OrderStatus.CANCELLED] * 2
    live = [s.order for s in await e.svc.store.open_orders(True)]
    assert sorted((o.type, o.qty, o.trigger_price) for o in live) == [
        (OrderType.STOP_MARKET, D("0.015"), D(95_000)),
        (OrderType.TAKE_PROFIT_MARKET, D("0.015"), D(105_000)),
    ]
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, D("0.015"), None)
    assert res.accepted and t.open_positions() == []
    assert await e.svc.store.open_orders(True) == []


async def test_manual_futures_entry_by_amount_and_a_close_needs_a_quantity(
    env: tuple[Env, TradingProvider],
) -> None:
    _, t = env
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.BUY, None, D(500))
    assert res.accepted and res.order is not None, res.reason
    assert res.order.qty == D("0.005") and res.order.type is OrderType.MARKET
    assert not res.order.reduce_only and res.order.bot is None
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, None, D(500))
    assert not res.accepted and res.reason == Text.of(
        "trading.close_qty", base="BTC", example="0.005"
    )
    (pos,) = t.open_positions()
    assert pos.qty == D("0.005")


async def test_fill_notifications_carry_the_exits_pnl_and_market_orders_are_not_placed_notes(
    env: tuple[Env, TradingProvider],
) -> None:
    """Regressions (found by the e2e Telegram tests): an exit fill said nothing of its PnL; a market
    order was announced as "placed" after its fill, saying "Order filled"."""
    e, t = env
    e.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
    up = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
    await eventually(lambda: e.svc.prices.price(up) is not None)
    buy = await t.manual_order(Venue.UPBIT, up.symbol, Side.BUY, None, D(1_000_000))
    assert buy.accepted and buy.order is not None, buy.reason
    (pos,) = t.open_positions()
    e.quote(Venue.UPBIT, "BTC/KRW", 100_990_000, 101_000_000)
    await eventually(lambda: e.svc.prices.price(up, Side.SELL) == D(100_990_000))
    sell = await t.manual_order(Venue.UPBIT, up.symbol, Side.SELL, pos.qty, None)
    assert sell.accepted and sell.order is not None, sell.reason
    fills = [n.text for n in e.notes if n.kind.value == "order_filled"]
    assert len(fills) == 2 and "PnL" not in fills[0], fills
    assert fills[0].endswith(f" KRW, id {buy.order.client_id})")
    # the trade's PnL (issue 14): the entry's fee included, as /trades and the report say it,
    # KRW without decimals, with its percentage of what the exit closed
    trade = sum((r.realized_pnl for r in await e.svc.store.fills(paper=True)), D(0))
    pnl = re.search(r"\)\nPnL \+([\d,]+) KRW \(\+(\d+\.\d\d)%\)$", fills[1])
    assert pnl and pnl.group(1) == f"{trade.quantize(D(1)):,}", fills[1]
    assert trade > 0
    # A futures exit in USDT also says it in KRW.
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.BUY, D("0.01"), None)
    assert res.accepted, res.reason
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.SELL, D("0.01"), None)
    assert res.accepted, res.reason
    last = [n.text for n in e.notes if n.kind.value == "order_filled"][-1]
    assert re.search(r", id \w+\)\nPnL -[\d.,]+ USDT \(-\d+\.\d\d%\) \(≈ -[\d,]+ KRW\)$", last), (
        last
    )
    assert not [n for n in e.notes if n.kind.value == "order_placed"]  # market orders only
    # A resting limit order is announced, as resting.
    limit = await e.svc.submit(
        OrderRequest(up, Side.BUY, OrderType.LIMIT, qty=D("0.001"), price=D(90_000_000))
    )
    assert limit.accepted and limit.order is not None, limit.reason
    (placed,) = [n.text for n in e.notes if n.kind.value == "order_placed"]
    assert placed.startswith("[paper] Order open: buy") and limit.order.client_id in placed


async def test_a_refused_manual_order_is_answered_not_notified_a_bots_is_notified(
    env: tuple[Env, TradingProvider],
) -> None:
    """The command's answer already gives the reason (e2e_bugs.md notes: it came twice)."""
    e, t = env
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.BUY, D("0.00001"), None)
    assert not res.accepted and res.reason, res
    assert not [n for n in e.notes if n.kind.value == "order_refused"]
    bot = worded(
        await e.svc.submit(
            OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D("0.00001"), bot="b1", reason="x")
        )
    )
    assert not bot.accepted
    (note,) = [n.text for n in e.notes if n.kind.value == "order_refused"]
    assert note.startswith("Order refused from bot b1: buy BTC/USDT on Binance USDT-M.")
    assert bot.reason in note


async def test_fill_notices_show_the_price_to_the_tick_and_the_quantity_to_the_step(
    env: tuple[Env, TradingProvider],
) -> None:
    """issue 14: a fill's price to the market's tick (0.01 USDT) and its quantity to the step
    (0.001 BTC on the futures market), as the venue's own screens show them; the notice used
    significant digits (64,032). The quantity is rounded to the step with its trailing zeros
    dropped (0.01, not 0.010): /positions, /orders and the web API spell it the same way."""
    e, t = env
    e.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 63_999.9, 64_000)
    await eventually(lambda: e.svc.prices.price(FUT, Side.BUY) == D(64_000))
    res = await t.manual_order(Venue.BINANCE_FUTURES, BTC, Side.BUY, D("0.01"), None)
    assert res.accepted and res.order is not None
    assert res.order.avg_price == D("64032.00")  # the paper fill: the ask + 5 bps
    (note,) = [n.text for n in e.notes if n.kind.value == "order_filled"]
    assert "Filled buy 0.01 BTC @ 64,032.00 USDT on " in note, note


async def test_a_resting_order_is_described_to_the_tick_and_the_step(
    env: tuple[Env, TradingProvider],
) -> None:
    """issue 14: the 'order open' note words a limit price to the tick and the size to the step
    (was '0.01 BTC/USDT limit @ 60,000'); the size without trailing zeros, like every view."""
    e, _ = env
    res = await e.svc.submit(
        OrderRequest(FUT, Side.BUY, OrderType.LIMIT, qty=D("0.01"), price=D(60_000))
    )
    assert res.accepted and res.order is not None, res.reason
    (placed,) = [n.text for n in e.notes if n.kind.value == "order_placed"]
    assert "buy 0.01 BTC/USDT limit @ 60,000.00 on " in placed, placed
