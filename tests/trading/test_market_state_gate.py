"""Orders to a market the venue's ticker says does not trade (PREVIEW: deposits only, or
DELISTED) are refused before anything is written or sent, with the reason; ACTIVE trades."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.market import Side, TradingState
from core.market_notices import NoticeBoard
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import en, trading_env

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


async def test_preview_and_delisted_markets_refuse_orders_active_ones_take_them(
    tmp_path: Path,
) -> None:
    board = NoticeBoard()
    async with trading_env(tmp_path / "t.db") as env:
        env.svc.market_gate = board.state_problem
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(BTC) is not None)
        buy = OrderRequest(BTC, Side.BUY, OrderType.MARKET, qty=D("0.001"))

        board.set_state(Venue.UPBIT, BTC.symbol, TradingState.PREVIEW)
        res = await env.svc.submit(buy)
        assert not res.accepted and res.order is None
        assert en(res.reason) == (
            "Upbit BTC/KRW is not trading now (preview: deposits only, not tradable yet); "
            "nothing was sent"
        )
        board.set_state(Venue.UPBIT, BTC.symbol, TradingState.DELISTED)
        sell = OrderRequest(BTC, Side.SELL, OrderType.MARKET, qty=D("0.001"))
        res = await env.svc.submit(sell)
        assert not res.accepted and "(delisted)" in en(res.reason)
        assert await env.svc.store.recent_orders(10) == []  # no intent written

        board.set_state(Venue.UPBIT, BTC.symbol, TradingState.ACTIVE)
        res = await env.svc.submit(buy)
        assert res.accepted, res.reason
