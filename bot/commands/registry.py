"""Dispatch a command line to its handler; one place for parsing, errors and confirmations."""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger

from bot.commands.base import Button, Command, CommandContext, CommandError, Handler, Reply
from bot.i18n import en, tr
from core.clock import Clock, SystemClock

# Commands that move money or change what the bots do: run late (sent while the service was
# down, or interrupted by a restart) only after a fresh confirmation. Forced entries and exits
# are `/buy <bot>` and `/sell <bot>`.
MONEY_COMMANDS = frozenset({"buy", "sell", "cancel", "killswitch", "start", "stop"})


@dataclass(slots=True)
class _PendingConfirmation:
    code: str
    description: str
    action: Handler
    ctx: CommandContext
    expires_at: float


class CommandRegistry:
    def __init__(self, clock: Clock | None = None, confirm_ttl: float = 60.0) -> None:
        self._commands: dict[str, Command] = {}
        self._pending: dict[str, _PendingConfirmation] = {}
        self._clock = clock or SystemClock()
        self.confirm_ttl = confirm_ttl
        self._money = set(MONEY_COMMANDS)

    def add(self, command: Command) -> None:
        if command.name in self._commands:
            raise ValueError(f"command /{command.name} registered twice")
        self._commands[command.name] = command

    def command(
        self, name: str, summary: str, usage: str = "", details: str = ""
    ) -> Callable[[Handler], Handler]:
        """Decorator form of `add`."""

        def wrap(handler: Handler) -> Handler:
            self.add(Command(name, handler, summary, usage or f"/{name}", details))
            return handler

        return wrap

    def mark_money(self, name: str) -> None:
        """`/name` moves money: a late one asks again before it runs (see `is_money`)."""
        self._money.add(name)

    def is_money(self, line: str) -> bool:
        """Whether the command line must not run late without a fresh confirmation."""
        parsed = self.parse(line)
        return parsed is not None and parsed[0] in self._money

    def commands(self) -> list[Command]:
        return sorted(self._commands.values(), key=lambda c: c.name)

    @staticmethod
    def summary(command: Command, language: str) -> str:
        """The command's one-line summary in `language` (its registered English text when the
        catalog has no `help.<name>` key)."""
        return _catalog_text(language, f"help.{command.name}", command.summary)

    @staticmethod
    def details(command: Command, language: str) -> str:
        """The command's longer `/help <name>` text in `language` (its registered English text
        when the catalog has no `helpdetail.<name>` key)."""
        return _catalog_text(language, f"helpdetail.{command.name}", command.details)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    @staticmethod
    def parse(line: str) -> tuple[str, list[str]] | None:
        """`/trades 5` -> ("trades", ["5"]); `/cmd@MyBot x` -> ("cmd", ["x"]). None if no command."""
        line = line.strip()
        if not line.startswith("/"):
            return None
        try:
            parts = shlex.split(line)
        except ValueError:
            parts = line.split()
        name = parts[0][1:].split("@", 1)[0].lower()
        return (name, parts[1:]) if name else None

    async def dispatch(self, line: str, ctx: CommandContext) -> Reply:
        language = ctx.service.settings.language
        parsed = self.parse(line)
        if parsed is None:
            return Reply(tr(language, "not_a_command"))
        name, args = parsed
        ctx.args, ctx.command = args, name
        if name == "confirm":
            return await self._confirm(args, ctx)
        if name == "cancelconfirm":
            return self._drop_pending(args, language)
        command = self._commands.get(name)
        if command is None:
            return Reply(tr(language, "cmd.unknown", name=name))
        return await self._run(command.handler, ctx, command)

    async def _run(self, handler: Handler, ctx: CommandContext, command: Command | None) -> Reply:
        language = ctx.service.settings.language
        try:
            return await handler(ctx)
        except CommandError as exc:
            usage = (
                tr(language, "cmd.usage", usage=command.usage) if command and command.usage else ""
            )
            return Reply(f"{exc}{usage}")
        except Exception as exc:
            # The user sees what failed, never a traceback; the log keeps the details.
            logger.exception("command /{} failed", ctx.command)
            return Reply(tr(language, "cmd.failed", command=ctx.command, error=type(exc).__name__))

    # --- confirmations for destructive commands -------------------------------------------
    def ask_confirmation(self, ctx: CommandContext, description: str, action: Handler) -> Reply:
        """Return a reply asking the user to confirm; `action` runs only after /confirm <code>."""
        self._expire()
        code = secrets.token_hex(3)
        self._pending[code] = _PendingConfirmation(
            code, description, action, ctx, self._clock.monotonic() + self.confirm_ttl
        )
        language = ctx.service.settings.language
        return Reply(
            tr(language, "cmd.confirm_ask", description=description, secs=int(self.confirm_ttl)),
            buttons=(
                (
                    Button(tr(language, "cmd.confirm_button"), f"/confirm {code}"),
                    Button(tr(language, "cmd.cancel_button"), f"/cancelconfirm {code}"),
                ),
            ),
        )

    def _expire(self) -> None:
        now = self._clock.monotonic()
        for code in [c for c, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[code]

    async def _confirm(self, args: list[str], ctx: CommandContext) -> Reply:
        self._expire()
        language = ctx.service.settings.language
        if len(args) != 1:
            return Reply(tr(language, "cmd.confirm_usage"))
        pending = self._pending.pop(args[0], None)
        if pending is None:
            return Reply(tr(language, "cmd.confirm_expired"))
        if pending.ctx.chat_id != ctx.chat_id:
            return Reply(tr(language, "cmd.confirm_other_chat"))
        pending.ctx.args = list(pending.ctx.args)
        return await self._run(pending.action, pending.ctx, self._commands.get(pending.ctx.command))

    def _drop_pending(self, args: list[str], language: str) -> Reply:
        if args and self._pending.pop(args[0], None) is not None:
            return Reply(tr(language, "cmd.cancelled"))
        return Reply(tr(language, "cmd.nothing_to_cancel"))


def _catalog_text(language: str, key: str, registered: str) -> str:
    return tr(language, key) if key in en.TEXTS else registered
