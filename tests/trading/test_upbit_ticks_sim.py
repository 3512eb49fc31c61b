"""Issue 13 problem 5: Upbit prices go on the tick grid the venue publishes for the market
(`GET /v1/orderbook/instruments`), not on our built-in table's."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import feed_quotes, live_brokers, trading_env, worded

XRP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))


async def test_limit_price_is_rounded_to_the_venues_tick(sim: SimExchange, tmp_path: Path) -> None:
    # KRW-XRP trades near 3,200 KRW, where the table's tick is 1 KRW. The venue publishes 5 KRW
    # for it: the kind of change 2025-07-31 made to the whole 5,000-10,000 KRW band (1 -> 5),
    # here on one market as the 2024-10-14 and 2025-03-21 changes were.
    sim.upbit.set_tick("KRW-XRP", "5")
    brokers = live_brokers(sim)
    async with trading_env(tmp_path / "t.db", brokers, paper=False) as env:
        feeder = asyncio.create_task(feed_quotes(sim, env.bus, ("BTC", "USDT", "XRP")))
        try:
            await eventually(lambda: env.svc.prices.price(XRP) is not None)
            mid = D(str(sim.market.upbit_mid("XRP")))
            price = (mid * D("0.9")).quantize(D(1)) // 5 * 5 + 3  # on the table's grid only
            res = worded(
                await env.svc.submit(
                    OrderRequest(XRP, Side.BUY, OrderType.LIMIT, qty=D(10), price=price)
                )
            )
            assert res.accepted and res.order is not None, res.reason
            assert res.order.status is OrderStatus.OPEN
            assert res.order.price is not None and res.order.price % 5 == 0
            assert res.order.price == price - 3  # a buy rounds down: never pay more than asked
            venue = [o for o in sim.upbit_engine.orders.values() if o.market == "KRW-XRP"]
            assert len(venue) == 1 and venue[0].price == price - 3
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)


async def test_the_simulator_refuses_off_tick_prices_with_upbits_error(sim: SimExchange) -> None:
    import json

    from tests.peers.exchange_sim.upbit_helpers import upbit_rest

    sim.upbit.set_tick("KRW-XRP", "5")
    ex = upbit_rest(sim)
    try:
        reply = await ex.publicGetOrderbookInstruments({"markets": "KRW-XRP"})
        assert reply[0]["tick_size"] == "5" and reply[0]["supported_levels"][0] == "0"
        real = Path(__file__).parent.parent / "data" / "real" / "upbit"
        expected = json.loads((real / "private_error_invalid_price_bid.json").read_text())
        try:
            await ex.create_order("XRP/KRW", "limit", "buy", 10, 3001)
        except Exception as exc:  # ccxt's error carries the venue's body
            body = json.loads(str(exc).split(" ", 1)[1])
            assert body == expected
        else:
            raise AssertionError("an off-tick price was accepted")
    finally:
        await ex.close()
