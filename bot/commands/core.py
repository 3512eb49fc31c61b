"""Service-wide commands: /help, /status, /version, /settings, /logs."""

from __future__ import annotations

import time

from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, tr
from bot.i18n.when import duration
from bot.logging_setup import tail_log
from bot.providers import StatusProvider
from core.private_streams import PrivateStreamBoard


def _private_stream_lines(board: PrivateStreamBoard, t: Messages) -> list[str]:
    """One line per venue whose private stream runs: up, or down with polling in use."""
    states = board.states()
    if not states:
        return []
    lines = [t("status.private_streams")]
    for st in states:
        if st.up:
            lines.append("  " + t("status.private_up", venue=t.word(st.venue)))
        else:
            reason = st.reason or "-"
            lines.append("  " + t("status.private_down", venue=t.word(st.venue), reason=reason))
    return lines


def parse_count(ctx: CommandContext, default: int, maximum: int, what: str = "arg.n") -> int:
    """The optional first argument as a positive count, with a clear answer to bad input.
    `what` is the catalog key naming the number (e.g. "arg.days")."""
    if not ctx.args:
        return default
    t = Messages(ctx.service.settings.language)
    name = t(what)
    if len(ctx.args) > 1:
        raise CommandError(t("arg.one_number", what=name, command=ctx.command))
    raw = ctx.args[0]
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(t("arg.not_int", raw=raw, what=name)) from None
    if not 1 <= value <= maximum:
        raise CommandError(t("arg.range", what=name, maximum=maximum))
    return value


def no_args(ctx: CommandContext) -> None:
    """Refuse arguments to a command that takes none (rather than silently ignoring them)."""
    if ctx.args:
        raise CommandError(tr(ctx.service.settings.language, "arg.no_args", command=ctx.command))


def register_core(registry: CommandRegistry) -> None:
    @registry.command("help", "List commands, or explain one", "/help [command]")
    async def help_(ctx: CommandContext) -> Reply:
        t = Messages(ctx.service.settings.language)
        if len(ctx.args) > 1:
            raise CommandError(t("help.one_name"))
        if ctx.args:
            name = ctx.args[0].lstrip("/").lower()
            cmd = registry.get(name)
            if cmd is None:
                raise CommandError(t("help.no_such", name=name))
            summary = registry.summary(cmd, t.language)
            details = registry.details(cmd, t.language)
            return Reply(f"{cmd.usage}\n{summary}" + (f"\n\n{details}" if details else ""))
        lines = [f"{c.usage} — {registry.summary(c, t.language)}" for c in registry.commands()]
        return Reply(t("help.title") + "\n" + "\n".join(lines) + t("help.footer"))

    @registry.command("status", "Mode, streams, components, bots and positions", "/status")
    async def status(ctx: CommandContext) -> Reply:
        no_args(ctx)
        svc = ctx.service
        t = Messages(svc.settings.language)
        now = time.time()
        mode = t("status.mode_live") if svc.settings.live else t("status.mode_paper")
        lines = [
            t(
                "status.mode",
                mode=mode,
                up=duration(t.language, now - svc.started_at),
                version=svc.version,
            )
        ]
        lines.append(t("status.streams"))
        if svc.market_data is not None:
            lines += ["  " + t.render(s) for s in await svc.market_data.status_lines()]
        elif svc.stream_status:
            for st in svc.stream_status.values():
                ago = t("unit.ago", age=duration(t.language, now - st.ts))
                state = t(f"stream.{st.state.value}")
                lines.append(f"  {st.connection}: {state} ({t.render(st.reason)}) {ago}")
        else:
            lines.append(t("status.no_streams"))
        lines += _private_stream_lines(svc.private_streams, t)
        lines.append(t("status.components"))
        for comp in svc.supervisor.components():
            extra = (
                t("status.restarts", n=comp.restarts, error=comp.last_error)
                if comp.restarts
                else ""
            )
            lines.append(f"  {comp.name}: {t.word(comp.state)}{extra}")
        providers: list[tuple[str, StatusProvider | None]] = [
            (t("status.bots"), svc.bots),
            (t("status.positions"), svc.trading),
            (t("status.kimp"), svc.kimp),
        ]
        for title, provider in providers:
            if provider is not None:
                lines.append(f"{title}:")
                lines += ["  " + t.render(s) for s in await provider.status_lines()]
        if svc.ops is not None:
            lines += [t.render(s) for s in await svc.ops.status_lines()]
        if svc.notifier.storage_fault is not None:
            lines.append(t("status.storage_fault", error=svc.notifier.storage_fault))
        pending = await svc.notifier.pending_count()
        if pending:
            lines.append(t("status.pending", n=pending))
        return Reply.table("", "\n".join(lines), refresh="/status")

    @registry.command("version", "Program version", "/version")
    async def version(ctx: CommandContext) -> Reply:
        no_args(ctx)
        schema = await ctx.service.db.schema_version()
        t = Messages(ctx.service.settings.language)
        return Reply(t("version.line", version=ctx.service.version, schema=schema))

    @registry.command(
        "settings",
        "Settings as loaded at start-up, secrets only as set/unset (alert thresholds changed "
        "since: /kimpalert)",
        "/settings",
    )
    async def settings(ctx: CommandContext) -> Reply:
        no_args(ctx)
        items = ctx.service.settings.redacted()
        body = "\n".join(f"{k} = {v}" for k, v in items.items())
        return Reply.table(tr(ctx.service.settings.language, "settings.title"), body)

    @registry.command("logs", "The last log lines", "/logs [n]")
    async def logs(ctx: CommandContext) -> Reply:
        n = parse_count(ctx, default=20, maximum=200, what="arg.lines")
        lines = tail_log(ctx.service.settings.log_dir, n)
        t = Messages(ctx.service.settings.language)
        if not lines:
            return Reply(t("logs.none"))
        return Reply.table(t("logs.title", n=len(lines)), "\n".join(lines))
