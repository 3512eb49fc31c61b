"""Issue 18: `BithumbBroker` against the simulated Bithumb, over unmodified ccxt: a market's fee
rates and minimum are the account's own from `GET /v1/orders/chance` (a fee-coupon account pays
0.04 %, not the headline 0.25 %), cached, with the headline rate while that call fails; and
open orders are read past the first page of 100."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal as D

import pytest

from core.clock import ManualClock
from core.symbols import Symbol, Venue
from exchanges.bithumb.broker import CHANCE_RETRY, TAKER_FEE, BithumbBroker
from exchanges.bithumb.chance import AccountFees, parse_chance
from exchanges.ccxt.exchange import make_exchange
from peers.exchange_sim.server import SimExchange

KRW_BTC = Symbol("BTC", "KRW")


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=0.02) as exchange:
        yield exchange


def broker_for(sim: SimExchange, clock: ManualClock) -> BithumbBroker:
    access, secret = sim.api_keys["bithumb"]
    ex, gate = make_exchange(Venue.BITHUMB, api_key=access, secret=secret,
                             rest_url=sim.urls["BITHUMB_REST_URL"])  # fmt: skip
    return BithumbBroker(Venue.BITHUMB, ex, gate, clock)


def test_the_answer_gives_the_higher_side_as_the_taker_rate() -> None:
    data = {"bid_fee": "0.0004", "ask_fee": "0.0005", "maker_bid_fee": "0.0002",
            "market": {"bid": {"currency": "KRW", "min_total": 5000}}}  # fmt: skip
    assert parse_chance(data) == AccountFees(D("0.0005"), D("0.0002"), D("5000"))
    assert parse_chance({"bid_fee": "", "market": {}}) is None
    assert parse_chance({"bid_fee": "1.5"}) is None  # not a rate
    assert parse_chance([]) is None


async def test_the_accounts_own_rate_and_minimum_replace_the_headline(sim: SimExchange) -> None:
    sim.bithumb_engine.fee_rate = D("0.0004")  # an account with a fee coupon
    broker = broker_for(sim, ManualClock())
    try:
        rules = await broker.rules(KRW_BTC)
        assert (rules.taker_fee, rules.maker_fee) == (D("0.0004"), D("0.0004"))
        assert rules.min_notional == D("5000")
        sim.bithumb_engine.fee_rate = D("0.0025")  # the coupon ran out meanwhile…
        assert (await broker.rules(KRW_BTC)).taker_fee == D("0.0004")  # …kept: cached
    finally:
        await broker.close()


async def test_a_failed_read_falls_back_to_the_headline_rate_then_asks_again(
    sim: SimExchange,
) -> None:
    sim.bithumb_engine.fee_rate = D("0.0004")
    clock = ManualClock()
    broker = broker_for(sim, clock)
    try:
        await broker.start()  # the markets are loaded; the next request fails
        sim.faults.rest_error("bithumb", 503, count=1)
        assert (await broker.rules(KRW_BTC)).taker_fee == TAKER_FEE  # the headline 0.25 %
        assert (await broker.rules(KRW_BTC)).taker_fee == TAKER_FEE  # not asked again yet
        clock.advance(CHANCE_RETRY + 1)
        assert (await broker.rules(KRW_BTC)).taker_fee == D("0.0004")
    finally:
        await broker.close()


async def test_open_orders_are_read_past_the_first_page(sim: SimExchange) -> None:
    engine = sim.bithumb_engine
    account = engine.account(sim.api_keys["bithumb"][0])
    price = (D(str(sim.market.bithumb_mid("BTC"))) * D("0.5") / 1000).quantize(D(1)) * 1000
    for i in range(130):  # resting far below the market
        engine.place(account, "KRW-BTC", "buy", "limit", price, D("0.0001"), client_id=f"o{i}")
    broker = broker_for(sim, ManualClock())
    try:
        listed = await broker.open_orders()
        assert len(listed) == 130
        assert len({o.exchange_id for o in listed}) == 130
    finally:
        await broker.close()
