"""An order we cannot record is never sent (issue 12, item 10): with the database unwritable
(SQLite's own `PRAGMA query_only`, the same error path as a full disk) a buy is refused with a
reason that says so, nothing reaches the broker, and the reservation is released so the next
order after recovery goes through."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import trading_env, worded

UPBIT_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


async def test_an_order_that_cannot_be_recorded_is_refused_and_not_sent(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(UPBIT_BTC) is not None)
        broker = env.svc.brokers[Venue.UPBIT]
        before = {b.asset: b.free for b in await broker.balances()}
        req = OrderRequest(UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(1_000_000))
        await env.db.execute("PRAGMA query_only = 1")
        try:
            res = worded(await env.svc.submit(req))
        finally:
            await env.db.execute("PRAGMA query_only = 0")
        assert not res.accepted
        assert "cannot be written" in res.reason and "not sent" in res.reason
        assert {b.asset: b.free for b in await broker.balances()} == before  # nothing placed
        assert await env.svc.store.recent_orders(10) == []
        again = await env.svc.submit(req)
        assert again.accepted, again.reason
