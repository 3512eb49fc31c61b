"""Market-data installer: starts the MarketDataManager under the supervisor and turns
venue-level outages into notifications (no market data is an alert, never silence).
"""

from __future__ import annotations

from bot.features import AppContext
from bot.i18n import stream_status
from bot.notify.stream_delay import run_delay_notices
from bot.settings_sections import ExchangeSettings, MarketDataSettings
from core.market import StreamState, StreamStatus
from core.notifications import Notification, NotificationKind
from core.symbols import Venue
from exchanges.manager import MarketDataConfig, MarketDataManager


def market_data_config(market: MarketDataSettings, venues: ExchangeSettings) -> MarketDataConfig:
    """The manager's endpoints and watchdog timings as configured; the rest keep their defaults.
    Bithumb is streamed only when BITHUMB_ENABLED."""
    defaults = (Venue.UPBIT, Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES)
    return MarketDataConfig(
        venues=(*defaults, Venue.BITHUMB) if venues.bithumb_enabled else defaults,
        upbit_rest_url=venues.upbit_rest_url,
        upbit_ws_url=venues.upbit_ws_url,
        binance_rest_url=venues.binance_rest_url,
        binance_ws_url=venues.binance_ws_url,
        binance_futures_rest_url=venues.binance_futures_rest_url,
        binance_futures_ws_url=venues.binance_futures_ws_url,
        bithumb_rest_url=venues.bithumb_rest_url,
        bithumb_ws_url=venues.bithumb_ws_url,
        stale_after=market.stale_after,
        max_lag=market.stream_max_lag,
        no_data_alert_after=market.no_data_alert_after,
        universe_refresh=market.universe_refresh,
    )


async def install(app: AppContext) -> None:
    s = app.settings
    config = market_data_config(s.market_data, s.exchanges)
    language = s.core.language
    manager = MarketDataManager(config, app.bus, app.clock, app.db)
    app.market_data = app.facade.market_data = manager
    app.supervisor.start("market-data", manager.run)
    app.supervisor.start("market-data-alerts", lambda: _alert(app, language))
    app.supervisor.start(
        "stream-delay-notices", lambda: run_delay_notices(app.bus, app.clock, app.notifier.notify)
    )


async def _alert(app: AppContext, language: str) -> None:
    """Venue-level changes only: REST fallback on/off and 'no data at all' (a single
    connection's quick reconnect is routine and stays in the log and /status)."""
    sub = app.bus.subscribe("market-data-alerts", StreamStatus, conflate=False)
    try:
        while True:
            st: StreamStatus = await sub.get()
            venue_level = st.connection.endswith("-rest") or st.connection == st.venue.value
            if not venue_level or st.state is StreamState.UP:
                continue
            text = stream_status(language, st)
            app.notifier.notify(Notification(NotificationKind.STREAM, text))
    finally:
        app.bus.unsubscribe(sub)
