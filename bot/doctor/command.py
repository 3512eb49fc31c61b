"""`/doctor`: the pre-flight check on demand, in the chat's language."""

from __future__ import annotations

from bot.commands.base import CommandContext, Reply
from bot.commands.core import no_args
from bot.commands.registry import CommandRegistry
from bot.doctor.checks import run_checks
from bot.doctor.render import render


def register_doctor(registry: CommandRegistry) -> None:
    @registry.command(
        "doctor", "Pre-flight check: keys, permissions, clocks, modes, balances, stakes", "/doctor"
    )
    async def doctor(ctx: CommandContext) -> Reply:
        no_args(ctx)
        settings = ctx.service.settings
        return Reply(render(await run_checks(settings), settings.language))
