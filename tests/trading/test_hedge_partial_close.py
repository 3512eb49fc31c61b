"""A partial close of a hedge: `/hedge close <id> <qty|pct%>` takes the same quantity off both
legs on both lot grids, the rest stays open with its accounting (issue 16, second pass).
Through the real command registry over the paper brokers."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.test_commands import confirm_code, run
from tests.trading.test_hedge_commands import prices
from tests.trading.test_hedge_leverage import hedge_app, opened


async def test_partial_close_reduces_both_legs_and_keeps_the_accounting(tmp_path: Path) -> None:
    async with hedge_app(tmp_path) as (app, ctx):
        desk = app.facade.hedges
        assert desk is not None
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        up = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
        svc = app.facade.trading.svc  # type: ignore[union-attr]
        prices(app, 140_000_000, 99_000)
        await eventually(lambda: svc.prices.price(fut) is not None)
        hedge_id = await opened(app, ctx, "/hedge open BTC 4000000")
        view = await desk.detail(hedge_id)
        assert view is not None
        held = view.spot_qty
        open_ref = view.record.open_ref

        prices(app, 141_400_000, 99_000)  # the premium rises about 1 point
        await eventually(lambda: (top := svc.prices.top(up)) is not None and top.bid > 141e6)
        r = await run(app, ctx, f"/hedge close {hedge_id} 50%")
        assert "Close " in r.text and "The rest stays open" in r.text, r.text
        r = await run(app, ctx, confirm_code(r))
        assert f"✅ Hedge {hedge_id}:" in r.text and "stays open" in r.text, r.text

        view = await desk.detail(hedge_id)
        assert view is not None and view.record.state.value == "open"
        assert view.record.open_ref == open_ref  # the rest keeps its reference
        assert 0 < view.spot_qty < held
        assert abs(view.spot_qty + view.fut_qty) <= D("0.0005")  # legs still equal
        taken = held - view.spot_qty
        assert abs(taken - held / 2) <= D("0.001"), (taken, held)  # half, on the lot grid
        reduce_orders = [o for o in view.orders if o.phase.value == "reduce"]
        assert {o.venue for o in reduce_orders} == {Venue.UPBIT, Venue.BINANCE_FUTURES}
        # By hand: the part closed earned its qty × 1,400,000 KRW of the spot mid's rise at the
        # reference it was decided on, the rest is valued at the current mids: the same rise.
        bought = sum(e.fill.qty for e in view.book.of(Venue.UPBIT) if e.fill.side.value == "buy")
        assert view.pnl.premium == bought * D(1_400_000), view.pnl

        r = await run(app, ctx, f"/hedge close {hedge_id}")
        r = await run(app, ctx, confirm_code(r))
        assert f"Hedge {hedge_id} closed. PnL" in r.text, r.text
        view = await desk.detail(hedge_id)
        assert view is not None and view.spot_qty == 0 and view.fut_qty == 0
        assert view.pnl.premium == bought * D(1_400_000), view.pnl
        assert view.pnl.fees > 0 and view.pnl.slippage < 0


async def test_bad_partial_close_gets_a_clear_answer(tmp_path: Path) -> None:
    async with hedge_app(tmp_path) as (app, ctx):
        desk = app.facade.hedges
        assert desk is not None
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        svc = app.facade.trading.svc  # type: ignore[union-attr]
        prices(app, 140_000_000, 99_000)
        await eventually(lambda: svc.prices.price(fut) is not None)
        hedge_id = await opened(app, ctx, "/hedge open BTC 2000000")
        for line, said in (
            (f"/hedge close {hedge_id} lots", "as coins or a percentage"),
            (f"/hedge close {hedge_id} 0", "as coins or a percentage"),
            (f"/hedge close {hedge_id} 150%", "as coins or a percentage"),
            (f"/hedge close {hedge_id} 5", "is more than that"),
        ):
            r = await run(app, ctx, line)
            assert said in r.text and not r.buttons, (line, r.text)
        # a part below the venues' minimum lot: refused, nothing traded
        r = await run(app, ctx, f"/hedge close {hedge_id} 0.00000001")
        r = await run(app, ctx, confirm_code(r))
        assert f"Hedge {hedge_id} not closed" in r.text and "close the hedge whole" in r.text, (
            r.text
        )
        view = await desk.detail(hedge_id)
        assert view is not None and view.record.state.value == "open"
        assert not [o for o in view.orders if o.phase.value == "reduce"]
