"""Risk limits under concurrency (issue 12, item 4): orders in flight count against every limit.

Telegram updates run concurrently and bots act on the same candle, so several entries can pass
their checks before any of them is a position. Each test fires them with `asyncio.gather`
through the real order path (the provider's manual orders or a bot gateway) against the
exchange simulator (live ccxt adapters) or the paper brokers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, en, feed_quotes, live_brokers, trading_env
from trading.executor import SubmitResult
from trading.risk import RiskLimits

COINS = ("BTC", "ETH", "XRP", "SOL")
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


def krw(coin: str) -> Symbol:
    return Symbol(coin, "KRW")


@asynccontextmanager
async def live(
    sim: SimExchange,
    tmp: Path,
    limits: RiskLimits,
    timeout_s: float = 5.0,
    unknown_grace: float = 3.0,
) -> AsyncIterator[Env]:
    brokers = live_brokers(sim, timeout_s)
    async with trading_env(
        tmp / "t.db", brokers, paper=False, limits=limits, unknown_grace=unknown_grace
    ) as env:
        feeder = asyncio.create_task(feed_quotes(sim, env.bus))
        try:
            await eventually(lambda: env.svc.prices.usdt_krw() is not None)
            await eventually(lambda: env.svc.prices.price(FUT) is not None)
            yield env
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)


def upbit_orders(sim: SimExchange) -> int:
    return len(sim.upbit_engine.orders)


async def settled(env: Env) -> bool:
    """Every order final and no reservation left."""
    return not await env.svc.store.open_orders(env.svc.paper) and not env.svc.risk.reserved


def split(results: list[SubmitResult]) -> tuple[list[SubmitResult], list[str]]:
    return [r for r in results if r.accepted], [en(r.reason) for r in results if not r.accepted]


async def test_four_simultaneous_buys_open_one_position_against_max_open_positions_1(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Regression: four simultaneous /buy gave four positions against MAX_OPEN_POSITIONS=1."""
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    async with live(sim, tmp_path, limits) as env:
        t = env.provider()
        results = await asyncio.gather(
            *(t.manual_order(Venue.UPBIT, krw(c), Side.BUY, None, D(100_000)) for c in COINS)
        )
        accepted, refused = split(list(results))
        assert len(accepted) == 1, [en(r.reason) for r in results]
        assert len(refused) == 3 and all("MAX_OPEN_POSITIONS" in r for r in refused), refused
        assert all("orders in flight" in r for r in refused), refused
        assert upbit_orders(sim) == 1  # the refused ones never reached the venue
        await eventually(lambda: settled(env))
        assert len(t.open_positions()) == 1
        # Once the order is settled the slot is held by the position itself.
        again = await t.manual_order(Venue.UPBIT, krw("DOGE"), Side.BUY, None, D(100_000))
        assert not again.accepted and "1 positions are already open" in en(again.reason)


