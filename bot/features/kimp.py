"""Installer for the kimchi-premium monitor.

Components (all supervised): `kimp-feed` (bus events -> premium book), `kimp-universe` (common
coins, refreshed every UNIVERSE_REFRESH), `kimp-fx` (the USD/KRW poller over FX_SOURCES), `kimp-notices` (Upbit's warning and
caution flags, every UPBIT_WARNINGS_REFRESH, announced when they change; with Bithumb enabled
`kimp-notices-bithumb` does the same for Bithumb's 유의 종목 and 경보제 alerts), `kimp-delistings`
(a delisting date on Upbit's streamed ticker, announced once and remembered),
`kimp-trading-open` (a market's state going PREVIEW -> ACTIVE, announced with its first
premium), `kimp-alerts` (the
alert state machine on a 1 s clock), `kimp-history` (per-minute samples + retention) and, with
API keys set, `kimp-wallets` (deposit/withdrawal status per network, every
KIMP_WALLET_REFRESH). The transfer-aware executable premium (`/kimp <coin>`, `/kimp net`; on Bithumb
`/kimp bithumb <coin>`, `/kimp net bithumb`) walks
the books of the coins asked about (`/kimp spread <coin>`: both KRW venues' books, Bithumb's
streamed by `kimp-bithumb-depth`): streamed by `kimp-upbit-depth` / `kimp-binance-depth` once
asked (with BTC/ETH/XRP; no connection before the first question), read over REST when not streamed or stale
(`exchanges/depth.py`).

With the market-data manager on `app.market_data` (it streams every Upbit KRW market and the
Binance all-market mini ticker), the listings come from its universe and Binance top of book is
requested with `subscribe_quotes` for the executable premium. Without it, `kimp-rest-feed`
polls top-of-book quotes over REST and publishes them on the bus instead.
Commands: /kimp, /kimpchart, /kimpalert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import aiohttp
from loguru import logger
from pydantic import SecretStr

from alerts.config import AlertConfig, KimpConfig
from alerts.delistings import DelistingWatch
from alerts.fx import FxPoller
from alerts.market_states import TradingOpenWatch
from alerts.notices import NoticeWatcher
from alerts.premium import Fees
from alerts.routes import RouteBook
from alerts.service import KimpService, Send
from alerts.universe import ListingSource, common_coins
from alerts.wallet import WalletGate
from alerts.withdraw_fees import FeeCache
from bot.commands.kimp import register_kimp
from bot.commands.kimp_watch import register_watch
from bot.features import AppContext
from bot.notify.kimp_alerts import KimpAlertWording, notice_buttons
from bot.settings_sections import CoreSettings, ExchangeSettings, KimpSettings, MarketDataSettings
from core.clock import Clock
from core.fills import FEE_RATES
from core.market import MarkPrice, Quote, StreamStatus, Ticker, Trade
from core.storage import Database
from core.supervisor import RunFn
from core.symbols import Instrument, Symbol, Venue
from core.wallets import NetworkSource
from exchanges.binance.wallet import BinanceWallets
from exchanges.bithumb.notices import BithumbNotices
from exchanges.bithumb.wallet import BithumbWallets
from exchanges.depth import DepthClient
from exchanges.fx import FxClient
from exchanges.rest_quotes_feed import RestQuotesFeed
from exchanges.upbit.notices import UpbitNotices
from exchanges.upbit.wallet import UpbitWallets

# Every KRW venue whose premium is watched, the primary (the kimp service's own book) first; the
# spread is between the first two. A venue that streams nothing costs nothing and never alerts.
KRW_VENUES = (Venue.UPBIT, Venue.BITHUMB)


def _instruments(coins: list[str]) -> list[Instrument]:
    # Upbit KRW markets are always streamed by the manager; Binance needs bookTicker per symbol.
    return [Instrument(Venue.BINANCE_SPOT, Symbol(c, "USDT")) for c in coins]


def alert_config(k: KimpSettings) -> AlertConfig:
    """The alert levels as configured (KIMP_*, TETHER_*); /kimpalert changes them at run time."""
    return AlertConfig(
        high_pct=k.kimp_high_pct,
        low_pct=k.kimp_low_pct,
        rearm_margin_pct=k.kimp_rearm_margin_pct,
        min_duration=k.kimp_min_duration,
        cooldown=k.kimp_cooldown,
        escalation_step_pct=k.kimp_escalation_step_pct,
        jump_pct=k.kimp_jump_pct,
        jump_window=k.kimp_jump_window,
        implausible_pct=k.kimp_implausible_pct,
        tether_high_pct=k.tether_high_pct,
        tether_low_pct=k.tether_low_pct,
        spread_high_pct=k.kimp_spread_high_pct,
        spread_low_pct=k.kimp_spread_low_pct,
    )


def kimp_config(
    k: KimpSettings,
    market: MarketDataSettings,
    core: CoreSettings,
    extra_krw: tuple[Venue, ...] = KRW_VENUES[1:],
) -> KimpConfig:
    """The monitor's settings; staleness and the start-up grace follow the market-data watchdog.
    `extra_krw`: the KRW venues besides Upbit whose premium and spread are watched."""
    return KimpConfig(
        alerts=alert_config(k),
        stale_after=market.stale_after,
        fx_stale_after=k.fx_stale_after,
        startup_grace=market.no_data_alert_after,
        denylist=frozenset(k.kimp_denylist),
        alert_basis=k.kimp_alert_basis,
        exec_size_krw=k.kimp_exec_size_krw,
        min_volume_krw=k.kimp_min_volume_krw,
        one_venue_listings=k.kimp_one_venue_listings,
        tz=core.tz,
        extra_krw=extra_krw,
        default_krw=Venue(k.kimp_krw_venue),
        spread_basis=k.kimp_spread_alert_basis,
    )


def make_service(
    k: KimpSettings,
    market: MarketDataSettings,
    core: CoreSettings,
    db: Database,
    clock: Clock,
    send: Send,
    fees: Fees,
    eval_interval: float = 1.0,
    extra_krw: tuple[Venue, ...] = KRW_VENUES[1:],
) -> KimpService:
    """The kimp service configured from its sections, its alerts worded in LANGUAGE."""
    wording = KimpAlertWording(core.language)
    config = kimp_config(k, market, core, extra_krw)
    return KimpService(config, db, clock, send, fees, wording, eval_interval, FEE_RATES)


def _keys(a: SecretStr | None, b: SecretStr | None) -> tuple[str, str] | None:
    return None if a is None or b is None else (a.get_secret_value(), b.get_secret_value())


def wallet_gate(
    venues: ExchangeSettings,
    refresh: float,
    clock: Clock,
    session: aiohttp.ClientSession | None = None,
) -> tuple[WalletGate, list[UpbitWallets | BinanceWallets | BithumbWallets]]:
    """The optional wallet gate (polled every `refresh` s) over the venues whose API keys are
    set, and the venue clients (to close; each owns its HTTP session unless `session` is given)."""
    clients: list[UpbitWallets | BinanceWallets | BithumbWallets] = []
    # Read per network: the executable premium matches networks and needs Binance's fees.
    networks: dict[Venue, NetworkSource] = {}
    if (up := _keys(venues.upbit_access_key, venues.upbit_secret_key)) is not None:
        upbit = UpbitWallets(venues.upbit_rest_url, up, session)
        clients.append(upbit)
        networks[Venue.UPBIT] = upbit.fetch_networks
    if (bn := _keys(venues.binance_api_key, venues.binance_api_secret)) is not None:
        binance = BinanceWallets(venues.binance_rest_url, bn, clock, session)
        clients.append(binance)
        networks[Venue.BINANCE_SPOT] = binance.fetch_networks
    bt = _keys(venues.bithumb_access_key, venues.bithumb_secret_key)
    if venues.bithumb_enabled and bt is not None:
        bithumb = BithumbWallets(venues.bithumb_rest_url, bt, session)
        clients.append(bithumb)
        networks[Venue.BITHUMB] = bithumb.fetch_networks
    return WalletGate(clock, {}, refresh=refresh, networks=networks), clients


async def install(
    app: AppContext, rest_interval: float = 2.0, eval_interval: float = 1.0
) -> KimpService:
    s = app.settings
    k, market, venues = s.kimp, s.market_data, s.exchanges
    # The executable premium uses the trading layer's fee table: one place for fee rates.
    fees = Fees.from_rates(FEE_RATES)
    # Bithumb's premium and the Upbit–Bithumb spread only when Bithumb is streamed at all.
    extra = KRW_VENUES[1:] if venues.bithumb_enabled else ()
    svc = make_service(
        k, market, s.core, app.db, app.clock, app.notifier.notify_async, fees, eval_interval,
        extra,
    )  # fmt: skip
    await svc.load()
    monitor, krw = svc.monitor, svc.krw
    feed = RestQuotesFeed(
        venues.upbit_rest_url, venues.binance_rest_url, app.clock, app.bus.publish,
        lambda: monitor.coins, interval=rest_interval,
        bithumb_url=venues.bithumb_rest_url if venues.bithumb_enabled else None,
    )  # fmt: skip
    app.stack.push_async_callback(feed.close)
    md = app.market_data
    source: ListingSource = feed.listings
    if md is not None:

        async def md_listings() -> tuple[list[Symbol], list[Symbol]]:
            assert md is not None
            await md.ready.wait()
            symbols = md.universe.symbols if md.universe is not None else {}
            if Venue.UPBIT not in symbols or Venue.BINANCE_SPOT not in symbols:
                raise RuntimeError("market data has not listed both venues yet")
            return list(symbols[Venue.UPBIT]), list(symbols[Venue.BINANCE_SPOT])

        source = md_listings

    sub = app.bus.subscribe("kimp", Ticker, Quote, Trade, MarkPrice, StreamStatus, conflate=True)
    app.stack.callback(app.bus.unsubscribe, sub)

    delistings = DelistingWatch(app.notices, svc.kv, app.notifier.notify_async, app.clock)

    def first_premium(inst: Instrument) -> float | None:
        """The opened market's premium on its own venue's book (Upbit's or Bithumb's)."""
        book = krw.book(inst.venue)
        snap = None if book is None else book.snapshot(inst.symbol.base)
        return None if snap is None else snap.usdt_kimp

    opening = TradingOpenWatch(app.notices, first_premium, app.notifier.notify_async, app.clock)

    def on_event(event: object) -> None:
        monitor.on_event(event)
        krw.on_event(event)
        if type(event) is Ticker:
            if event.delisting is not None or delistings.watching:
                delistings.seen(event)
            if event.state is not None:
                opening.seen(event)

    async def consume() -> None:
        while True:
            on_event(await sub.get())
            for event in sub.drain():  # catch up in one go: the book only needs the latest
                on_event(event)

    def listed(symbols: Mapping[Venue, Iterable[Symbol]]) -> None:
        """Coins another KRW venue (Bithumb) lists beside Binance, Upbit or not."""
        binance = symbols.get(Venue.BINANCE_SPOT)
        for venue in krw.venues[1:]:
            if binance is not None and venue in symbols:
                krw.set_listed(venue, common_coins(symbols[venue], binance, k.kimp_denylist))

    async def universe() -> None:
        while True:
            before = monitor.coins
            await svc.refresh_universe(source)
            if md is not None and monitor.coins != before:
                # Top of book only: no trade streams and no candle warm-up for these.
                md.subscribe_quotes(_instruments(monitor.coins))
            if md is not None and md.universe is not None:
                listed(md.universe.symbols)
            ok = svc.universe.last_error is None and svc.universe.refreshed_at is not None
            refresh = market.universe_refresh
            await app.clock.sleep(refresh if ok else min(60.0, refresh))

    fx_urls = {"dunamu": k.fx_dunamu_url, "yahoo": k.fx_yahoo_url, "ecb": k.fx_rate_url}
    fx_clients = [FxClient(fx_urls[name], app.clock, kind=name) for name in k.fx_sources]
    for fx_client in fx_clients:
        app.stack.push_async_callback(fx_client.close)
    fx = FxPoller(
        [(c.kind, c.fetch) for c in fx_clients], app.clock, krw.set_fx,
        refresh=k.fx_refresh, on_error=krw.set_fx_error, stale_after=k.fx_stale_after,
        disagree_pct=k.fx_disagree_pct,
    )  # fmt: skip

    async def run_fx() -> None:
        try:
            await fx.run()
        finally:  # like the REST feed: no session outlives its poller
            for fx_client in fx_clients:
                await fx_client.close()

    # Each KRW venue's own warnings reach one board and one alert path, tagged with the venue.
    notice_clients: list[UpbitNotices | BithumbNotices] = [UpbitNotices(venues.upbit_rest_url)]
    if venues.bithumb_enabled:
        notice_clients.append(BithumbNotices(venues.bithumb_rest_url))
    language = s.core.language
    notice_watchers = []
    for notices_client, venue in zip(notice_clients, KRW_VENUES, strict=False):
        app.stack.push_async_callback(notices_client.close)
        watcher = NoticeWatcher(
            venue, notices_client.fetch, app.notices, app.clock, app.notifier.notify_async,
            refresh=k.upbit_warnings_refresh,
            buttons=lambda coins: notice_buttons(coins, language),
        )  # fmt: skip
        notice_watchers.append(watcher)
    svc.notices = app.notices

    def run_notices(watcher: NoticeWatcher, client: UpbitNotices | BithumbNotices) -> RunFn:
        async def run() -> None:
            try:
                await watcher.run()
            finally:
                await client.close()

        return run

    wallets, clients = wallet_gate(venues, k.kimp_wallet_refresh, app.clock)
    for client in clients:
        app.stack.push_async_callback(client.close)
    depth = DepthClient(
        venues.upbit_rest_url, venues.binance_rest_url, app.clock,
        upbit_ws=venues.upbit_ws_url, binance_ws=venues.binance_ws_url,
        bithumb_url=venues.bithumb_rest_url if venues.bithumb_enabled else None,
        bithumb_ws=venues.bithumb_ws_url if venues.bithumb_enabled else None,
    )  # fmt: skip
    app.stack.push_async_callback(depth.close)
    # Upbit's and Bithumb's wallet status have no fees: asked per coin and network when a
    # route needs one.
    withdraw_fees: dict[Venue, FeeCache] = {}
    for client in clients:
        if isinstance(client, UpbitWallets | BithumbWallets):
            venue = Venue.UPBIT if isinstance(client, UpbitWallets) else Venue.BITHUMB
            withdraw_fees[venue] = FeeCache(client.withdraw_fee, app.clock)
    svc.spread_depth = depth.spread_books  # /kimp spread <coin> walks both KRW venues' books
    # Routes on Bithumb (`/kimp bithumb <coin>`, `/kimp net bithumb`) at Bithumb's own taker.
    bithumb_fees = {Venue.BITHUMB: Fees.from_rates(FEE_RATES, Venue.BITHUMB)} if extra else {}
    svc.routes = RouteBook(
        depth.fetch, fees, k.kimp_exec_size_krw, lambda: svc.wallets, withdraw_fees, bithumb_fees
    )

    app.supervisor.start("kimp-feed", consume)
    app.supervisor.start("kimp-universe", universe)
    app.supervisor.start("kimp-fx", run_fx)
    for watcher, notice_client in zip(notice_watchers, notice_clients, strict=True):
        name = "kimp-notices" if watcher.venue is Venue.UPBIT else f"kimp-notices-{watcher.venue}"
        app.supervisor.start(name, run_notices(watcher, notice_client))
    app.supervisor.start("kimp-delistings", delistings.run)
    app.supervisor.start("kimp-trading-open", opening.run)
    if md is None:
        logger.info(
            "kimp: no streaming market-data provider; polling REST every {}s", rest_interval
        )
        app.supervisor.start("kimp-rest-feed", feed.run)
        if k.kimp_min_volume_krw > 0:
            # The polled books carry no 24 h volume: every coin but BTC stays below the floor.
            logger.warning(
                "kimp: KIMP_MIN_VOLUME_KRW needs the streamed Upbit ticker; no coin "
                "alerts but BTC and the tether premium until market data streams"
            )
    if wallets.enabled:

        async def run_wallets() -> None:
            try:
                await wallets.run()
            finally:  # like the REST feed: no session outlives its poller
                for client in clients:
                    await client.close()

        svc.wallets = wallets
        app.supervisor.start("kimp-wallets", run_wallets)
    for runner in depth.runners(app.clock, market.stale_after):
        app.supervisor.start(f"kimp-{runner.name}", depth.run_when_asked(runner))
    app.supervisor.start("kimp-alerts", svc.run_alerts)
    app.supervisor.start("kimp-history", svc.run_history)
    register_kimp(app.registry)
    register_watch(app.registry)
    app.facade.kimp = svc
    return svc
