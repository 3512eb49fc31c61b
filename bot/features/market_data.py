"""Market-data installer: starts the MarketDataManager under the supervisor and turns
venue-level outages into notifications (no market data is an alert, never silence).
"""

from __future__ import annotations

from bot.features import AppContext
from bot.i18n import Messages, stream_status
from core.market import StreamState, StreamStatus
from core.notifications import Notification, NotificationKind
from exchanges.manager import MarketDataConfig, MarketDataManager


async def install(app: AppContext) -> None:
    config = MarketDataConfig.from_settings(app.settings)
    words = Messages(app.settings.language).render  # stream reasons in /status
    manager = MarketDataManager(config, app.bus, app.clock, app.db, words)
    app.market_data = app.facade.market_data = manager
    app.supervisor.start("market-data", manager.run)
    app.supervisor.start("market-data-alerts", lambda: _alert(app))


async def _alert(app: AppContext) -> None:
    """Venue-level changes only: REST fallback on/off and 'no data at all' (a single
    connection's quick reconnect is routine and stays in the log and /status)."""
    sub = app.bus.subscribe("market-data-alerts", StreamStatus, conflate=False)
    try:
        while True:
            st: StreamStatus = await sub.get()
            venue_level = st.connection.endswith("-rest") or st.connection == st.venue.value
            if not venue_level or st.state is StreamState.UP:
                continue
            text = stream_status(app.settings.language, st)
            app.notifier.notify(Notification(NotificationKind.STREAM, text))
    finally:
        app.bus.unsubscribe(sub)
