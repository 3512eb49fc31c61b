"""Installer for the web dashboard and REST API (bot/web): only with WEB_ENABLED=true.

The server runs as the supervised component "web", the push hub as "web-push"; both read the
facade the Telegram commands read, so the installer runs after every provider is wired.
"""

from __future__ import annotations

from loguru import logger

from bot.features import AppContext, StartupError
from bot.reports.sources import table_sources
from bot.web.app import create_app
from bot.web.auth import Gate, RateLimit, token_hash
from bot.web.context import WebContext
from bot.web.push import PushHub
from bot.web.server import WebServer
from core.notifications import NotificationKind
from core.storage.kv import KeyValueStore


async def install(app: AppContext) -> WebServer | None:
    """Returns the server (its bound port), None with the web face off."""
    web = app.settings.web
    if not web.web_enabled:
        return None
    token = None if web.web_token is None else web.web_token.get_secret_value()
    hashed = await token_hash(KeyValueStore(app.db, app.clock), token)
    facade, sources = app.facade, table_sources(app.db)
    kinds = (NotificationKind.KIMP_ALERT,)

    async def alerts(since: float, until: float) -> list[str]:
        return await sources.incidents.texts(kinds, since, until)

    hub = PushHub(
        facade.bus,
        lambda: None if facade.kimp is None else facade.kimp.monitor,
        app.settings.core.language,
        alerts,
    )
    limit = RateLimit(web.web_control_per_minute)
    ctx = WebContext(facade, Gate(hashed), limit, sources)
    try:
        server = WebServer(create_app(ctx, hub), web.web_host, web.web_port)
    except OSError as exc:
        raise StartupError(
            f"web dashboard cannot listen on {web.web_host}:{web.web_port} ({exc.strerror}): "
            "set WEB_PORT to a free port or WEB_ENABLED=false"
        ) from None
    if web.web_host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("web dashboard bound to {}: reachable beyond this machine", web.web_host)
    app.supervisor.start("web-push", hub.run)
    app.supervisor.start("web", server.run)
    app.stack.callback(server.close)
    return server
