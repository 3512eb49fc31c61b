"""Paper trading on real market data: the simulator's WebSocket streams, through the
market-data manager, onto the bus; the paper brokers fill on those quotes and mark prices."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.clock import SystemClock
from core.events import EventBus
from core.fills import fill_price
from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataConfig, MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, trading_env
from trading.futures import FuturesManager

SPOT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
UP = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


@pytest.fixture
async def paper(tmp_path: Path) -> AsyncIterator[tuple[SimExchange, Env]]:
    async with SimExchange(seed=5, tick_interval=0.02) as sim:
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        bus = EventBus()
        md = MarketDataManager(MarketDataConfig(**urls, warmup=2), bus, SystemClock())
        md.subscribe_symbols([SPOT, FUT, UP])
        task = asyncio.create_task(md.run(), name="market-data")
        try:
            async with trading_env(tmp_path / "t.db", bus=bus) as env:
                prices = env.svc.prices
                await eventually(lambda: all(prices.price(i) for i in (SPOT, FUT, UP)), 30)
                await eventually(lambda: prices.usdt_krw() is not None, 30)
                yield sim, env
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def status(env: Env, cid: str) -> OrderStatus:
    stored = await env.svc.store.get(cid)
    assert stored is not None
    return stored.order.status


async def test_paper_on_streamed_market_data(paper: tuple[SimExchange, Env]) -> None:
    sim, env = paper
    svc = env.svc
    spot = svc.brokers[Venue.BINANCE_SPOT]

    # 1. Market buy at the streamed top of book plus 5 bps slippage, 0.1 % fee in BTC.
    top = svc.prices.top(SPOT)
    assert top is not None
    asks = [top.ask]
    res = await svc.submit(OrderRequest(SPOT, Side.BUY, OrderType.MARKET, qty=D("0.01")))
    asks.append(top.ask)
    assert res.accepted and res.order is not None, res.reason
    fill = (await svc.store.fills_of(res.order.client_id))[0].fill
    expected = {D(repr(fill_price(a, 1, 5.0))).quantize(D("0.01")) for a in asks}
    assert min(expected) - D("0.01") <= fill.price <= max(expected) + D("0.01")
    assert fill.fee == D("0.00001") and fill.fee_asset == "BTC"
    bals = {b.asset: b for b in await spot.balances()}
    assert bals["BTC"].free == D("0.00999")
    assert bals["USDT"].free == D(10_000) - D("0.01") * fill.price

    # 2. A resting limit buy fills at its price, as maker, when the simulated market falls
    #    through it; the funds it locked are released into the trade.
    mid = D(repr(sim.market.binance_mid("BTC")))
    limit = (mid * D("0.985")).quantize(D("0.01"))
    res = await svc.submit(
        OrderRequest(SPOT, Side.BUY, OrderType.LIMIT, qty=D("0.02"), price=limit)
    )
    assert res.accepted and res.order is not None and res.order.status is OrderStatus.OPEN
    assert {b.asset: b for b in await spot.balances()}["USDT"].locked == D("0.02") * limit
    sim.market.jump("BTC", -3.0)
    cid = res.order.client_id
    await eventually(lambda: _is(env, cid, OrderStatus.FILLED), 15)
    fill = (await svc.store.fills_of(cid))[0].fill
    assert fill.price == limit and fill.qty == D("0.02") and fill.fee == D("0.00002")
    bals = {b.asset: b for b in await spot.balances()}
    assert bals["USDT"].locked == 0 and bals["BTC"].free == D("0.00999") + D("0.01998")

    # 3. Upbit: a resting limit sell above the market fills when the market rises to it.
    krw_mid = D(repr(sim.market.upbit_mid("BTC")))
    res = await svc.submit(OrderRequest(UP, Side.BUY, OrderType.MARKET, quote_amount=D(1_000_000)))
    assert res.accepted and res.order is not None, res.reason
    held = (await svc.store.position(UP, True)).qty  # type: ignore[union-attr]
    res = await svc.submit(
        OrderRequest(UP, Side.SELL, OrderType.LIMIT, qty=held, price=krw_mid * D("1.01"))
    )
    assert res.accepted and res.order is not None and res.order.status is OrderStatus.OPEN
    ask = res.order.price  # on Upbit's KRW price-unit grid
    assert ask is not None and ask % 1000 == 0
    sim.market.jump("BTC", 5.0)
    sell = res.order.client_id
    await eventually(lambda: _is(env, sell, OrderStatus.FILLED), 15)
    fill = (await svc.store.fills_of(sell))[0].fill
    assert fill.price == ask and fill.fee == (held * ask * D("0.0005")).quantize(D("1e-8"))
    pos = await svc.store.position(UP, True)
    assert pos is not None and pos.qty == 0 and pos.realized_pnl > 0


async def test_paper_futures_leverage_and_brackets_on_streamed_prices(
    paper: tuple[SimExchange, Env],
) -> None:
    sim, env = paper
    svc = env.svc
    fm = FuturesManager(svc, KeyValueStore(env.db), default_leverage=10, max_leverage=20)
    mark = D(repr(sim.market.futures_mark("BTC")))
    res = await fm.open(
        FUT.symbol, Side.BUY, D("0.1"), leverage=10,
        stop_loss=(mark * D("0.95")).quantize(D("0.1")),
        take_profit=(mark * D("1.02")).quantize(D("0.1")),
    )  # fmt: skip
    assert res.accepted and res.order is not None, res.reason
    entry = res.order
    assert entry.status is OrderStatus.FILLED and entry.avg_price is not None
    fut = svc.brokers[Venue.BINANCE_FUTURES]
    # Isolated-style margin: notional / leverage is in use while the position is open.
    bal = (await fut.balances())[0]
    margin = D("0.1") * entry.avg_price / 10
    assert bal.locked == margin
    kids = await eventually(lambda: _open_children(env, entry.client_id), 10)
    assert {k.type for k in kids} == {OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET}

    sim.market.jump("BTC", 4.0)  # through the take-profit on the streamed prices

    async def settled() -> bool:
        ks = {k.order.type: k.order.status for k in await svc.store.children(entry.client_id)}
        return ks == {
            OrderType.TAKE_PROFIT_MARKET: OrderStatus.FILLED,
            OrderType.STOP_MARKET: OrderStatus.CANCELLED,
        }

    await eventually(settled, 15)
    pos = await svc.store.position(FUT, True)
    assert pos is not None and pos.qty == 0 and pos.leverage == 10 and pos.realized_pnl > 0
    fees = sum((r.fill.fee for r in await svc.store.fills()), D(0))
    bal = (await fut.balances())[0]
    assert bal.locked == 0
    # The wallet moved by exactly the realised PnL, fees included (pnl already nets fees).
    assert bal.free == D(10_000) + pos.realized_pnl
    assert fees > 0


async def _is(env: Env, cid: str, want: OrderStatus) -> bool:
    return await status(env, cid) is want


async def _open_children(env: Env, parent: str) -> list[object] | None:
    kids = [k.order for k in await env.svc.store.children(parent)]
    return kids if len(kids) == 2 and all(k.status is OrderStatus.OPEN for k in kids) else None


async def test_futures_price_without_any_futures_subscription(tmp_path: Path) -> None:
    """Regression: with no strategy subscribing a futures symbol the venue had no stream, so a
    manual futures order was refused 'no market price' and the venue counted as stale."""
    async with SimExchange(seed=6, tick_interval=0.02) as sim:
        urls = {k.lower(): v for k, v in sim.urls.items() if k.endswith("_URL")}
        urls.pop("fx_rate_url", None)
        bus = EventBus()
        md = MarketDataManager(MarketDataConfig(**urls, warmup=2), bus, SystemClock())
        task = asyncio.create_task(md.run(), name="market-data")
        try:
            async with trading_env(tmp_path / "t.db", bus=bus) as env:
                await eventually(lambda: env.svc.prices.price(FUT) is not None, 30)
                await eventually(lambda: not md.is_stale(Venue.BINANCE_FUTURES), 30)
                res = await env.svc.submit(
                    OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D("0.01"))
                )
                assert res.accepted, res.reason
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
