"""Console chat: typed lines go to the command handlers; replies and notifications go to stdout."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import TextIO

from loguru import logger

from bot.commands import CommandContext, CommandRegistry, Reply
from bot.facade import ServiceFacade
from bot.notify.outbox import OutboxItem

CONSOLE_CHAT_ID = 0


def render_plain(reply: Reply) -> str:
    lines = [reply.text]
    if reply.photo is not None:
        lines.append(
            f"[chart: {len(reply.photo)} bytes PNG{' — ' + reply.photo_caption if reply.photo_caption else ''}]"
        )
    for row in reply.buttons:
        lines.append("  " + "   ".join(f"[{b.label}: {b.data}]" for b in row))
    return "\n".join(lines)


class ConsoleChat:
    def __init__(
        self, registry: CommandRegistry, facade: ServiceFacade, out: TextIO | None = None
    ) -> None:
        self._registry = registry
        self._facade = facade
        self._out = out or sys.stdout

    def write(self, text: str) -> None:
        self._out.write(text.rstrip("\n") + "\n")
        self._out.flush()

    async def handle_line(self, line: str) -> Reply | None:
        line = line.strip()
        if not line:
            return None
        ctx = CommandContext(
            service=self._facade, chat_id=CONSOLE_CHAT_ID, user_id=None, transport="console"
        )
        return await self._registry.dispatch(line, ctx)

    async def run(self) -> None:
        """Read stdin until EOF. EOF (stdin closed or /dev/null) ends the console, not the service."""
        lines = _stdin_lines()
        self.write("Console chat ready: type /help (Ctrl-C stops the service).")
        while True:
            raw = await lines.get()
            if raw is None:
                logger.info("console input closed; the service keeps running")
                return
            reply = await self.handle_line(raw)
            if reply is not None:
                self.write(render_plain(reply))

    async def deliver(self, items: list[OutboxItem]) -> list[int]:
        """Sender for the notifier when there is no Telegram: print each notification."""
        for item in items:
            prefix = "🔕 " if item.silent else "🔔 "
            self.write(
                prefix + item.text + (f" [chart: {item.photo_path}]" if item.photo_path else "")
            )
        return [item.id for item in items]


def _stdin_lines() -> asyncio.Queue[str | None]:
    """Lines from stdin via a daemon thread (works for ttys, pipes, files and /dev/null alike,
    and never holds up interpreter exit). `None` marks end of input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in sys.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # loop already closed at exit
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue
