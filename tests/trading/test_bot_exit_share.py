"""Issue 12: a bot's exit closes or sells only its own share, never the user's part beside it.

Before, a bot's futures exit closed up to the whole position on the symbol (its reduce-only
order was capped by the position, not by the bot's share), and a bot's spot sell went out as
asked even when the bot's share was flat, selling the user's own coins. Against the exchange
simulator through ccxt, with the real order layer and the gateway bots trade through.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.harness import Env, en
from tests.trading.test_e2e_sim import FUT, UP, live


def held(env: Env, inst: object) -> D:
    pos = env.svc.positions.get(inst)  # type: ignore[call-overload]
    return D(0) if pos is None else pos.qty


async def test_a_bots_futures_exit_closes_its_share_and_keeps_the_users_stop(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path) as env:
        provider = env.provider()
        gw = provider.gateway()
        fm = provider.futures
        entry = await gw.submit(OrderRequest(FUT, Side.BUY, OrderType.MARKET, qty=D("0.02"),
                                             bot="trend"))  # fmt: skip
        assert entry.accepted and entry.filled_qty == D("0.02"), entry.reason
        # The user trims it by hand (it comes off the bot's share: it is all the bot's), then
        # opens their own 0.03 beside it with a stop-loss.
        cut = await fm.reduce(FUT.symbol, Side.SELL, D("0.01"), reason="by hand")
        assert cut is not None and cut.accepted, cut
        await eventually(lambda: held(env, FUT) == D("0.01"))
        mark = D(str(sim.market.futures_mark("BTC")))
        mine = await fm.open(FUT.symbol, Side.BUY, D("0.03"),
                             stop_loss=(mark * D("0.9")).quantize(D("0.1")))  # fmt: skip
        assert mine.accepted, mine.reason
        await eventually(lambda: held(env, FUT) == D("0.04"))
        assert [p.qty for p in provider.open_positions(bot="trend")] == [D("0.01")]

        # The bot's book still says 0.02: its exit must close 0.01, its share, not 0.02.
        out = await gw.submit(OrderRequest(FUT, Side.SELL, OrderType.MARKET, qty=D("0.02"),
                                           bot="trend", reduce_only=True))  # fmt: skip
        assert out.accepted and out.filled_qty == D("0.01"), out.reason
        acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
        assert acct.position("BTCUSDT").amt == D("0.03")
        assert held(env, FUT) == D("0.03")
        assert provider.open_positions(bot="trend") == []

        async def users_stop() -> bool:  # the user's part keeps a stop sized to it
            stops = [s.order for s in await env.svc.store.open_orders(False)
                     if s.order.type is OrderType.STOP_MARKET]  # fmt: skip
            return len(stops) == 1 and stops[0].qty == D("0.03") and stops[0].reduce_only

        await eventually(users_stop, timeout=20)


async def test_a_bots_spot_sell_with_a_flat_share_never_sells_the_users_coins(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with live(sim, tmp_path) as env:
        gw = env.provider().gateway()
        bought = await gw.submit(OrderRequest(UP, Side.BUY, OrderType.MARKET,
                                              quote_amount=D(1_000_000), bot="trend"))  # fmt: skip
        assert bought.accepted and bought.filled_qty > 0, bought.reason
        # The user sells everything by hand (the bot's coins too), then buys their own.
        sold = await env.svc.submit(
            OrderRequest(UP, Side.SELL, OrderType.MARKET, qty=held(env, UP))
        )
        assert sold.accepted, sold.reason
        await eventually(lambda: held(env, UP) == 0)
        mine = await env.svc.submit(
            OrderRequest(UP, Side.BUY, OrderType.MARKET, quote_amount=D(2_000_000))
        )
        assert mine.accepted and mine.order is not None, mine.reason

        async def filled() -> bool:
            stored = await env.svc.store.get(mine.order.client_id)  # type: ignore[union-attr]
            return stored is not None and stored.order.status is OrderStatus.FILLED

        await eventually(filled)
        users = await eventually(lambda: held(env, UP))
        orders = len(sim.upbit_engine.orders)

        # The bot still thinks it holds what it bought: its exit is answered, nothing is sent.
        out = await gw.submit(OrderRequest(UP, Side.SELL, OrderType.MARKET,
                                           qty=bought.filled_qty, bot="trend"))  # fmt: skip
        assert not out.accepted
        assert out.reason is not None and "nothing to sell" in en(out.reason), out.reason
        assert len(sim.upbit_engine.orders) == orders
        assert held(env, UP) == users
