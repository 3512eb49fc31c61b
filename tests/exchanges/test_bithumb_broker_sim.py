"""`BithumbBroker` over unmodified ccxt against the simulated Bithumb: ccxt's JWT and query
hash pass Bithumb's checks, orders round-trip by our client id, errors keep their kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal as D

import pytest

from core.broker import PlaceRequest
from core.clock import SystemClock
from core.errors import Fatal, NotFound, Rejected, Retryable
from core.market import Side
from core.orders import OrderStatus, OrderType
from core.symbols import Symbol, Venue
from core.wallets import WalletError
from exchanges.bithumb.broker import BithumbBroker
from exchanges.bithumb.wallet import BithumbWallets
from exchanges.ccxt.exchange import make_exchange
from peers.exchange_sim.server import SimExchange

KRW_BTC = Symbol("BTC", "KRW")


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=0.02) as exchange:
        yield exchange


def broker_for(sim: SimExchange, secret: str | None = None) -> BithumbBroker:
    access, real = sim.api_keys["bithumb"]
    ex, gate = make_exchange(Venue.BITHUMB, api_key=access, secret=secret or real,
                             rest_url=sim.urls["BITHUMB_REST_URL"])  # fmt: skip
    return BithumbBroker(Venue.BITHUMB, ex, gate, SystemClock())


async def test_round_trip_by_our_client_id(sim: SimExchange) -> None:
    broker = broker_for(sim)
    try:
        buy = PlaceRequest("rt-buy", KRW_BTC, Side.BUY, OrderType.MARKET, None,
                           quote_amount=D(1_000_000))  # fmt: skip
        placed = await broker.place(buy)
        assert (placed.client_id, placed.status) == ("rt-buy", OrderStatus.OPEN)
        done = await broker.fetch(KRW_BTC, "rt-buy", False)
        assert done.status is OrderStatus.FILLED and done.exchange_id == placed.exchange_id
        assert done.fills and sum(f.qty for f in done.fills) == done.filled_qty
        spent = sum(f.qty * f.price for f in done.fills)
        assert abs(sum(f.fee for f in done.fills) - spent * D("0.0025")) < D("0.01")
        assert all(f.fee_asset == "KRW" and f.instrument.venue is Venue.BITHUMB
                   for f in done.fills)  # fmt: skip
        held = {b.asset: b for b in await broker.balances()}
        assert held["BTC"].free == done.filled_qty
        # a limit sell well above the market rests, is listed, then cancelled
        mid = D(str(sim.market.bithumb_mid("BTC")))
        price = (mid * D("1.3") / 1000).quantize(D(1)) * 1000
        qty = done.filled_qty
        rest = PlaceRequest("rt-sell", KRW_BTC, Side.SELL, OrderType.LIMIT, qty, price)
        await broker.place(rest)
        (listed,) = await broker.open_orders()
        assert (listed.client_id, listed.price, listed.qty) == ("rt-sell", price, qty)
        cancelled = await broker.cancel(KRW_BTC, "rt-sell", False)
        assert cancelled.status is OrderStatus.CANCELLED and cancelled.filled_qty == 0
        sell = PlaceRequest("rt-out", KRW_BTC, Side.SELL, OrderType.MARKET, qty)
        await broker.place(sell)
        out = await broker.fetch(KRW_BTC, "rt-out", False)
        assert out.status is OrderStatus.FILLED and out.filled_qty == qty
        assert "BTC" not in {b.asset for b in await broker.balances()}
    finally:
        await broker.close()


async def test_errors_keep_their_kind(sim: SimExchange) -> None:
    broker, wrong = broker_for(sim), broker_for(sim, secret="w" * 40)
    try:
        with pytest.raises(NotFound):
            await broker.fetch(KRW_BTC, "never-sent", False)
        with pytest.raises(Fatal):
            await wrong.balances()
        too_small = PlaceRequest("small", KRW_BTC, Side.BUY, OrderType.MARKET, None,
                                 quote_amount=D(4000))  # fmt: skip
        with pytest.raises(Rejected):
            await broker.place(too_small)
        sim.faults.rest_error("bithumb", 503)
        with pytest.raises(Retryable) as info:
            await broker.place(PlaceRequest("busy", KRW_BTC, Side.BUY, OrderType.MARKET, None,
                                            quote_amount=D(10_000)))  # fmt: skip
        assert info.value.outcome_unknown  # a write with no clear answer: looked up, not resent
    finally:
        await broker.close()
        await wrong.close()


async def test_wallet_status_feeds_the_wallet_types(sim: SimExchange) -> None:
    sim.wallets.set("bithumb", "XRP", "withdraw_only")
    wallets = BithumbWallets(sim.urls["BITHUMB_REST_URL"], sim.api_keys["bithumb"])
    try:
        nets = await wallets.fetch_networks()
        coins = await wallets.fetch()
    finally:
        await wallets.close()
    assert all(not n.deposit and n.withdraw for n in nets["XRP"])
    assert not coins["XRP"].deposit and coins["XRP"].withdraw
    assert coins["BTC"].deposit and coins["BTC"].withdraw


async def test_withdraw_fee_from_withdrawal_information(sim: SimExchange) -> None:
    """Bithumb's status rows carry no fee: `GET /v1/withdraws/chance` (signed, currency and
    net_type) gives the network's fee and minimum; a network the coin lacks is a clear error
    naming Bithumb, a wrong key too."""
    wallets = BithumbWallets(sim.urls["BITHUMB_REST_URL"], sim.api_keys["bithumb"])
    wrong = BithumbWallets(sim.urls["BITHUMB_REST_URL"], (sim.api_keys["bithumb"][0], "nope"))
    try:
        assert await wallets.withdraw_fee("eth", "ARBITRUM") == (D("0.00004"), D("0.0008"))
        with pytest.raises(WalletError, match="Bithumb"):
            await wallets.withdraw_fee("ETH", "TRX")
        with pytest.raises(WalletError, match="Bithumb"):
            await wrong.withdraw_fee("ETH", "ARBITRUM")
    finally:
        await wallets.close()
        await wrong.close()
