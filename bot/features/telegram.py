"""Installer for Telegram control, Telegram notifications and the daily report.

With TELEGRAM_BOT_TOKEN set: the transport runs as the supervised component "telegram", the
notifier's sender switches to Telegram, and the daily report is scheduled (and a missed one
queued at once). `/report` is registered either way, so the console has it too, and without a
token the daily report runs on its own schedule (`daily-report`): the console prints it and the
log says where its chart was saved.
"""

from __future__ import annotations

from loguru import logger

from bot.features import AppContext
from bot.reports.commands import register_report_command
from bot.reports.daily import DailyReporter
from bot.reports.sources import table_sources
from bot.reports.streams import StreamLog
from bot.telegram.transport import TelegramApp, TelegramTransport, TransportOptions


async def install(
    app: AppContext, options: TransportOptions | None = None
) -> TelegramTransport | None:
    """Returns the transport (None with Telegram off) for whoever composes the service."""
    stream_log = StreamLog(app.bus, app.clock)
    app.supervisor.start("report-stream-log", stream_log.run)
    sources = table_sources(app.db)
    reporter = DailyReporter(app.facade, sources, clock=app.clock, stream_log=stream_log)
    register_report_command(app.registry, reporter)

    telegram = app.settings.telegram
    if telegram.telegram_bot_token is None:
        logger.info("TELEGRAM_BOT_TOKEN not set: Telegram off, commands on the console only")
        await reporter.catch_up()
        app.supervisor.start("daily-report", reporter.run_headless)
        return None

    transport = TelegramTransport(
        telegram,
        app.settings.core,
        app.registry,
        app.facade,
        app.notifier.notify,
        clock=app.clock,
        options=options,
    )

    async def on_started(tapp: TelegramApp) -> None:
        reporter.schedule(tapp.job_queue)

    transport.on_started(on_started)
    app.supervisor.start("telegram", transport.run)
    app.notifier.set_sender(transport.sender)
    # The bot's HTTP client closes last, after the shutdown flush of the outbox.
    app.stack.push_async_callback(transport.close)
    await reporter.catch_up()
    return transport
