"""Telegram transport: python-telegram-bot inside our event loop, over the shared commands.

Every command and button press goes through one path: the access gate, then
`registry.dispatch(line, ctx)` (the same handlers as the console), then `render` and send.
PTB is driven by hand (`initialize/start/start_polling`, then `stop/shutdown`) as a supervised
component; never `run_polling()` and never a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from loguru import logger
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import i18n as catalog
from bot.commands import CommandContext, CommandRegistry, Reply
from bot.facade import ServiceFacade
from bot.settings_sections import CoreSettings, TelegramSettings
from bot.telegram import i18n, render
from bot.telegram.access import AccessGate, ConflictWatch
from bot.telegram.delivery import maybe_delivered
from bot.telegram.inbox import (
    BUTTON,
    NEW,
    RUNNING,
    Inbox,
    InboxEntry,
    RecordingRequest,
    chat_type,
    parse_button,
    parse_command,
)
from bot.telegram.ratelimit import Limits, Throttle, ThrottledRequests, retry_seconds
from bot.telegram.sender import TelegramSender, send_text
from core.clock import Clock, SystemClock
from core.notifications import Notification, NotificationKind

TelegramApp = Application
Notify = Callable[[Notification], None]
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
CONFIRM_COMMANDS = ("/confirm", "/cancelconfirm")


@dataclass(frozen=True, slots=True)
class TransportOptions:
    poll_timeout: float = 10.0  # getUpdates long-poll seconds
    request_timeout: float = 10.0  # connect/read/write timeout of ordinary calls
    stale_command_after: float = 300.0  # older commands (sent while down) are not run blindly
    concurrent_updates: int = 4
    limits: Limits = field(default_factory=Limits)  # our side of Telegram's flood limits


def updates_request(options: TransportOptions) -> RecordingRequest:
    t = options.request_timeout
    return RecordingRequest(
        connection_pool_size=1, connect_timeout=t, read_timeout=t, write_timeout=t, pool_timeout=t
    )


def build_application(
    settings: TelegramSettings,
    tz: dt.tzinfo,
    throttle: Throttle,
    options: TransportOptions,
    updates: RecordingRequest | None = None,
) -> TelegramApp:
    """`updates` is the getUpdates request; the transport plugs its inbox recorder into it, so a
    fetched command is stored before the next getUpdates acknowledges it."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base = settings.telegram_api_url
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base
    t = options.request_timeout
    return (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base)
        .base_file_url(file_base)
        .rate_limiter(ThrottledRequests(throttle))
        .defaults(Defaults(tzinfo=tz, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(options.concurrent_updates)
        .connect_timeout(t)
        .read_timeout(t)
        .write_timeout(t)
        .pool_timeout(t)
        .get_updates_request(updates or updates_request(options))
        .build()
    )


def keyboard(reply: Reply, language: str) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            label = button.label
            if label == "🔄 Refresh":  # the registry's English label; ours is translated
                label = i18n.text(language, "refresh")
            # callback_data is limited to 64 bytes; command lines are short.
            buttons.append(InlineKeyboardButton(label, callback_data=button.data[:64]))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


class TelegramTransport:
    """Owns the PTB Application. `run()` is the supervised component."""

    def __init__(
        self,
        settings: TelegramSettings,
        core: CoreSettings,  # the language replies are worded in, the timezone times are shown in
        registry: CommandRegistry,
        facade: ServiceFacade,
        notify: Notify,
        *,
        clock: Clock | None = None,
        throttle: Throttle | None = None,
        options: TransportOptions | None = None,
    ) -> None:
        if settings.telegram_chat_id is None:
            raise ValueError("TELEGRAM_CHAT_ID is not set")
        self.settings = settings
        self.registry = registry
        self.facade = facade
        self.language = core.language
        self.tz = core.tz
        self.options = options or TransportOptions()
        self._clock = clock or SystemClock()
        self._notify = notify
        self.throttle = throttle or Throttle(self.options.limits, clock=self._clock)
        updates = updates_request(self.options)
        updates.recorder = self._record
        self.app = build_application(settings, self.tz, self.throttle, self.options, updates)
        self.gate = AccessGate(
            settings.telegram_chat_id,
            list(settings.telegram_allowed_users),
            clock=self._clock,
            on_intruder=self._report_intruder,
        )
        self.conflicts = ConflictWatch(self._report_conflict, clock=self._clock)
        self.sender = TelegramSender(
            self.app.bot, settings.telegram_chat_id, self.throttle, self.language
        )
        self.inbox = Inbox(facade.db)
        self._recovered = False
        self.ready = asyncio.Event()
        self._on_started: list[Callable[[TelegramApp], Awaitable[None]]] = []
        self.app.add_handler(TypeHandler(Update, self._gate), group=-1)
        self.app.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text)
        )
        self.app.add_handler(CallbackQueryHandler(self._on_button))
        self.app.add_error_handler(self._on_error)

    def on_started(self, callback: Callable[[TelegramApp], Awaitable[None]]) -> None:
        """Run `callback(app)` each time polling has started (after a restart too)."""
        self._on_started.append(callback)

    # --- lifecycle ------------------------------------------------------------------------
    async def run(self) -> None:
        app = self.app
        self.throttle.closed = False  # reopened after a restart
        try:
            await self._initialize()
            await self._set_commands()
            if not self._recovered:  # once per process: rows left by the previous one
                await self._recover()
                self._recovered = True
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=dt.timedelta(seconds=self.options.poll_timeout),
                allowed_updates=["message", "callback_query"],
                bootstrap_retries=-1,
                error_callback=self.conflicts,
            )
            for callback in self._on_started:
                await callback(app)
            self.ready.set()
            logger.info("Telegram transport running as @{}", app.bot.username)
            await asyncio.Event().wait()
        finally:
            self.ready.clear()
            await self._stop()

    async def _initialize(self) -> None:
        """getMe until Telegram answers; a rejected token is fatal and says what to do."""
        delay = 1.0
        while True:
            try:
                await self.app.initialize()
                return
            except InvalidToken:
                raise RuntimeError(
                    "Telegram rejected TELEGRAM_BOT_TOKEN: get a valid token from @BotFather"
                ) from None
            except NetworkError as exc:
                logger.warning("Telegram unreachable at start ({}); retry in {:.0f}s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _stop(self) -> None:
        """Stop polling and the job queue; the HTTP client stays for the final outbox flush.

        `app.stop()` waits for handlers still running; those waiting for the flood limiter are
        let through at once instead of holding the shutdown.
        """
        app = self.app
        self.throttle.close()
        try:
            async with asyncio.timeout(5.0):
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
        except Exception as exc:
            logger.warning("Telegram transport did not stop cleanly: {}", exc)

    async def close(self) -> None:
        """Release the bot's HTTP connections (after the notifier's last delivery)."""
        await self._stop()
        try:
            async with asyncio.timeout(5.0):
                await self.app.shutdown()
        except Exception as exc:
            logger.warning("Telegram transport did not shut down cleanly: {}", exc)

    async def _set_commands(self) -> None:
        """The command menu in the configured language, plus a Korean and an English one that
        Telegram shows to users whose app is set to that language."""
        for app_language in ("", *catalog.TABLES):
            language = app_language or self.language
            menu = [
                BotCommand(c.name, (self.registry.summary(c, language) or c.name)[:256])
                for c in self.registry.commands()
                if _COMMAND_NAME.match(c.name)
            ][:100]
            try:
                await self.app.bot.set_my_commands(menu, language_code=app_language or None)
            except TelegramError as exc:  # the menu is a convenience; commands work without it
                logger.warning("setMyCommands failed: {}", exc)
                return

    # --- access -----------------------------------------------------------------------------
    async def _gate(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            raise ApplicationHandlerStop
        chat, user = update.effective_chat, update.effective_user
        message = update.message
        if (
            chat is not None
            and chat.type != "private"
            and message is not None
            and not (message.text or "").startswith("/")
        ):
            raise ApplicationHandlerStop  # group chatter: not for us, not an intrusion
        allowed = self.gate.check(
            chat.id if chat else None, user.id if user else None, chat.type if chat else None
        )
        if not allowed:
            raise ApplicationHandlerStop  # no answer, not even to a button press

    def _report_intruder(self, chat_id: int | None, user_id: int | None, count: int) -> None:
        text = i18n.text(self.language, "intruder", chat=chat_id, user=user_id, count=count)
        self._notify(Notification(NotificationKind.INFO, text))

    def _report_conflict(self) -> None:
        text = i18n.text(self.language, "conflict")
        self._notify(Notification(NotificationKind.COMPONENT, text))

    # --- commands ---------------------------------------------------------------------------
    def _context(self, update: Update) -> CommandContext:
        chat, user = update.effective_chat, update.effective_user
        return CommandContext(
            service=self.facade,
            chat_id=chat.id if chat else None,
            user_id=user.id if user else None,
            transport="telegram",
        )

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        text = message.text.strip()
        if not text.startswith("/"):
            if chat.type == "private":
                await self.send_reply(chat.id, Reply(i18n.text(self.language, "not_a_command")))
            return  # group chatter is not for us
        first = text.split(maxsplit=1)[0]
        if "@" in first and first.split("@", 1)[1].lower() != (self.app.bot.username or "").lower():
            return  # a command for another bot in the group
        user = update.effective_user
        entry = InboxEntry(
            update.update_id,
            chat.id,
            user.id if user else None,
            text,
            message.date.timestamp(),
            NEW,
        )
        if not await self._claim(entry):
            return  # redelivered after a restart: the start-up recovery answered it
        age = self._clock.now() - entry.message_ts
        if age > self.options.stale_command_after:
            reply = self._late(entry, self._context(update), interrupted=False)
        else:
            reply = await self.registry.dispatch(text, self._context(update))
        await self._answer(entry.update_id, chat.id, reply)

    # --- the inbox: commands survive a restart ------------------------------------------------
    async def _record(self, updates: list[dict[str, Any]]) -> None:
        """Store the commands of a getUpdates batch (ours, from allowed users) before PTB gets
        them. A storage fault is logged: the commands still run, only not crash-safe."""
        entries = []
        for raw in updates:
            entry = parse_command(raw) or parse_button(raw)
            if entry is None or not self.gate.is_allowed(
                entry.chat_id, entry.user_id, chat_type(raw)
            ):
                continue
            first = entry.text.split(maxsplit=1)[0]
            mention = first.split("@", 1)[1].lower() if "@" in first else None
            bot_name = (self.app.bot.username or "").lower()
            if not entry.is_button and mention is not None and mention != bot_name:
                continue
            entries.append(entry)
        try:
            await self.inbox.record(entries, self._clock.now())
        except Exception:
            logger.exception("could not record {} incoming command(s)", len(entries))

    async def _claim(self, entry: InboxEntry) -> bool:
        try:
            return await self.inbox.claim(entry, self._clock.now())
        except Exception:
            logger.exception("inbox unavailable; handling update {}", entry.update_id)
            return True

    async def _answer(
        self,
        update_id: int,
        chat_id: int,
        reply: Reply,
        show: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Store the reply, send it (waiting out flood limits and outages; `show` instead when
        given: a button's answer in place), mark it done. A reply not sent when the service
        stops is sent by the next start."""
        try:
            await self.inbox.replied(update_id, reply)
        except Exception:
            logger.exception("could not store the reply to update {}", update_id)
        if show is not None:
            await show()
        else:
            await self._deliver(chat_id, reply)
        try:
            await self.inbox.done(update_id, self._clock.now())
        except Exception:
            logger.exception("could not mark update {} answered", update_id)

    async def _deliver(self, chat_id: int, reply: Reply) -> None:
        delay = 1.0
        progress = [0]  # messages of the reply already sent: a retry sends only the rest
        resent = -1  # the message being resent after its answer timed out (`delivery.py`)
        while True:
            try:
                await self.send_reply(chat_id, reply, progress, resent)
                return
            except (RetryAfter, NetworkError) as exc:
                if self.throttle.closed:
                    raise  # shutting down: the next start sends it
                if maybe_delivered(exc):
                    if resent == progress[0]:  # its one resend got no answer either
                        logger.warning("reply resent and again no answer; not sent a third time")
                        progress[0] += 1
                        resent = -1
                    else:
                        resent = progress[0]
                    continue
                wait = retry_seconds(exc) + 0.1 if isinstance(exc, RetryAfter) else delay
                delay = min(delay * 2, 30.0)
                logger.warning("reply not sent ({}); again in {:.1f}s", exc, wait)
                await self._clock.sleep(max(wait, self.throttle.paused_for()))

    def _late(self, entry: InboxEntry, ctx: CommandContext, *, interrupted: bool) -> Reply:
        """A command not run in time: money commands ask again, others are not run."""
        at = dt.datetime.fromtimestamp(entry.message_ts, self.tz).strftime("%H:%M")
        how = "interrupted" if interrupted else "stale"
        if not self.registry.is_money(entry.text):
            return Reply(
                i18n.text(self.language, f"inbox.{how}_ignored", command=entry.text, at=at)
            )
        question = i18n.text(self.language, f"inbox.{how}_ask", command=entry.text, at=at)
        parsed = self.registry.parse(entry.text)
        ctx.command, ctx.args = parsed if parsed else ("", [])
        line = entry.text

        async def run_now(c: CommandContext) -> Reply:
            return await self.registry.dispatch(line, c)

        return self.registry.ask_confirmation(ctx, question, run_now)

    async def _recover(self) -> None:
        """Answer, once, every command the previous run left unanswered."""
        try:
            rows = await self.inbox.take_unfinished()
        except Exception:
            logger.exception("could not read the unanswered commands of the previous run")
            return
        for row in rows:
            e = row.entry
            if row.reply is None and e.is_button:
                # What the press confirmed lived in the previous run: never run it blindly.
                how = "interrupted" if e.state == RUNNING else "expired"
                reply = Reply(i18n.text(self.language, f"inbox.button_{how}"))
            elif row.reply is None:
                ctx = CommandContext(
                    service=self.facade, chat_id=e.chat_id, user_id=e.user_id, transport="telegram"
                )
                reply = self._late(e, ctx, interrupted=e.state == RUNNING)
            else:
                reply = row.reply
            logger.info("answering command {} left by the previous run ({})", e.text, e.state)
            await self._answer(e.update_id, e.chat_id, reply)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or not query.data:
            return
        with contextlib.suppress(TelegramError):
            await query.answer()
        line = query.data
        message = query.message
        user = update.effective_user
        entry = InboxEntry(
            update.update_id,
            chat.id,
            user.id if user else None,
            BUTTON + line,
            message.date.timestamp() if message is not None else 0.0,
            NEW,
        )
        if not await self._claim(entry):
            return  # redelivered after a restart: the start-up recovery answered it
        reply = await self.registry.dispatch(line, self._context(update))

        async def show() -> None:
            if line.startswith(CONFIRM_COMMANDS):
                # Take the buttons off the confirmation so it cannot be pressed twice; the
                # outcome comes as a new message.
                if message is not None:
                    with contextlib.suppress(TelegramError):
                        await self.app.bot.edit_message_reply_markup(
                            chat.id, message.message_id, reply_markup=None
                        )
                await self._deliver(chat.id, reply)
                return
            parts = render.render_reply(reply)
            if message is not None and reply.photo is None and len(parts) == 1 and reply.in_place:
                markup = keyboard(reply, self.language)
                await self._edit(chat.id, message.message_id, parts[0], markup)
                return
            await self._deliver(chat.id, reply)

        await self._answer(entry.update_id, chat.id, reply, show)

    async def _edit(
        self, chat_id: int, message_id: int, part: render.Part, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Refresh a message in place (plain text if the HTML is refused)."""
        try:
            await self.app.bot.edit_message_text(
                part.html, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as exc:
            msg = exc.message.lower()
            if "not modified" in msg:
                return
            if "parse entities" not in msg:
                raise
            await self.app.bot.edit_message_text(
                part.plain, chat_id, message_id, reply_markup=markup
            )

    async def send_reply(
        self, chat_id: int, reply: Reply, progress: list[int] | None = None, resent: int = -1
    ) -> None:
        """Send a command's reply: chart first, then the text parts; buttons on the last one.

        `progress[0]` counts the messages sent so far; the ones already counted are skipped.
        Message number `resent` may have arrived already: it goes out marked "(resent)"."""
        progress = progress if progress is not None else [0]
        mark = i18n.text(self.language, "notify.resent")
        step = 0
        markup = keyboard(reply, self.language)
        parts = render.render_reply(reply) if reply.text.strip() else []
        if reply.photo is not None:
            cap = render.esc(reply.photo_caption[: render.MAX_CAPTION - 1])
            if len(parts) == 1 and "\n" not in reply.text.strip():
                # A one-line answer is the chart's caption: one message, not a photo and its echo.
                cap, parts = parts[0].html, []
            if progress[0] <= step:
                if step == resent:
                    cap = f"{render.esc(mark)}\n{cap}" if cap else render.esc(mark)
                await self.app.bot.send_photo(
                    chat_id,
                    reply.photo,
                    caption=cap or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None if parts else markup,
                )
                progress[0] = step + 1
            step += 1
        for index, part in enumerate(parts):
            if progress[0] <= step:
                last = index == len(parts) - 1
                if step == resent:
                    part = render.Part(f"{render.esc(mark)}\n{part.html}", f"{mark}\n{part.plain}")
                await send_text(self.app.bot, chat_id, part, reply_markup=markup if last else None)
                progress[0] = step + 1
            step += 1

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.opt(exception=context.error).error("Telegram update handling failed")
