"""Trading feature installer: paper or live by TRADING_MODE, said loudly at start-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loguru import logger

from bot.commands.trading import register_trading
from bot.features import AppContext
from bot.features.hedge import install_hedges
from bot.features.time_sync import run_time_sync
from bot.i18n import Messages
from bot.settings_sections import ExchangeSettings, RiskSettings
from core.broker import Broker, PlaceRequest
from core.freshness import Freshness
from core.notifications import Notification, NotificationKind
from core.rounding import MarketRules
from core.storage.kv import KeyValueStore
from core.symbols import Symbol, Venue
from trading.bracket_policy import FailurePolicy
from trading.executor import OrderService
from trading.futures import FuturesManager
from trading.paper import PaperBroker
from trading.prices import PriceBook
from trading.provider import TradingProvider
from trading.reconcile import reconcile
from trading.risk import RiskLimits, RiskManager
from trading.spot_stops import SpotStops
from trading.store import TradingStore
from trading.tracker import OrderTracker


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _live_brokers(
    app: AppContext, s: ExchangeSettings, stuck_after: float = 30.0
) -> dict[Venue, Broker]:
    from exchanges.brokers import (
        BinanceFuturesBroker,
        BinanceSpotBroker,
        BithumbBroker,
        UpbitBroker,
        make_exchange,
    )

    out: dict[Venue, Broker] = {}
    if s.bithumb_enabled and s.bithumb_access_key and s.bithumb_secret_key:
        ex, gate = make_exchange(
            Venue.BITHUMB, api_key=_secret(s.bithumb_access_key),
            secret=_secret(s.bithumb_secret_key), rest_url=s.bithumb_rest_url,
        )  # fmt: skip
        out[Venue.BITHUMB] = BithumbBroker(Venue.BITHUMB, ex, gate, app.clock)
    if s.upbit_access_key and s.upbit_secret_key:
        ex, gate = make_exchange(
            Venue.UPBIT, api_key=_secret(s.upbit_access_key),
            secret=_secret(s.upbit_secret_key), rest_url=s.upbit_rest_url,
        )  # fmt: skip
        out[Venue.UPBIT] = UpbitBroker(Venue.UPBIT, ex, gate, app.clock)
    if s.binance_api_key and s.binance_api_secret:
        key, sec = _secret(s.binance_api_key), _secret(s.binance_api_secret)
        ex, gate = make_exchange(
            Venue.BINANCE_SPOT, api_key=key, secret=sec, rest_url=s.binance_rest_url
        )
        out[Venue.BINANCE_SPOT] = BinanceSpotBroker(Venue.BINANCE_SPOT, ex, gate, app.clock)
        ex, gate = make_exchange(
            Venue.BINANCE_FUTURES, api_key=key, secret=sec, rest_url=s.binance_futures_rest_url
        )
        out[Venue.BINANCE_FUTURES] = BinanceFuturesBroker(
            Venue.BINANCE_FUTURES, ex, gate, app.clock, stuck_after=stuck_after
        )
    return out


async def _paper_brokers(
    app: AppContext, s: RiskSettings, venues: ExchangeSettings, prices: PriceBook,
    store: TradingStore,
) -> dict[Venue, Broker]:  # fmt: skip
    public = _public_rules(app, venues)
    start = {
        Venue.UPBIT: {"KRW": Decimal(str(s.paper_balance_krw))},
        Venue.BINANCE_SPOT: {"USDT": Decimal(str(s.paper_balance_usdt))},
        Venue.BINANCE_FUTURES: {"USDT": Decimal(str(s.paper_balance_usdt))},
    }
    if venues.bithumb_enabled:  # the second KRW venue: its own paper account, same KRW start
        start[Venue.BITHUMB] = {"KRW": Decimal(str(s.paper_balance_krw))}
    out: dict[Venue, Broker] = {}
    positions = await store.positions(True)
    open_orders = await store.open_orders(True)
    for venue, initial in start.items():
        saved = await store.balances(venue, True)
        if venue is Venue.BINANCE_FUTURES:
            balances = {b.asset: b.total for b in saved} or initial
        else:
            balances = {b.asset: b.free for b in saved} or initial
        broker = PaperBroker(
            venue, prices, app.clock, balances=balances, slippage_bps=s.paper_slippage_bps,
            rules_source=public.get(venue), leverage=s.default_leverage,
        )  # fmt: skip
        if venue is not Venue.BINANCE_FUTURES:
            broker.set_locked({b.asset: b.locked for b in saved if b.locked})
        broker.restore(
            [
                (
                    PlaceRequest(
                        o.order.client_id,
                        o.order.instrument.symbol,
                        o.order.side,
                        o.order.type,
                        o.order.qty,
                        o.order.price,
                        o.quote_amount,
                        o.order.trigger_price,
                        o.order.reduce_only,
                    ),
                    o.order.exchange_id or "",
                )
                for o in open_orders
                if o.order.instrument.venue is venue and o.order.exchange_id
            ],
            positions,
        )
        out[venue] = broker
    return out


def _public_rules(app: AppContext, s: ExchangeSettings) -> dict[Venue, Any]:
    """Paper orders follow the venues' real grids, read from their public market lists."""
    try:
        from exchanges.brokers import (
            BinanceFuturesBroker,
            BinanceSpotBroker,
            BithumbBroker,
            UpbitBroker,
            make_exchange,
        )
    except ImportError:  # pragma: no cover
        return {}
    out: dict[Venue, Any] = {}
    sources: list[tuple[Venue, Any, str]] = [
        (Venue.UPBIT, UpbitBroker, s.upbit_rest_url),
        (Venue.BINANCE_SPOT, BinanceSpotBroker, s.binance_rest_url),
        (Venue.BINANCE_FUTURES, BinanceFuturesBroker, s.binance_futures_rest_url),
    ]
    if s.bithumb_enabled:
        sources.append((Venue.BITHUMB, BithumbBroker, s.bithumb_rest_url))
    for venue, cls, url in sources:
        ex, gate = make_exchange(venue, api_key=None, secret=None, rest_url=url, timeout_s=5)
        broker = cls(venue, ex, gate, app.clock)
        app.stack.push_async_callback(broker.close)

        async def rules(symbol: Symbol, b: Any = broker) -> MarketRules:
            rules: MarketRules = await b.rules(symbol)
            return rules

        out[venue] = rules
    return out


