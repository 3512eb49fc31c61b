"""The hedge executor over the paper brokers: the reverse hedge (sell held Upbit coins, long the
perpetual) and funding received while a hedge is open, booked as the ledger books it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from core.account import AccountChanged, PositionChange, WalletChange
from core.hedge import HedgeDirection, HedgeOutcome, HedgeRequest
from core.market import Side
from core.orders import OrderRequest, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import Env, en, trading_env
from trading.futures import FuturesManager
from trading.hedge.executor import HedgeExecutor
from trading.hedge.provider import HedgeDesk
from trading.hedge.store import HedgeState, HedgeStore
from trading.hedge.watch import watch
from trading.risk import RiskLimits

UP = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


@asynccontextmanager
async def paper_desk(
    tmp: Path, limits: RiskLimits | None = None
) -> AsyncIterator[tuple[Env, HedgeDesk]]:
    async with trading_env(tmp / "t.db", limits=limits) as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399.5, 1400.5)
        env.quote(Venue.UPBIT, "BTC/KRW", 139_995_000, 140_005_000)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_999.5, 100_000.5)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        futures = FuturesManager(env.svc, KeyValueStore(env.db))
        yield env, HedgeDesk(HedgeExecutor(env.svc, futures, HedgeStore(env.db)))


def hedge(hid: str, direction: HedgeDirection, opening: bool = True) -> HedgeRequest:
    return HedgeRequest(hid, "kimp1", "BTC", direction, opening,
                        size_krw=D(1_400_000) if opening else None)  # fmt: skip


async def test_reverse_hedge_sells_held_coins_and_longs_the_perpetual(tmp_path: Path) -> None:
    async with paper_desk(tmp_path) as (env, desk):
        gw = desk.hedge_gateway()
        for bad, said in (
            (HedgeRequest("x1", "", "BTC", HedgeDirection.FORWARD, True, size_krw=D(-5)),
             "positive size in KRW"),
            (HedgeRequest("x2", "", "BTC", HedgeDirection.FORWARD, True, size_krw=D(10**6),
                          leverage=0), "Leverage 0x"),
            (HedgeRequest("x3", "", "NOSUCHCOIN", HedgeDirection.FORWARD, True,
                          size_krw=D(10**6)), ""),
            (HedgeRequest("x4", "", "BTC", HedgeDirection.FORWARD, False), "no hedge x4"),
        ):  # fmt: skip
            res = await gw.submit(bad)
            assert res.outcome is HedgeOutcome.REFUSED and said in en(res.reason or ""), res
        assert await desk.hedges() == []  # nothing recorded, nothing sent
        refused = await gw.submit(hedge("r1", HedgeDirection.REVERSE))
        assert refused.outcome is HedgeOutcome.REFUSED  # no BTC held on Upbit yet
        assert "sells coins you hold on Upbit" in en(refused.reason or "")
        buy = OrderRequest(UP, Side.BUY, OrderType.MARKET, quote_amount=D(2_000_000))
        assert (await env.svc.submit(buy)).accepted
        await env.svc.refresh_balances(Venue.UPBIT)
        held = env.svc.balances[Venue.UPBIT]["BTC"][0]
        res = await gw.submit(hedge("r2", HedgeDirection.REVERSE))
        assert res.outcome is HedgeOutcome.OPENED, en(res.reason or "")
        assert res.spot is not None and res.futures is not None
        assert res.spot.qty == res.futures.qty == D("0.01")  # both on the 0.001 lot grid
        assert env.svc.positions[FUT].qty == D("0.01")  # long
        await env.svc.refresh_balances(Venue.UPBIT)
        assert env.svc.balances[Venue.UPBIT]["BTC"][0] == held - D("0.01")
        closed = await gw.submit(hedge("r2", HedgeDirection.REVERSE, opening=False))
        assert closed.outcome is HedgeOutcome.CLOSED, en(closed.reason or "")
        assert env.svc.positions[FUT].qty == 0
        view = await desk.detail("r2")
        assert view is not None and view.fut_qty == 0
        # the spot leg is bought back by KRW total (Upbit market buy): within a hair
        assert abs(view.spot_qty) < D("0.0001")


async def test_funding_received_while_open_is_the_hedges(tmp_path: Path) -> None:
    async with paper_desk(tmp_path) as (env, desk):
        gw = desk.hedge_gateway()
        res = await gw.submit(hedge("f1", HedgeDirection.FORWARD))
        assert res.outcome is HedgeOutcome.OPENED, en(res.reason or "")
        pos = env.svc.positions[FUT]
        now = time.time()
        ev = AccountChanged(
            "FUNDING_FEE", (WalletChange("USDT", D(10_000), D(10_000), D("1.25")),),
            (PositionChange(FUT, pos.qty, pos.entry_price),), now, now,
        )  # fmt: skip
        assert await env.svc.book_funding(ev) == D("1.25")
        before = await desk.detail("f1")
        assert before is not None and before.pnl.funding > 0
        # a partial close (issue 16, second pass): the rest stays open and keeps its funding
        part = HedgeRequest("f1", "kimp1", "BTC", HedgeDirection.FORWARD, False, qty=D("0.001"))
        reduced = await gw.submit(part)
        assert reduced.outcome is HedgeOutcome.OPENED and D(reduced.details["reduced"]) == D(
            "0.001"
        )
        closed = await gw.submit(hedge("f1", HedgeDirection.FORWARD, opening=False))
        assert closed.outcome is HedgeOutcome.CLOSED
        view = await desk.detail("f1")
        assert view is not None and view.record.close_ref is not None
        assert view.pnl.funding == D("1.25") * view.record.close_ref.fx
        # by hand: each fill's cash (sells in, buys out) less its fee, the futures leg at the
        # USDT/KRW rate of its phase, plus the funding
        refs = {"open": view.record.open_ref, "close": view.record.close_ref}
        phase = {o.client_id: o.phase.value for o in view.orders}
        reduce_refs = await desk.executor.store.refs("f1")
        assert len(reduce_refs) == 2  # the partial close's two orders
        hand = D(0)
        for e in view.book.entries:
            f = e.fill
            ref = refs["close" if phase[f.client_id] == "close" else "open"]
            if phase[f.client_id] == "reduce":  # decided on its own reference
                ref = reduce_refs[f.client_id]
            assert ref is not None
            rate = ref.fx if f.instrument.venue is Venue.BINANCE_FUTURES else D(1)
            cash = f.qty * f.price * (1 if f.side is Side.SELL else -1)
            hand += (cash - f.fee) * rate
        assert view.pnl.total == hand + D("1.25") * view.record.close_ref.fx


async def test_a_hedge_whose_spot_coins_were_sold_by_hand_is_unwound(tmp_path: Path) -> None:
    """The futures short of a hedge has no stop-loss (the spot coins are its cover); once those
    coins are gone the short is naked: the watch tells the user and flattens it (unwind)."""
    async with paper_desk(tmp_path) as (env, desk):
        res = await desk.hedge_gateway().submit(hedge("w1", HedgeDirection.FORWARD))
        assert res.outcome is HedgeOutcome.OPENED and res.spot is not None
        assert await watch(desk.executor) == []  # the coins are there: nothing to do
        sell = OrderRequest(UP, Side.SELL, OrderType.MARKET, qty=res.spot.qty, reason="manual")
        assert (await env.svc.submit(sell)).accepted
        said = await watch(desk.executor)
        assert len(said) == 1 and "spot coins are gone" in en(said[0])
        assert any("w1" in str(n.text) and "gone" in str(n.text) for n in env.notes)
        assert env.svc.positions[FUT].qty == 0
        view = await desk.detail("w1")
        assert view is not None and view.record.state is HedgeState.UNWOUND


async def test_a_hedge_never_joins_a_futures_position_held_outside_hedges(tmp_path: Path) -> None:
    """One-way mode nets a symbol into one position: a hedge leg added to a bot's or a manual
    position would share its stop-loss. Two hedges on one coin are fine."""
    async with paper_desk(tmp_path) as (env, desk):
        gw = desk.hedge_gateway()
        for hid in ("s1", "s2"):
            res = await gw.submit(hedge(hid, HedgeDirection.FORWARD))
            assert res.outcome is HedgeOutcome.OPENED, (hid, en(res.reason or ""))
        assert env.svc.positions[FUT].qty == D("-0.018")  # 0.009 each (1.4 M KRW, 0.001 lots)
        manual = await desk.executor.futures.open(FUT.symbol, Side.SELL, D("0.005"), leverage=2)
        assert manual.accepted
        res = await gw.submit(hedge("s3", HedgeDirection.FORWARD))
        assert res.outcome is HedgeOutcome.REFUSED
        assert "already holds -0.005 BTC outside hedges" in en(res.reason or ""), en(
            res.reason or ""
        )


async def test_a_hedge_whose_futures_leg_was_closed_outside_is_told_and_unwound(
    tmp_path: Path,
) -> None:
    """Liquidated or closed by hand: the spot coins are unhedged; the policy flattens them.
    Both legs closed outside: the hedge is simply closed."""
    async with paper_desk(tmp_path) as (env, desk):
        gw = desk.hedge_gateway()
        for hid in ("g1", "g2"):
            res = await gw.submit(hedge(hid, HedgeDirection.FORWARD))
            assert res.outcome is HedgeOutcome.OPENED, en(res.reason or "")
        futures = desk.executor.futures
        assert (await futures.close(FUT.symbol, qty=D("0.009"), reason="manual")).accepted
        await env.svc.refresh_balances(Venue.UPBIT)
        coins = env.svc.balances[Venue.UPBIT]["BTC"][0]
        said = await watch(desk.executor)  # one hedge's worth of the short is gone
        assert len(said) == 1 and "g2" in en(said[0]), said
        assert "USDⓈ-M position is gone" in en(said[0]) and "flattened" in en(said[0])
        g1, g2 = await desk.detail("g1"), await desk.detail("g2")
        assert g1 is not None and g1.record.state is HedgeState.OPEN  # still covered
        assert g2 is not None and g2.record.state is HedgeState.UNWOUND
        await env.svc.refresh_balances(Venue.UPBIT)
        assert (
            env.svc.balances[Venue.UPBIT]["BTC"][0] == coins - g2.book.of(Venue.UPBIT)[0].fill.qty
        )
        assert await watch(desk.executor) == []  # settled: nothing more to say

    async with paper_desk(tmp_path / "b") as (env, desk):
        res = await desk.hedge_gateway().submit(hedge("b1", HedgeDirection.FORWARD))
        assert res.spot is not None
        await desk.executor.futures.close(FUT.symbol, reason="manual")
        sell = OrderRequest(UP, Side.SELL, OrderType.MARKET, qty=res.spot.qty, reason="manual")
        assert (await env.svc.submit(sell)).accepted
        said = await watch(desk.executor)
        assert len(said) == 1 and "both legs were closed outside" in en(said[0])
        view = await desk.detail("b1")
        assert view is not None and view.record.state is HedgeState.CLOSED


async def test_a_reverse_hedge_whose_long_is_refused_is_bought_back_and_unwound(
    tmp_path: Path,
) -> None:
    """The risk limits refuse the futures long (a second open position); the coins sold on
    Upbit are bought back by a KRW total, which lands a hair off: that dust below Upbit's
    minimum order is no exposure, the hedge is unwound."""
    limits = RiskLimits(max_open_positions=1, max_position_pct=D(90))
    async with paper_desk(tmp_path, limits) as (env, desk):
        buy = OrderRequest(UP, Side.BUY, OrderType.MARKET, quote_amount=D(2_000_000))
        assert (await env.svc.submit(buy)).accepted
        await env.svc.refresh_balances(Venue.UPBIT)
        res = await desk.hedge_gateway().submit(hedge("u1", HedgeDirection.REVERSE))
        assert res.outcome is HedgeOutcome.UNWOUND, (res, en(res.reason or ""))
        assert "MAX_OPEN_POSITIONS" in en(res.reason or ""), en(res.reason or "")
        view = await desk.detail("u1")
        assert view is not None and view.record.state is HedgeState.UNWOUND
        assert view.spot_qty != 0 and abs(view.spot_qty) * 140_000_000 < 5000  # dust only
        assert any("u1" in str(n.text) and "unwound" in str(n.text) for n in env.notes)
