"""Issue 13, problems 2 and 3: a futures position never loses its stop-loss silently.

Against the simulator (live ccxt brokers, the real order service, tracker and FuturesManager):

- the 2026 USDⓈ-M new-order reply has no `avgPrice`: percent stop-loss/take-profit are placed
  from the order's trades all the same;
- a stop the venue rejects when it triggers, or that stays in TRIGGERING without an order, is
  notified within 10 s and the failure policy runs (placed again once, else the position is
  closed at market / the user alerted).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal as D
from pathlib import Path

from bot.config import load_settings
from bot.features.trading import install
from bot.notify.outbox import Outbox
from core.broker import Broker
from core.market import Side
from core.notifications import Notification, NotificationKind
from core.orders import Brackets, OrderStatus, OrderType
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from exchanges.brokers import BinanceFuturesBroker
from peers.exchange_sim.binance_futures_models import AlgoOrder, AlgoStatus
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.crash_child import live_brokers
from tests.trading.harness import Env, en, trading_env
from tests.wiring import app_context
from trading.bracket_policy import FailurePolicy
from trading.futures import FuturesManager

FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
VENUE = "binance_futures"


def stops(sim: SimExchange) -> list[AlgoOrder]:
    return sim.binance_futures.engine.account(sim.api_keys["binance"][0]).open_algos("BTCUSDT")


def position(sim: SimExchange) -> D:
    return sim.binance_futures.engine.account(sim.api_keys["binance"][0]).position("BTCUSDT").amt


def risk_notes(tenv: Env, key: str) -> list[Notification]:
    return [n for n in tenv.notes if n.kind is NotificationKind.RISK and key in str(n.text)]


@asynccontextmanager
async def futures_env(
    sim: SimExchange, tmp: Path, policy: FailurePolicy, stuck_after: float = 30.0
) -> AsyncIterator[tuple[Env, FuturesManager, Broker]]:
    brokers = live_brokers(sim.env(), {Venue.BINANCE_FUTURES, Venue.UPBIT})
    fut = brokers[Venue.BINANCE_FUTURES]
    assert isinstance(fut, BinanceFuturesBroker)
    fut.stuck_after = stuck_after
    async with trading_env(tmp / "t.db", brokers, paper=False) as tenv:
        kv = KeyValueStore(tenv.db)
        yield tenv, FuturesManager(tenv.svc, kv, default_leverage=5, failure_policy=policy), fut


async def long_with_stop(futures: FuturesManager, broker: Broker) -> D:
    """A 0.01 BTC long with its stop-loss 1 % below the market; the stop's trigger price."""
    last = await broker.last_price(FUT.symbol)
    stop = (last * D("0.99")).quantize(D("0.1"))
    res = await futures.open(FUT.symbol, Side.BUY, D("0.01"), stop_loss=stop)
    assert res.accepted, en(res.reason)
    return stop


async def test_percent_brackets_are_placed_when_the_reply_has_no_average(
    sim: SimExchange, tmp_path: Path
) -> None:
    """Problem 3: with the 2026 reply (the simulator's default) ccxt gives no average; before
    the fix the percent stop-loss and take-profit were silently not placed."""
    async with futures_env(sim, tmp_path, FailurePolicy.REPLACE_THEN_CLOSE) as (tenv, futures, _):
        res = await futures.open(
            FUT.symbol, Side.BUY, D("0.01"),
            brackets=Brackets(stop_loss_pct=D("2"), take_profit_pct=D("3")),
        )  # fmt: skip
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(stops(sim)) == 2, timeout=10)
        entry = (await tenv.svc.store.get(res.order.client_id)).order  # type: ignore[union-attr]
        assert entry.avg_price is not None  # taken from the order's trades
        by_type = {a.order_type: a for a in stops(sim)}
        sl, tp = by_type["STOP_MARKET"], by_type["TAKE_PROFIT_MARKET"]
        assert abs(sl.trigger_price - entry.avg_price * D("0.98")) <= D("0.1")
        assert abs(tp.trigger_price - entry.avg_price * D("1.03")) <= D("0.1")
        assert sl.qty == tp.qty == D("0.01")
        assert not risk_notes(tenv, "WITHOUT")