def _start_upbit_private_stream(app: AppContext, s: ExchangeSettings, tracker: OrderTracker) -> Any:
    """Upbit's myOrder/myAsset stream rings the tracker (fills booked at once); polling stays
    the safety net. Returns its state (up, or down and polling alone) for /status."""
    from exchanges.brokers import PrivateStreamState, private_stream_runner

    keys = (_secret(s.upbit_access_key) or "", _secret(s.upbit_secret_key) or "")
    state = PrivateStreamState(app.facade.private_streams.report)
    runner = private_stream_runner(s.upbit_ws_url, keys, tracker.on_account, state, clock=app.clock)
    app.supervisor.start("upbit-private-stream", runner.run)
    return state


def _start_bithumb_private_stream(
    app: AppContext, s: ExchangeSettings, tracker: OrderTracker
) -> Any:
    """Bithumb's v2 myOrder/myAsset stream, the same doorbell as Upbit's; polling stays the
    safety net. Returns its state (up, or down and polling alone) for /status."""
    from exchanges.brokers import bithumb_private_runner, bithumb_private_state

    keys = (_secret(s.bithumb_access_key) or "", _secret(s.bithumb_secret_key) or "")
    state = bithumb_private_state(app.facade.private_streams.report)
    runner = bithumb_private_runner(
        s.bithumb_private_ws_url, keys, tracker.on_account, state, clock=app.clock
    )
    app.supervisor.start("bithumb-private-stream", runner.run)
    return state


def risk_limits(s: RiskSettings) -> RiskLimits:
    """The order layer's risk limits from the settings (trading never sees `Settings`)."""
    return RiskLimits(
        max_position_pct=Decimal(str(s.max_position_pct)),
        max_open_positions=s.max_open_positions,
        max_order_krw=Decimal(str(s.max_order_krw)),
        daily_loss_limit_pct=Decimal(str(s.daily_loss_limit_pct)),
    )


def _stale_check(app: AppContext) -> Any:
    def is_stale(venue: Venue) -> bool:
        md = app.market_data
        return md is not None and md.is_stale(venue)

    return is_stale


