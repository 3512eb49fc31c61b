"""Bithumb as the second KRW venue: a paper round trip through the commands (`/buy bithumb BTC
50000KRW`, `/balance`, `/positions`, `/sell`) and a live round trip through the order service
against the simulated Bithumb (real ccxt over loopback)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from bot.commands.base import CommandContext
from bot.config import load_settings
from bot.features import AppContext
from bot.features.trading import install
from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually, free_port
from tests.trading.harness import Env, feed_quotes, live_brokers, trading_env, worded
from tests.trading.test_commands import confirm_code, quote, run
from tests.wiring import app_context

BT = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))
UP = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


@asynccontextmanager
async def paper_app(tmp: Path) -> AsyncIterator[tuple[AppContext, CommandContext]]:
    dead = f"http://127.0.0.1:{free_port()}"  # no public rules: the built-in KRW table
    settings = load_settings(
        env_file=None, db_path=tmp / "t.db", upbit_rest_url=dead, binance_rest_url=dead,
        binance_futures_rest_url=dead, bithumb_rest_url=dead, bithumb_enabled=True,
        max_position_pct=90,
    )  # fmt: skip
    async with app_context(settings, stop_timeout=2.0) as app:
        await install(app)
        yield app, CommandContext(service=app.facade, chat_id=1, user_id=1, transport="console")


async def test_paper_round_trip_on_bithumb_through_the_commands(tmp_path: Path) -> None:
    async with paper_app(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.BITHUMB, "BTC/KRW", 100_140_000, 100_150_000)
        svc = app.facade.trading.svc
        await eventually(lambda: svc.prices.price(BT) is not None)
        r = await run(app, ctx, "/buy bithumb BTC 50000KRW")
        assert "✅ [paper] buy BTC/KRW: filled" in r.text, r.text
        held = svc.balances[Venue.BITHUMB]["BTC"][0]
        assert held > 0 and UP not in svc.positions  # its own account, not Upbit's
        (fill,) = [rec.fill for rec in await svc.store.fills()]
        assert fill.instrument == BT and fill.fee_asset == "KRW"
        assert fill.fee == D(50_000) * D("0.0025")  # Bithumb's 0.25 %, in KRW, on the total
        r = await run(app, ctx, "/balance")
        assert "Bithumb:" in r.text and "BTC" in r.text, r.text
        r = await run(app, ctx, "/positions")
        assert "Bithumb BTC/KRW" in r.text, r.text
        r = await run(app, ctx, f"/sell bt BTC {held}")
        assert "on Bithumb?" in r.text and r.buttons, r.text
        r = await run(app, ctx, confirm_code(r))
        assert "✅ [paper] sell BTC/KRW: filled" in r.text, r.text
        r = await run(app, ctx, "/buy bithumb BTC 4000KRW")
        assert "Bithumb's minimum" in r.text, r.text


@asynccontextmanager
async def live(sim: SimExchange, tmp: Path) -> AsyncIterator[Env]:
    brokers = live_brokers(sim, bithumb=True)
    async with trading_env(tmp / "t.db", brokers, paper=False) as env:
        feeder = asyncio.create_task(feed_quotes(sim, env.bus))
        try:
            await eventually(lambda: env.svc.prices.price(BT) is not None)
            yield env
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)


async def status_of(env: Env, cid: str) -> OrderStatus:
    stored = await env.svc.store.get(cid)
    assert stored is not None
    return stored.order.status


async def test_live_round_trip_on_the_simulated_bithumb(sim: SimExchange, tmp_path: Path) -> None:
    account = sim.bithumb_engine.account(sim.api_keys["bithumb"][0])
    krw0 = account.balance("KRW").total
    async with live(sim, tmp_path) as env:
        res = await env.svc.submit(
            OrderRequest(BT, Side.BUY, OrderType.MARKET, quote_amount=D(1_000_000))
        )
        assert res.accepted and res.order is not None, worded(res).reason
        cid = res.order.client_id
        await eventually(lambda: _final(env, cid))
        assert await status_of(env, cid) is OrderStatus.FILLED
        fills = [r.fill for r in await env.svc.store.fills()]
        spent, fee = sum(f.qty * f.price for f in fills), sum(f.fee for f in fills)
        assert abs(fee - spent * D("0.0025")) < D("0.01")
        assert abs((krw0 - account.balance("KRW").total) - (spent + fee)) < D(1)
        pos = await env.svc.store.position(BT, False)
        assert pos is not None and pos.qty == account.balance("BTC").total == sum(
            f.qty for f in fills
        )
        # a limit sell far above the market rests on the KRW grid, then is cancelled
        price = D(str(sim.market.bithumb_mid("BTC"))) * D("1.2")
        res2 = await env.svc.submit(
            OrderRequest(BT, Side.SELL, OrderType.LIMIT, qty=pos.qty, price=price)
        )
        assert res2.accepted and res2.order is not None, worded(res2).reason
        assert res2.order.status is OrderStatus.OPEN and res2.order.price is not None
        assert res2.order.price % 1000 == 0
        cancel = await env.svc.cancel(res2.order.client_id)
        assert cancel.accepted and cancel.order is not None
        assert cancel.order.status is OrderStatus.CANCELLED
        # and out at the market
        res3 = await env.svc.submit(OrderRequest(BT, Side.SELL, OrderType.MARKET, qty=pos.qty))
        assert res3.accepted and res3.order is not None, worded(res3).reason
        await eventually(lambda: _final(env, res3.order.client_id))  # type: ignore[union-attr]
        after = await env.svc.store.position(BT, False)
        assert after is not None and after.qty == 0 == account.balance("BTC").total
    ours = [o.client_id for o in sim.bithumb_engine.orders.values()]
    assert ours == [cid, res2.order.client_id, res3.order.client_id]  # one venue order each


async def _final(env: Env, cid: str) -> bool:
    return (await status_of(env, cid)) in (OrderStatus.FILLED, OrderStatus.CANCELLED)
