"""Operations commands: /backup."""

from __future__ import annotations

from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.core import no_args
from bot.commands.registry import CommandRegistry
from bot.i18n import render, tr
from core.storage.backup import BackupError
from core.storage.retention import human_size


def register_ops(registry: CommandRegistry) -> None:
    @registry.command("backup", "Back up the database now", "/backup")
    async def backup(ctx: CommandContext) -> Reply:
        no_args(ctx)
        svc = ctx.service
        language = svc.settings.language
        if svc.ops is None:
            raise CommandError(tr(language, "ops.off"))
        try:
            path = await svc.ops.backup_now()
        except BackupError as exc:
            error = render(language, exc.text)
            raise CommandError(tr(language, "ops.backup_failed", error=error)) from None
        return Reply(
            tr(
                language,
                "ops.backup_done",
                name=path.name,
                size=human_size(path.stat().st_size),
                keep=svc.settings.backup_keep,
                folder=str(path.parent),
            )
        )