async def install(app: AppContext) -> None:
    s = app.settings
    core, limits, venues = s.core, s.risk, s.exchanges
    store = TradingStore(app.db)
    kv = KeyValueStore(app.db)
    prices = PriceBook()
    t = Messages(core.language)
    brokers: dict[Venue, Broker]
    if core.live and app.live_refused:
        brokers = {}
        logger.error("LIVE TRADING REFUSED by the pre-flight check: no order will be sent")
        banner = t("trading.live_refused")
    elif core.live:
        brokers = _live_brokers(app, venues, limits.bracket_triggering_timeout)
        labels = ", ".join(v.label for v in brokers) or "none (no keys)"
        logger.warning("!!! LIVE TRADING: real orders will be sent to {} !!!", labels)
        names = ", ".join(t.word(v) for v in brokers) or t("trading.no_live_venues")
        banner = t("trading.live_banner", venues=names)
    else:
        brokers = await _paper_brokers(app, limits, venues, prices, store)
        logger.warning("PAPER trading: no real orders; simulated fills on live market data")
        banner = t("trading.paper_banner")
    app.notifier.notify(Notification(NotificationKind.INFO, banner))
    risk = RiskManager(
        risk_limits(limits), app.clock, core.timezone, notify=app.notifier.notify,
        is_stale=_stale_check(app),
    )  # fmt: skip
    if await kv.get("trading.killswitch") == "on":
        risk.set_kill_switch(True)
    svc = OrderService(
        store, risk, brokers, prices, bus=app.bus, notify=app.notifier.notify, clock=app.clock,
        paper=not core.live, render=t.render,
    )  # fmt: skip
    if app.market_data is not None:
        svc.freshness = Freshness(s.market_data.max_data_age, app.market_data.data_age)
    # Markets the venue's ticker says do not trade (PREVIEW, DELISTED), as the kimp feed reads
    # them onto the shared board.
    svc.market_gate = app.notices.state_problem
    tracker = OrderTracker(svc, app.clock)
    futures = FuturesManager(
        svc, kv, default_leverage=limits.default_leverage, max_leverage=limits.max_leverage,
        failure_policy=FailurePolicy(limits.bracket_failure_policy),
    )  # fmt: skip
    for venue, broker in brokers.items():
        try:
            await broker.start()
        except Exception as exc:
            logger.error("{}: could not start trading: {}", venue.label, exc)
        app.stack.push_async_callback(broker.close)
    await svc.load()
    if core.live:
        md = app.market_data
        on_offset = md.set_clock_offset if md is not None else None
        app.supervisor.start(
            "time-sync",
            lambda: run_time_sync(brokers, app.clock, app.notifier.notify, on_offset=on_offset),
        )
    app.supervisor.start("trading-market", lambda: tracker.run_market(app.bus))
    app.supervisor.start("trading-updates", tracker.run_updates)
    diffs = await reconcile(svc)
    if diffs:
        app.notifier.notify(
            Notification(
                NotificationKind.RECONCILE,
                "\n".join([t("trading.reconciled"), *(t.render(d) for d in diffs)]),
            )
        )
    await futures.resume()  # every open futures position protected, or the user told
    spot_stops = SpotStops(svc, kv)
    await spot_stops.resume()  # every Binance spot holding with a stop has it on the venue
    app.supervisor.start("trading-poll", tracker.run_polling)
    # after the reconciliation, with fills polled: a hedge a crash left half done is repaired
    await install_hedges(app, svc, futures)
    if Venue.BINANCE_FUTURES in brokers:
        app.supervisor.start("futures-protection", futures.run_protection)
    if Venue.BINANCE_SPOT in brokers:
        app.supervisor.start("spot-protection", spot_stops.run)
    if core.live:
        _start_private_streams(app, brokers, venues, tracker)
    fut = brokers.get(Venue.BINANCE_FUTURES)
    if core.live and fut is not None:
        # positions changed outside the service (web UI, another app, a missed liquidation)
        app.supervisor.start("trading-positions", tracker.run_positions)
    if core.live and Venue.UPBIT in brokers and venues.upbit_access_key and venues.upbit_secret_key:
        _start_upbit_private_stream(app, venues, tracker)
    if core.live and Venue.BITHUMB in brokers:  # a Bithumb broker exists only with both keys
        _start_bithumb_private_stream(app, venues, tracker)
    app.facade.trading = TradingProvider(svc, futures, kv, t.render, spot_stops)
    register_trading(app.registry)


def _start_private_streams(
    app: AppContext, brokers: dict[Venue, Broker], venues: ExchangeSettings, tracker: OrderTracker
) -> None:
    """The venues' private streams: doorbells that make the tracker query an order at once
    (polling stays the safety net); each reports up/down to the board /status reads."""
    from exchanges.brokers import (
        BinanceFuturesBroker,
        BinanceSpotBroker,
        run_spot_user_stream,
        run_user_stream,
    )

    board = app.facade.private_streams
    spot, fut = brokers.get(Venue.BINANCE_SPOT), brokers.get(Venue.BINANCE_FUTURES)
    if isinstance(spot, BinanceSpotBroker):
        url = venues.binance_ws_api_url
        app.supervisor.start(
            "spot-user-stream",
            lambda: run_spot_user_stream(spot, url, tracker.on_account, board.report),
        )
    if isinstance(fut, BinanceFuturesBroker):
        ws = venues.binance_futures_ws_url
        app.supervisor.start(
            "futures-user-stream",
            lambda: run_user_stream(fut, ws, tracker.on_account, board.report),
        )