async def test_rejected_stop_is_notified_placed_again_then_the_position_closed(
    sim: SimExchange, tmp_path: Path
) -> None:
    """The venue rejects the stop when it triggers (REJECTED): told at once; placing it again
    is refused (the market is already through it), so replace_then_close closes at market.
    Before the fix the REJECTED stop stayed "open" and nobody was told."""
    async with futures_env(sim, tmp_path, FailurePolicy.REPLACE_THEN_CLOSE) as (
        tenv, futures, broker,
    ):  # fmt: skip
        await long_with_stop(futures, broker)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        sim.faults.algo_fate(VENUE, "rejected")
        first = stops(sim)[0].client_algo_id
        sim.market.jump("BTC", -3)
        t0 = time.monotonic()
        await eventually(lambda: risk_notes(tenv, "rejected by the venue"), timeout=10)
        assert time.monotonic() - t0 < 10
        assert "placing it again" in str(risk_notes(tenv, "rejected by the venue")[0].text)
        row = await tenv.svc.store.get(first)
        assert row is not None and row.order.status is OrderStatus.REJECTED
        # Placed again once (refused: it would trigger at once), then closed at market.
        await eventually(lambda: risk_notes(tenv, "Closing the position at market"), timeout=10)
        await eventually(lambda: position(sim) == 0, timeout=10)
        await eventually(lambda: risk_notes(tenv, "position closed at market"), timeout=10)
        assert stops(sim) == []
        await eventually(lambda: not tenv.svc.positions.get(FUT) or not tenv.svc.positions[FUT].qty)


async def test_stop_stuck_in_triggering_is_notified_and_placed_again(
    sim: SimExchange, tmp_path: Path
) -> None:
    """The stop triggers but never becomes an order (TRIGGERING): after the timeout it is
    stuck, the user is told, and a new stop is placed (the market came back above it). Before
    the fix it looked live for ever while the position had no protection."""
    async with futures_env(sim, tmp_path, FailurePolicy.REPLACE_THEN_CLOSE, stuck_after=2.0) as (
        tenv, futures, broker,
    ):  # fmt: skip
        level = await long_with_stop(futures, broker)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        first = stops(sim)[0]
        sim.faults.algo_fate(VENUE, "triggering")
        sim.market.jump("BTC", -3)
        await eventually(lambda: first.status.value == "TRIGGERING", timeout=10)
        sim.market.jump("BTC", 3.5)  # back above the stop before it is declared stuck
        t0 = time.monotonic()
        notes = await eventually(lambda: risk_notes(tenv, "stuck in TRIGGERING"), timeout=10)
        assert time.monotonic() - t0 < 10
        assert "placing it again" in str(notes[0].text)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        again = stops(sim)[0]
        assert again.client_algo_id != first.client_algo_id
        assert again.order_type == "STOP_MARKET" and again.trigger_price == level
        assert position(sim) == D("0.01")
        row = await tenv.svc.store.get(first.client_algo_id)
        assert row is not None and row.order.status is OrderStatus.REJECTED
        assert row.order.reason == "stuck"
        kids = [
            k.order for k in await tenv.svc.store.children(row.parent_client_id or "")
            if not k.order.status.is_final
        ]  # fmt: skip
        assert [k.type for k in kids] == [OrderType.STOP_MARKET]


async def test_replace_then_alert_keeps_alerting_and_the_position_open(
    sim: SimExchange, tmp_path: Path
) -> None:
    async with futures_env(sim, tmp_path, FailurePolicy.REPLACE_THEN_ALERT) as (
        tenv, futures, broker,
    ):  # fmt: skip
        await long_with_stop(futures, broker)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        sim.faults.algo_fate(VENUE, "finished_no_order")
        sim.market.jump("BTC", -3)
        await eventually(lambda: risk_notes(tenv, "no order behind it"), timeout=10)
        # Placing it again is refused (the market is through it): a loud alert, no close.
        await eventually(lambda: risk_notes(tenv, "stays open WITHOUT it"), timeout=10)
        assert position(sim) == D("0.01")
        assert not risk_notes(tenv, "Closing the position")
        # The periodic check tries again, and alerts again.
        assert await futures.protection.check() == []
        assert len(risk_notes(tenv, "stays open WITHOUT it")) >= 2


