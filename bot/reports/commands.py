"""`/report`: the daily report for the last 24 hours, now."""

from __future__ import annotations

from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.registry import CommandRegistry
from bot.i18n import tr
from bot.i18n.when import clock
from bot.reports.daily import DailyReporter
from bot.telegram import i18n


def register_report_command(registry: CommandRegistry, reporter: DailyReporter) -> None:
    @registry.command(
        "report",
        "The daily report for the last 24 hours, now",
        "/report",
        "PnL and trades per bot, balances and equity, the day's kimchi premium and alerts, "
        "stream uptime and incidents, with a chart. It is also sent every day at "
        "DAILY_REPORT_TIME.",
    )
    async def report(ctx: CommandContext) -> Reply:
        if ctx.args:
            raise CommandError(tr(ctx.service.settings.language, "report.no_args"))
        now = reporter.now()
        until = clock(now, ctx.service.settings.tz)
        title = i18n.text(reporter.language, "report_now_title", until=until)
        built = await reporter.build(now - 86400, now, title)
        return Reply(built.text, photo=built.png, photo_caption=title, photo_kind="report")
