"""Installer for the kimchi-premium monitor.

Components (all supervised): `kimp-feed` (bus events -> premium book), `kimp-universe` (common
coins, refreshed every UNIVERSE_REFRESH), `kimp-fx` (FX_RATE_URL poller), `kimp-alerts` (the
alert state machine on a 1 s clock), `kimp-history` (per-minute samples + retention) and, with
API keys set, `kimp-wallets` (deposit/withdrawal status, every KIMP_WALLET_REFRESH).

With the market-data manager on `facade.market_data` (it streams every Upbit KRW market and the
Binance all-market mini ticker), the listings come from its universe and Binance top of book is
requested with `subscribe_quotes` for the executable premium. Without it, `kimp-rest-feed`
polls top-of-book quotes over REST and publishes them on the bus instead.
Commands: /kimp, /kimpchart, /kimpalert.
"""

from __future__ import annotations

from loguru import logger
from pydantic import SecretStr

from alerts.fx import FxPoller
from alerts.premium import Fees
from alerts.rest_feed import RestFeed
from alerts.service import KimpService
from alerts.universe import ListingSource
from alerts.wallet import WalletGate
from bot.commands.kimp import register_kimp
from bot.features import AppContext
from core.fills import FEE_RATES
from core.market import Quote, StreamStatus, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue


def _instruments(coins: list[str]) -> list[Instrument]:
    # Upbit KRW markets are always streamed by the manager; Binance needs bookTicker per symbol.
    return [Instrument(Venue.BINANCE_SPOT, Symbol(c, "USDT")) for c in coins]


def _wallet_gate(app: AppContext) -> WalletGate:
    """The optional wallet gate, for the venues whose API keys are set."""
    s = app.settings

    def keys(a: SecretStr | None, b: SecretStr | None) -> tuple[str, str] | None:
        return None if a is None or b is None else (a.get_secret_value(), b.get_secret_value())

    return WalletGate(
        app.clock,
        s.upbit_rest_url,
        s.binance_rest_url,
        keys(s.upbit_access_key, s.upbit_secret_key),
        keys(s.binance_api_key, s.binance_api_secret),
        refresh=s.kimp_wallet_refresh,
    )


async def install(
    app: AppContext, rest_interval: float = 2.0, eval_interval: float = 1.0
) -> KimpService:
    s = app.settings
    # The executable premium uses the trading layer's fee table: one place for fee rates.
    fees = Fees.from_rates(FEE_RATES)
    svc = KimpService(s, app.db, app.clock, app.notifier.notify_async, fees, eval_interval)
    await svc.load()
    monitor = svc.monitor
    feed = RestFeed(
        s.upbit_rest_url, s.binance_rest_url, app.clock, app.bus.publish,
        lambda: monitor.coins, interval=rest_interval,
    )  # fmt: skip
    app.stack.push_async_callback(feed.close)
    md = app.facade.market_data
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

    sub = app.bus.subscribe("kimp", Ticker, Quote, Trade, StreamStatus, conflate=True)
    app.stack.callback(app.bus.unsubscribe, sub)

    async def consume() -> None:
        while True:
            monitor.on_event(await sub.get())
            for event in sub.drain():  # catch up in one go: the book only needs the latest
                monitor.on_event(event)

    async def universe() -> None:
        while True:
            before = monitor.coins
            await svc.refresh_universe(source)
            if md is not None and monitor.coins != before:
                # Top of book only: no trade streams and no candle warm-up for these.
                md.subscribe_quotes(_instruments(monitor.coins))
            ok = svc.universe.last_error is None and svc.universe.refreshed_at is not None
            await app.clock.sleep(s.universe_refresh if ok else min(60.0, s.universe_refresh))

    fx = FxPoller(
        s.fx_rate_url, app.clock, monitor.set_fx, refresh=s.fx_refresh,
        on_error=monitor.set_fx_error,
    )  # fmt: skip
    app.supervisor.start("kimp-feed", consume)
    app.supervisor.start("kimp-universe", universe)
    app.supervisor.start("kimp-fx", fx.run)
    if md is None:
        logger.info(
            "kimp: no streaming market-data provider; polling REST every {}s", rest_interval
        )
        app.supervisor.start("kimp-rest-feed", feed.run)
    wallets = _wallet_gate(app)
    if wallets.enabled:
        svc.wallets = wallets
        app.supervisor.start("kimp-wallets", wallets.run)
    app.supervisor.start("kimp-alerts", svc.run_alerts)
    app.supervisor.start("kimp-history", svc.run_history)
    register_kimp(app.registry)
    app.facade.kimp = svc
    return svc
