"""A service slice in its own process, killed by the parent while its handlers are running.

`/buy` and `/slowstatus` note that they ran (a line in $INBOX_MARKS) and then hang, so the
parent can SIGKILL the process with both commands in progress; with INBOX_MODE=reply `/buy`
answers at once instead (the parent keeps the answer from being sent); with INBOX_MODE=confirm
`/buy` asks for confirmation and the confirmed action is what notes and hangs (the parent kills
the process with the button press in progress). Run by tests/telegram/test_inbox.py.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, cast

from bot.commands import CommandContext, CommandRegistry, Reply
from peers.telegram_emulator import TelegramEmulator
from tests.telegram.conftest import running


class _Remote:
    """The parent's emulator, as `running` sees it (its token and URL)."""

    def __init__(self, token: str, base_url: str) -> None:
        self.token, self.base_url = token, base_url


def hanging_registry(marks: Path, mode: str) -> CommandRegistry:
    registry = CommandRegistry()

    async def hang(ctx: CommandContext) -> Reply:
        with marks.open("a", encoding="utf-8") as out:
            out.write(f"{ctx.command}\n")
        if mode == "reply":
            return Reply(f"Bought {' '.join(ctx.args)}.")
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def confirm_first(ctx: CommandContext) -> Reply:
        return registry.ask_confirmation(ctx, f"Buy {' '.join(ctx.args)}?", hang)

    buy = confirm_first if mode == "confirm" else hang
    registry.command("buy", "A money command that hangs", "/buy <coin> <amount>")(buy)
    registry.command("slowstatus", "A read-only command that hangs", "/slowstatus")(hang)
    return registry


async def main() -> None:
    env = os.environ
    remote: Any = _Remote(env["INBOX_TOKEN"], env["INBOX_URL"])
    marks = Path(env["INBOX_MARKS"])
    async with running(
        Path(env["INBOX_DIR"]),
        cast(TelegramEmulator, remote),
        registry=hanging_registry(marks, env.get("INBOX_MODE", "hang")),
    ):
        await asyncio.Event().wait()  # until SIGKILL


if __name__ == "__main__":
    asyncio.run(main())
