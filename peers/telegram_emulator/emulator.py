"""`TelegramEmulator`: the in-process handle tests use to run, drive and inspect the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any

from aiohttp import web
from loguru import logger

from peers.telegram_emulator.control import add_control_routes
from peers.telegram_emulator.faults import FloodLimits
from peers.telegram_emulator.models import (
    CallbackAnswer,
    CallRecord,
    Fault,
    FaultKind,
    SentMessage,
)
from peers.telegram_emulator.server import build_app
from peers.telegram_emulator.state import BotState

DEFAULT_TOKEN = "123456:TEST-TOKEN-emulator"
OUTAGE_MODES = ("refuse", "reset", "error")
LISTEN_BACKLOG = 2048


class TelegramEmulator:
    """A local Telegram Bot API server on 127.0.0.1 for one bot token.

    >>> async with TelegramEmulator() as tg:
    ...     app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()

    User input goes in with `send_user_message` / `press_button`; what the bot sent comes out
    with `sent_messages` / `wait_for_message`; faults are scripted with `fail_next`/`set_fault`,
    `start_outage` and `enable_flood_limits`. The same controls are served under `/__emu/`.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "kimp_test_bot",
        bot_name: str = "Kimp Test Bot",
        flood_limits: bool | FloodLimits = False,
    ) -> None:
        self.state = BotState(token, bot_username, bot_name)
        self.host = host
        self.outage_mode: str | None = None
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._closing = asyncio.Event()
        self._outage_task: asyncio.Task[None] | None = None
        if flood_limits:
            self.enable_flood_limits(None if flood_limits is True else flood_limits)

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = build_app(self)
        add_control_routes(app, self)
        # handler_cancellation: a client that gives up (read timeout) ends its long poll here.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        self._site = self._make_site(self._requested_port)
        await self._site.start()
        self._port = int(self._runner.addresses[0][1])
        logger.debug("telegram emulator listening on {}", self.url)

    def _make_site(self, port: int) -> web.TCPSite:
        assert self._runner is not None
        # PTB's pool opens up to 256 connections at once: keep the accept backlog above that.
        return web.TCPSite(self._runner, self.host, port, backlog=LISTEN_BACKLOG)

    async def stop(self) -> None:
        self._closing.set()
        self.state.updates.close()
        if self._outage_task is not None and self._outage_task is not asyncio.current_task():
            self._outage_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._outage_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def hold(self, seconds: float) -> None:
        """Sleep up to `seconds`, or less if the emulator is shutting down."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # --- addresses ---------------------------------------------------------------------------
    @property
    def token(self) -> str:
        return self.state.token

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url` (TELEGRAM_API_URL): PTB appends `<token>/<method>`."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- user input --------------------------------------------------------------------------
    def send_user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue the update a user's message produces (commands get `bot_command` entities).

        `chat_type` defaults to private for positive ids and group for negative ones; in a
        private chat `user_id` defaults to `chat_id`. Returns the update.
        """
        return self.state.user_message(chat_id, text, user_id, chat_type, reply_to_message_id)

    def press_button(
        self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None = None
    ) -> str:
        """Queue a callback_query for a button on a bot message; returns the query id."""
        update = self.state.button_press(chat_id, message_id, callback_data, user_id)
        return str(update["callback_query"]["id"])

    def inject_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue any update body (without update_id), e.g. {"my_chat_member": {...}}."""
        return self.state.updates.push(body)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (getUpdates with a higher offset)."""
        return self.state.updates.pending

    @property
    def polls_waiting(self) -> int:
        """How many getUpdates long polls are waiting right now (1 while a bot is idle)."""
        return self.state.updates.waiting

    # --- what the bot did --------------------------------------------------------------------
    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent, oldest first, with edits applied (deleted ones included)."""
        return self.state.sent_messages(chat_id)

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        return self.state.messages[(chat_id, message_id)]

    def cursor(self) -> int:
        """A position to pass as `after=`, so only later messages are considered."""
        return self.state.next_seq()

    async def wait_for_message(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        after: int = 0,
    ) -> SentMessage:
        """The first sent message (seq > `after`) matching `predicate`, waiting if needed.

        Edits count: a message that comes to match after an edit is returned then.
        """

        def check() -> SentMessage | None:
            for message in self.sent_messages(chat_id):
                if message.seq > after and (predicate is None or predicate(message)):
                    return message
            return None

        return await self._wait(check, timeout, "no matching message")

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[CallRecord], bool] | None = None,
        timeout: float = 5.0,
    ) -> CallRecord:
        def check() -> CallRecord | None:
            for call in self.calls(method):
                if predicate is None or predicate(call):
                    return call
            return None

        return await self._wait(check, timeout, f"no matching {method} call")

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        return await self._wait(
            lambda: self.state.callback_answers.get(query_id), timeout, "callback not answered"
        )

    async def _wait[T](self, check: Callable[[], T | None], timeout: float, what: str) -> T:
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{what} within {timeout}s")
            await self.state.wait_changed(remaining)

    def calls(self, method: str | None = None) -> list[CallRecord]:
        """Every answered Bot API request, in arrival order, with its arrival time (monotonic),
        duration and HTTP status (0 = connection dropped, 499 = the client gave up)."""
        calls = [
            c for c in self.state.calls if method is None or c.method.lower() == method.lower()
        ]
        return sorted(calls, key=lambda c: c.received_at)

    @property
    def commands(self) -> list[dict[str, str]]:
        """The last setMyCommands for the default scope and no language."""
        return self.commands_for()

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return list(self.state.commands.get((key, language_code), []))

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        return dict(self.state.callback_answers)

    @property
    def chat_actions(self) -> list[tuple[int, str, float]]:
        return list(self.state.chat_actions)

    # --- faults ------------------------------------------------------------------------------
    def fail_next(
        self, method: str, kind: FaultKind | str, count: int = 1, **options: Any
    ) -> Fault:
        """Fail the next `count` calls of `method` ("*" = any). Options: retry_after, status,
        delay, executed, description (see `Fault`)."""
        fault = Fault(kind=FaultKind(kind), method=method, count=count, **options)
        self.state.faults.add(fault)
        return fault

    def set_fault(self, method: str, kind: FaultKind | str, **options: Any) -> Fault:
        """Fail every call of `method` until `clear_faults`."""
        fault = Fault(kind=FaultKind(kind), method=method, count=None, **options)
        self.state.faults.add(fault)
        return fault

    def clear_faults(self, method: str | None = None) -> None:
        self.state.faults.clear(method)

    def enable_flood_limits(self, limits: FloodLimits | None = None) -> None:
        """Answer 429 retry_after like Telegram when the bot sends too fast (off by default)."""
        if limits is not None:
            self.state.flood.limits = limits
        self.state.flood.enabled = True

    def disable_flood_limits(self) -> None:
        self.state.flood.enabled = False

    @property
    def flood_rejections(self) -> int:
        return self.state.flood.rejected

    def block_chat(self, chat_id: int, blocked: bool = True) -> None:
        """Sends to `chat_id` get 403 Forbidden (the user blocked the bot) until unblocked."""
        (self.state.blocked_chats.add if blocked else self.state.blocked_chats.discard)(chat_id)

    async def start_outage(
        self, mode: str = "refuse", duration: float | None = None, *, spare: object = None
    ) -> None:
        """Make Telegram unreachable: `refuse` closes the port (connection refused), `reset`
        drops every connection, `error` answers 502 Bad Gateway. Open connections are cut.
        With `duration`, the outage ends by itself. `spare` is a connection (aiohttp request
        handler) left open: the /__emu request that asked for the outage."""
        if mode not in OUTAGE_MODES:
            raise ValueError(f"outage mode must be one of {', '.join(OUTAGE_MODES)}")
        if self.outage_mode is not None:
            await self.end_outage()
        self.outage_mode = mode
        if mode == "refuse" and self._site is not None:
            await self._site.stop()
            self._site = None
        if self._runner is not None and self._runner.server is not None and mode != "error":
            for connection in self._runner.server.connections:
                if connection is not spare:
                    connection.force_close()
        if duration is not None:
            self._outage_task = asyncio.create_task(
                self._end_outage_after(duration), name="telegram-emulator-outage"
            )

    async def _end_outage_after(self, duration: float) -> None:
        await asyncio.sleep(duration)
        await self.end_outage()

    async def end_outage(self) -> None:
        task, self._outage_task = self._outage_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.outage_mode == "refuse" and self._runner is not None:
            self._site = self._make_site(self.port)
            await self._site.start()
        self.outage_mode = None

    @contextlib.asynccontextmanager
    async def outage(self, mode: str = "refuse") -> AsyncIterator[None]:
        """`async with tg.outage(): ...` - Telegram is down inside the block."""
        await self.start_outage(mode)
        try:
            yield
        finally:
            await self.end_outage()
