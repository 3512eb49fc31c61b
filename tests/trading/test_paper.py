from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import trading_env, worded

UPBIT_BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
BIN_BTC = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))


async def test_paper_upbit_market_buy_uses_top_of_book_slippage_and_fee(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(UPBIT_BTC) is not None)
        res = await env.svc.submit(
            OrderRequest(UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(1_000_000))
        )
        assert res.accepted, res.reason
        assert res.order is not None and res.order.status is OrderStatus.FILLED
        fills = await env.svc.store.fills()
        assert len(fills) == 1
        f = fills[0].fill
        # ask 100,000,000 + 5 bps = 100,050,000 (on the 1,000 KRW grid)
        assert f.price == D(100_050_000)
        assert f.fee == D(500) and f.fee_asset == "KRW"
        bals = {b.asset: b for b in await env.svc.brokers[Venue.UPBIT].balances()}
        assert bals["KRW"].free == D(10_000_000) - D(1_000_500)
        assert bals["BTC"].free == f.qty
        pos = await env.svc.store.position(UPBIT_BTC, True)
        assert pos is not None and pos.qty == f.qty


async def test_paper_limit_rests_then_fills_when_market_crosses(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.BINANCE_SPOT, "BTC/USDT", 60_000, 60_001)
        await eventually(lambda: env.svc.prices.price(BIN_BTC) is not None)
        res = await env.svc.submit(
            OrderRequest(BIN_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.01"), price=D("59000"))
        )
        assert res.accepted and res.order is not None
        assert res.order.status is OrderStatus.OPEN
        bals = {b.asset: b for b in await env.svc.brokers[Venue.BINANCE_SPOT].balances()}
        assert bals["USDT"].locked == D(590)
        env.quote(Venue.BINANCE_SPOT, "BTC/USDT", 58_990, 58_999)

        async def filled() -> bool:
            s = await env.svc.store.get(res.order.client_id)  # type: ignore[union-attr]
            return s is not None and s.order.status is OrderStatus.FILLED

        await eventually(filled)
        fills = await env.svc.store.fills()
        assert len(fills) == 1 and fills[0].fill.price == D(59000)
        assert fills[0].fill.fee == D("0.00001") and fills[0].fill.fee_asset == "BTC"
        bals = {b.asset: b for b in await env.svc.brokers[Venue.BINANCE_SPOT].balances()}
        assert bals["USDT"].free == D(10_000) - D(590) and bals["USDT"].locked == 0
        assert bals["BTC"].free == D("0.00999")
        assert any("Filled buy" in n.text for n in env.notes)


async def test_paper_refusal_has_reason_and_writes_nothing(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(UPBIT_BTC) is not None)
        res = worded(
            await env.svc.submit(
                OrderRequest(UPBIT_BTC, Side.BUY, OrderType.LIMIT, qty=D("0.00001"), price=D("1e8"))
            )
        )
        assert not res.accepted and "minimum of 5,000 KRW" in res.reason
        assert await env.svc.store.recent_orders(10) == []
        assert any("minimum of 5,000 KRW" in n.text for n in env.notes)


async def test_stale_market_refuses_new_orders(tmp_path: Path) -> None:
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(UPBIT_BTC) is not None)
        env.stale.add(Venue.UPBIT)
        res = worded(
            await env.svc.submit(
                OrderRequest(UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(10_000))
            )
        )
        assert not res.accepted and "stale or degraded" in res.reason


async def test_paper_fills_match_the_backtest_fill_model(tmp_path: Path) -> None:
    """Same reference price, slippage and fee rate: the paper broker and the backtest's model
    (core.fills via PaperGateway) give the same price and fee."""
    from core.fills import FEE_RATES, FillModel
    from strategies.gateway import PaperGateway

    fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
    cases = [
        (UPBIT_BTC, OrderRequest(UPBIT_BTC, Side.BUY, OrderType.MARKET, quote_amount=D(700_000))),
        (fut, OrderRequest(fut, Side.SELL, OrderType.MARKET, qty=D("0.1"), leverage=5)),
    ]
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.UPBIT, "BTC/KRW", 100_000_000, 100_000_000)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 60_000, 60_000)
        await eventually(lambda: env.svc.prices.price(fut) is not None)
        model = PaperGateway(lambda i: float(env.svc.prices.price(i) or 0), FillModel(5.0))
        for inst, req in cases:
            res = await env.svc.submit(req)
            assert res.accepted and res.order is not None, res.reason
            fill = (await env.svc.store.fills_of(res.order.client_id))[0].fill
            expect = model.fill(req)
            assert fill.price == expect.avg_price, inst
            assert fill.fee == expect.fee.quantize(D("0.00000001")), inst
            notional = req.quote_amount or fill.qty * fill.price
            assert fill.fee == notional * D(repr(FEE_RATES[inst.venue]))
        # 700,000 KRW x 0.05 %; 0.1 BTC x (60,000 - 5 bps = 59,970) x 0.05 %
        assert [r.fill.fee for r in await env.svc.store.fills()] == [D("2.9985"), D(350)]