async def test_close_policy_closes_at_once(sim: SimExchange, tmp_path: Path) -> None:
    async with futures_env(sim, tmp_path, FailurePolicy.CLOSE) as (tenv, futures, broker):
        await long_with_stop(futures, broker)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        sim.faults.algo_fate(VENUE, "rejected")
        sim.market.jump("BTC", -3)
        await eventually(lambda: risk_notes(tenv, "Closing the position at market"), timeout=10)
        await eventually(lambda: position(sim) == 0, timeout=10)
        assert not risk_notes(tenv, "placing it again")


async def test_a_bracket_expired_with_its_position_closed_on_the_venue_is_no_alarm(
    sim: SimExchange, tmp_path: Path
) -> None:
    """The position was closed on the venue (the web UI here) and the venue expired its
    take-profit before our book caught up: nothing to protect, so no alert and no order."""
    async with futures_env(sim, tmp_path, FailurePolicy.REPLACE_THEN_CLOSE) as (
        tenv, futures, broker,
    ):  # fmt: skip
        last = await broker.last_price(FUT.symbol)
        res = await futures.open(
            FUT.symbol, Side.BUY, D("0.01"), stop_loss=(last * D("0.9")).quantize(D("0.1")),
            take_profit=(last * D("1.1")).quantize(D("0.1")),
        )  # fmt: skip
        assert res.accepted, en(res.reason)
        await eventually(lambda: len(stops(sim)) == 2, timeout=10)
        engine = sim.binance_futures.engine
        acct = engine.account(sim.api_keys["binance"][0])
        engine.place(
            acct, "BTCUSDT", "SELL", "MARKET", D("0.01"), None, reduce_only=True,
            client_id="web-close",
        )  # fmt: skip
        tp = next(a for a in stops(sim) if a.order_type == "TAKE_PROFIT_MARKET")
        tp.status = AlgoStatus.EXPIRED

        async def tp_final() -> bool:
            row = await tenv.svc.store.get(tp.client_algo_id)
            return row is not None and row.order.status.is_final

        await eventually(tp_final, timeout=10)
        assert not [n for n in tenv.notes if n.kind is NotificationKind.RISK]
        assert [a.order_type for a in stops(sim)] == ["STOP_MARKET"]


# --- the whole trading feature, as the app installs it from its settings ------------------------
async def test_installed_service_uses_the_policy_and_timeout_settings(
    sim: SimExchange, tmp_path: Path
) -> None:
    """BRACKET_FAILURE_POLICY=close and BRACKET_TRIGGERING_TIMEOUT=2 through the trading
    installer: a stop stuck in TRIGGERING is told (in the outbox, in Korean) within 10 s and
    the position is closed at market."""
    values = {k.lower(): v for k, v in sim.env().items()}
    settings = load_settings(
        env_file=None, trading_mode="live", db_path=tmp_path / "t.db", language="ko",
        max_position_pct=90, max_order_krw=50_000_000, bracket_failure_policy="close",
        bracket_triggering_timeout=2, **values,
    )  # fmt: skip
    async with app_context(settings, stop_timeout=3.0) as app:
        await install(app)
        trading = app.facade.trading
        assert trading is not None
        futures = trading.futures  # type: ignore[attr-defined]
        broker = trading.svc.brokers[Venue.BINANCE_FUTURES]  # type: ignore[attr-defined]
        await long_with_stop(futures, broker)
        await eventually(lambda: len(stops(sim)) == 1, timeout=10)
        first = stops(sim)[0]
        sim.faults.algo_fate(VENUE, "triggering")
        sim.market.jump("BTC", -3)
        t0 = time.time()

        async def told() -> list[str]:
            await app.notifier.flush_writes()
            texts = await Outbox(app.db).texts((NotificationKind.RISK,), t0 - 60, t0 + 600)
            return [t for t in texts if "TRIGGERING" in t and "시장가로 청산합니다" in t]

        await eventually(told, timeout=10)
        assert time.time() - t0 < 10
        await eventually(lambda: position(sim) == 0, timeout=10)
        assert first.status is AlgoStatus.TRIGGERING  # the venue would not let it be cancelled
