"""A hedge leg closed outside the hedge (by hand, or a liquidation booked from the venue's
trades): the trade that closed it is counted in the hedge's PnL, so /hedge, /profit and the
report agree with the account (issue 16, second pass). Over the paper brokers."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.account import ForcedFill, ForcedKind
from core.hedge import HedgeDirection, HedgeOutcome
from core.market import Side
from core.orders import Fill
from core.symbols import Venue
from tests.helpers import eventually
from tests.trading.test_hedge_paper import FUT, hedge, paper_desk
from trading.hedge.provider import HedgeView
from trading.hedge.store import HedgeState
from trading.hedge.watch import watch


def by_hand(view: HedgeView) -> D:
    """Each fill's cash (sells in, buys out) less its fee, the futures leg at the USDT/KRW rate
    the hedge was opened at: what the account got from the hedge's coins."""
    ref = view.record.open_ref
    assert ref is not None
    total = D(0)
    for e in view.book.entries:
        f = e.fill
        rate = ref.fx if f.instrument.venue is Venue.BINANCE_FUTURES else D(1)
        cash = f.qty * f.price * (1 if f.side is Side.SELL else -1)
        total += (cash - e.fee_quote) * rate
    return total


async def test_a_short_closed_by_hand_counts_in_the_hedges_pnl(tmp_path: Path) -> None:
    async with paper_desk(tmp_path) as (env, desk):
        res = await desk.hedge_gateway().submit(hedge("o1", HedgeDirection.FORWARD))
        assert res.outcome is HedgeOutcome.OPENED and res.futures is not None
        short = res.futures.qty
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 101_999.5, 102_000.5)  # the short loses
        await eventually(lambda: (p := env.svc.prices.price(FUT)) is not None and p > 101_000)
        closed = await desk.executor.futures.close(FUT.symbol, reason="manual")
        assert closed.accepted
        said = await watch(desk.executor)
        assert len(said) == 1 and "o1" in str(said[0].params), said
        view = await desk.detail("o1")
        assert view is not None and view.record.state is HedgeState.UNWOUND
        outside = [e for e in view.book.entries if e.phase.value == "outside"]
        assert [e.fill.qty for e in outside] == [short]  # the manual close, claimed
        assert outside[0].fill.price > 101_000
        assert view.fut_qty == 0 and abs(view.spot_qty) * 140_000_000 < 5000
        # about 2,000 USDT × 0.009 BTC × 1,400 KRW lost on the short, all of it in the figure
        assert view.pnl.total == by_hand(view)
        assert view.pnl.premium < -20_000, view.pnl
        assert await watch(desk.executor) == []  # settled, and claimed once


async def test_a_liquidation_closing_two_hedges_short_counts_once_each(tmp_path: Path) -> None:
    async with paper_desk(tmp_path) as (env, desk):
        gw = desk.hedge_gateway()
        for hid in ("l1", "l2"):
            res = await gw.submit(hedge(hid, HedgeDirection.FORWARD))
            assert res.outcome is HedgeOutcome.OPENED
        pos = env.svc.positions[FUT]
        now = env.svc.clock.now()
        fill = Fill(
            "liq-1", "autoclose-1", FUT, Side.BUY, abs(pos.qty), D(110_000), D("4.95"), "USDT",
            now, True,
        )  # fmt: skip
        ev = ForcedFill(ForcedKind.LIQUIDATION, fill, "o-liq", D(-180), now, now)
        assert await env.svc.book_forced(ev) is not None
        assert env.svc.positions[FUT].qty == 0
        said = await watch(desk.executor)
        assert len(said) == 2, said
        views = [await desk.detail(h) for h in ("l1", "l2")]
        for view in views:
            assert view is not None and view.fut_qty == 0
            (part,) = [e for e in view.book.entries if e.phase.value == "outside"]
            assert part.fill.qty == abs(pos.qty) / 2  # its own leg's share of the liquidation
            assert view.pnl.total == by_hand(view)
        fees = sum(
            (e.fee_quote for v in views if v for e in v.book.entries if e.phase.value == "outside"),
            D(0),
        )
        assert fees == D("4.95")  # the liquidation's fee split, not counted twice
