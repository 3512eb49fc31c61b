"""Console chat: typed lines go to the command handlers; replies and notifications go to stdout.

A reply's chart cannot be shown in a terminal: it is saved under `<data dir>/charts/`
(`bot.chart_files`) and the reply prints its path."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from loguru import logger

from bot.chart_files import charts_dir, save_chart
from bot.commands import CommandContext, CommandRegistry, Reply
from bot.facade import ServiceFacade
from bot.i18n import tr
from bot.notify.outbox import OutboxItem

CONSOLE_CHAT_ID = 0


def render_plain(reply: Reply, chart_line: str = "") -> str:
    """The reply as console text; `chart_line` says where its chart went (see `answer`)."""
    lines = [reply.text]
    if chart_line:
        lines.append(chart_line)
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

    async def answer(self, line: str) -> str | None:
        """The console's answer to one typed line, its chart (if any) saved to a file."""
        reply = await self.handle_line(line)
        if reply is None:
            return None
        return render_plain(reply, await self._save_photo(reply) if reply.photo else "")

    async def _save_photo(self, reply: Reply) -> str:
        settings = self._facade.settings
        assert reply.photo is not None
        folder = charts_dir(settings.db_path.parent)
        try:
            path = await asyncio.to_thread(
                save_chart, folder, reply.photo, reply.photo_kind, time.time(), settings.tz
            )
        except OSError as exc:
            logger.error("could not save a chart under {}: {}", folder, exc)
            return tr(settings.language, "console.chart_not_saved", reason=exc.strerror or exc)
        return tr(settings.language, "console.chart_saved", path=_shown(path))

    async def run(self) -> None:
        """Read stdin until EOF. EOF (stdin closed or /dev/null) ends the console, not the service."""
        lines = _stdin_lines()
        self.write("Console chat ready: type /help (Ctrl-C stops the service).")
        while True:
            raw = await lines.get()
            if raw is None:
                logger.info("console input closed; the service keeps running")
                return
            answer = await self.answer(raw)
            if answer is not None:
                self.write(answer)

    async def deliver(self, items: list[OutboxItem]) -> list[int]:
        """Sender for the notifier when there is no Telegram: print each notification."""
        for item in items:
            prefix = "🔕 " if item.silent else "🔔 "
            chart = ""
            if item.photo_path:
                path = _shown(Path(item.photo_path))
                chart = "\n" + tr(self._facade.settings.language, "console.chart_saved", path=path)
            # A notification's buttons (a coin alert's mute/chart) as the commands to type.
            hints = "".join(
                "\n  " + "   ".join(f"[{b.label}: {b.command}]" for b in row)
                for row in item.buttons
            )
            self.write(prefix + item.text + chart + hints)
        return [item.id for item in items]


def _shown(path: Path) -> str:
    """An absolute path: the console's working folder is not necessarily the data folder's."""
    return str(path.resolve())


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