async def test_the_position_size_cap_holds_under_concurrent_buys(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Regression: concurrent buys reached 5.6 % of equity against a 2 % size cap."""
    limits = RiskLimits(max_position_pct=D(2))
    async with live(sim, tmp_path, limits) as env:
        t = env.provider()
        equity = await env.svc.equity_krw()
        amount = (equity * D("0.014")).quantize(D(1000))  # one fits, two do not
        results = await asyncio.gather(
            *(t.manual_order(Venue.UPBIT, krw("BTC"), Side.BUY, None, amount) for _ in range(4))
        )
        accepted, refused = split(list(results))
        assert len(accepted) == 1, [en(r.reason) for r in results]
        assert len(refused) == 3 and all("MAX_POSITION_PCT" in r for r in refused), refused
        await eventually(lambda: settled(env))
        (pos,) = t.open_positions()
        price = D(sim.market.book("upbit", "KRW-BTC", depth=1).bids[0][0])
        assert pos.qty * price / equity * 100 <= limits.max_position_pct


async def test_concurrent_bot_orders_on_the_same_candle_respect_max_open_positions(
    tmp_path: Path,
) -> None:
    limits = RiskLimits(max_open_positions=2, max_position_pct=D(90))
    async with trading_env(tmp_path / "t.db", limits=limits) as env:
        prices = {"BTC": 140_000_000, "ETH": 5_000_000, "XRP": 3_000, "SOL": 250_000}
        for coin, p in prices.items():
            env.quote(Venue.UPBIT, f"{coin}/KRW", p - 1, p)
        await eventually(
            lambda: all(env.svc.prices.price(Instrument(Venue.UPBIT, krw(c))) for c in COINS)
        )
        gw = env.provider().gateway()
        reqs = [
            OrderRequest(
                Instrument(Venue.UPBIT, krw(c)),
                Side.BUY,
                OrderType.MARKET,
                quote_amount=D(200_000),
                bot=f"bot-{c}",
            )
            for c in COINS
        ]
        results = await asyncio.gather(*(gw.submit(r) for r in reqs))
        assert sum(r.accepted for r in results) == 2, [r.reason for r in results]
        refused = [en(r.reason) for r in results if not r.accepted]
        assert all("MAX_OPEN_POSITIONS" in r for r in refused), refused
        await eventually(lambda: settled(env))
        assert len(env.provider().open_positions()) == 2


async def test_a_resting_entry_holds_its_slot_until_cancelled(tmp_path: Path) -> None:
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    async with trading_env(tmp_path / "t.db", limits=limits) as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 139_999_000, 140_000_000)
        env.quote(Venue.UPBIT, "ETH/KRW", 4_999_000, 5_000_000)
        eth = Instrument(Venue.UPBIT, krw("ETH"))
        await eventually(lambda: env.svc.prices.price(eth) is not None)
        limit = await env.svc.submit(
            OrderRequest(
                Instrument(Venue.UPBIT, krw("BTC")),
                Side.BUY,
                OrderType.LIMIT,
                qty=D("0.001"),
                price=D(130_000_000),
            )
        )
        assert limit.accepted and limit.order is not None
        assert limit.order.status is OrderStatus.OPEN
        buy = OrderRequest(eth, Side.BUY, OrderType.MARKET, quote_amount=D(100_000))
        refused = await env.svc.submit(buy)
        assert not refused.accepted and "orders in flight" in en(refused.reason)
        assert (await env.svc.cancel(limit.order.client_id)).accepted
        assert not env.svc.risk.reserved
        res = await env.svc.submit(buy)
        assert res.accepted, en(res.reason)


async def test_a_refused_entry_releases_its_reservation(sim: SimExchange, tmp_path: Path) -> None:
    """The venue refuses the order after our checks passed: nothing stays reserved."""
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    async with live(sim, tmp_path, limits) as env:
        t = env.provider()
        await env.svc.brokers[Venue.UPBIT].rules(krw("BTC"))  # the next request: the order
        body = {"error": {"name": "insufficient_funds_bid", "message": "not enough KRW"}}
        sim.faults.rest_error("upbit", 400, body)
        res = await t.manual_order(Venue.UPBIT, krw("BTC"), Side.BUY, None, D(100_000))
        assert not res.accepted and not env.svc.risk.reserved, en(res.reason)
        res = await t.manual_order(Venue.UPBIT, krw("BTC"), Side.BUY, None, D(100_000))
        assert res.accepted, en(res.reason)


async def test_an_unknown_outcome_keeps_its_reservation_until_resolved(
    sim: SimExchange, tmp_path: Path
) -> None:
    """The venue placed the order but neither its answer nor the look-ups come back: the order
    is unknown, so it keeps its slot; once the venue answers again it is resolved and booked."""
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    spot = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
    async with live(sim, tmp_path, limits, timeout_s=1.0, unknown_grace=0.5) as env:
        await env.svc.brokers[Venue.UPBIT].rules(krw("BTC"))
        await env.svc.brokers[Venue.BINANCE_SPOT].rules(spot.symbol)
        await eventually(lambda: env.svc.prices.price(spot) is not None)
        sim.faults.rest_delay("upbit", 2.0, after_handling=True)  # placed, answer too late
        sim.faults.rest_error("upbit", 503, count=1000)  # and every look-up fails
        t = env.provider()
        res = await t.manual_order(Venue.UPBIT, krw("BTC"), Side.BUY, None, D(100_000))
        assert not res.accepted and res.order is not None
        assert res.order.status is OrderStatus.INTENT, en(res.reason)
        assert res.order.client_id in env.svc.risk.reserved
        other = await t.manual_order(Venue.BINANCE_SPOT, spot.symbol, Side.BUY, D("0.01"), None)
        assert not other.accepted and "orders in flight" in en(other.reason)
        assert len(sim.binance_engine.orders) == 0
        sim.faults.clear("upbit")
        await eventually(lambda: settled(env), 15)
        assert len(t.open_positions()) == 1


async def test_an_open_entry_still_counts_after_a_restart(sim: SimExchange, tmp_path: Path) -> None:
    """Reservations are rebuilt from the orders table: a resting entry placed before a restart
    keeps its slot until it is settled."""
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    btc = Instrument(Venue.UPBIT, krw("BTC"))
    async with live(sim, tmp_path, limits) as env:
        price = env.svc.prices.price(btc)
        assert price is not None
        limit = await env.svc.submit(
            OrderRequest(btc, Side.BUY, OrderType.LIMIT, qty=D("0.001"), price=D(price) * D("0.8"))
        )
        assert limit.accepted and limit.order is not None, en(limit.reason)
        cid = limit.order.client_id
    async with live(sim, tmp_path, limits) as env:
        assert cid in env.svc.risk.reserved
        t = env.provider()
        res = await t.manual_order(Venue.UPBIT, krw("ETH"), Side.BUY, None, D(100_000))
        assert not res.accepted and "orders in flight" in en(res.reason)
        assert (await env.svc.cancel(cid)).accepted
        res = await t.manual_order(Venue.UPBIT, krw("ETH"), Side.BUY, None, D(100_000))
        assert res.accepted, en(res.reason)
