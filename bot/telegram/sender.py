"""The notifier's Telegram `Sender`: outbox items -> sendMessage / sendPhoto.

An item counts as delivered only when Telegram answered ok for every message it became. A 429
pauses every send (the rate limiter records it) and the rest of the batch waits in the outbox; a
backlog larger than the chat's burst allowance goes out as a digest; HTML that Telegram cannot
parse is resent as plain text. A send whose answer timed out after the request was written may
have been delivered: it is sent again once, marked "(resent)", and never a third time
(`delivery.py`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from loguru import logger
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.notify.notifier import DeliveryError
from bot.notify.outbox import OutboxItem
from bot.telegram import i18n, render
from bot.telegram.delivery import maybe_delivered
from bot.telegram.ratelimit import Throttle, retry_seconds

# A delivery that failed for a reason Telegram will not change by itself (wrong chat id, bot
# blocked) is retried this rarely, so the outbox keeps it without hammering the API.
CONFIG_RETRY = 60.0


def markup_of(item: OutboxItem) -> InlineKeyboardMarkup | None:
    """The item's buttons (a notification's actions) as an inline keyboard, or None."""
    if not item.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(str(b.label), callback_data=b.command[:64]) for b in row]
            for row in item.buttons
        ]
    )


def is_parse_error(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and "parse entities" in exc.message.lower()


@dataclass(slots=True)
class SenderStats:
    messages: int = 0
    photos: int = 0
    digests: int = 0
    plain_fallbacks: int = 0
    retry_afters: int = 0
    errors: int = 0
    maybe_delivered: int = 0  # answers that timed out after the request was written
    resends_given_up: int = 0  # resends that timed out too: not sent a third time
    dropped: list[int] = field(default_factory=list)


class TelegramSender:
    """Delivers notifications to one chat. Plug in with `notifier.set_sender(sender)`."""

    def __init__(
        self,
        bot: ExtBot[int],
        chat_id: int,
        throttle: Throttle,
        language: str = "ko",
        *,
        max_backoff: float = 30.0,
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._throttle = throttle
        self._language = language
        self._max_backoff = max_backoff
        self._failures = 0
        self._in_flight: list[OutboxItem] = []  # the items the current Bot API call carries
        self.stats = SenderStats()

    async def deliver(self, items: list[OutboxItem]) -> list[int]:
        paused = self._throttle.paused_for()
        if paused > 0:
            raise DeliveryError("Telegram flood limit pause", retry_after=paused)
        done: list[int] = []
        self._in_flight = []
        try:
            if len(items) > max(1, self._throttle.available(self._chat_id)):
                await self._deliver_digest(items, done)
            else:
                for item in items:
                    await self._deliver_one(item)
                    done.append(item.id)
        except RetryAfter as exc:
            self.stats.retry_afters += 1
            if not done:
                raise DeliveryError(str(exc), retry_after=retry_seconds(exc) + 0.1) from None
        except Forbidden as exc:
            self._raise_or_keep(done, f"bot cannot write to chat {self._chat_id}: {exc}")
        except BadRequest as exc:
            if "chat not found" not in exc.message.lower():
                raise
            self._raise_or_keep(done, f"chat {self._chat_id} not found: check TELEGRAM_CHAT_ID")
        except NetworkError as exc:  # timeouts, 5xx, connection refused (an outage)
            self.stats.errors += 1
            self._failures += 1
            if maybe_delivered(exc):
                self._maybe_delivered(exc, done)
            elif not done:
                delay = min(self._max_backoff, 0.5 * 2 ** min(self._failures, 10))
                raise DeliveryError(f"{type(exc).__name__}: {exc}", retry_after=delay) from None
        except Exception as exc:  # never let one bad delivery take the notifier down
            self.stats.errors += 1
            self._failures += 1
            logger.opt(exception=exc).error("notification delivery failed unexpectedly")
            if not done:
                raise DeliveryError(f"{type(exc).__name__}: {exc}", retry_after=5.0) from None
        else:
            self._failures = 0
        return done

    def _maybe_delivered(self, exc: NetworkError, done: list[int]) -> None:
        """The call's answer never came: what it carried may be in the chat already. A first
        send gets its one marked resend; a resend is not sent a third time."""
        resent = [i.id for i in self._in_flight if i.resend]
        fresh = tuple(i.id for i in self._in_flight if not i.resend)
        if resent:
            self.stats.resends_given_up += len(resent)
            logger.warning(
                "notification(s) {} resent and again no answer ({}); not sent a third time",
                resent, type(exc).__name__,
            )  # fmt: skip
            done.extend(resent)
        if fresh:
            self.stats.maybe_delivered += len(fresh)
            raise DeliveryError(
                f"{type(exc).__name__}: no answer, may have been delivered; resending marked",
                retry_after=0.5,
                done=tuple(done),
                maybe_sent=fresh,
            ) from None

    def _raise_or_keep(self, done: list[int], message: str) -> None:
        self.stats.errors += 1
        logger.error("notifications cannot be delivered: {}", message)
        if not done:
            raise DeliveryError(message, retry_after=CONFIG_RETRY)

    # --- one item -------------------------------------------------------------------------
    def _marked(self, item: OutboxItem) -> str:
        """The item's text, with the resend mark when an earlier send may have arrived."""
        if not item.resend:
            return item.text
        return f"{i18n.text(self._language, 'notify.resent')}\n{item.text}"

    async def _deliver_one(self, item: OutboxItem) -> None:
        self._in_flight = [item]
        try:
            if item.photo_path:
                await self._send_photo_item(item)
            else:
                parts = render.render_notification(item.kind, self._marked(item), self._language)
                markup = markup_of(item)
                for index, part in enumerate(parts):
                    last = index == len(parts) - 1
                    await self.send_part(part, item.silent, markup if last else None)
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise
            # Telegram refuses this message even as plain text: it would block the queue forever.
            logger.error("notification {} rejected by Telegram ({}); dropped", item.id, exc)
            self.stats.dropped.append(item.id)

    async def _send_photo_item(self, item: OutboxItem) -> None:
        assert item.photo_path is not None
        path = Path(item.photo_path)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError:
            missing = i18n.text(self._language, "photo_missing", path=path.name)
            for part in render.render_notification(
                item.kind, f"{self._marked(item)}\n\n{missing}", self._language
            ):
                await self.send_part(part, item.silent)
            return
        cap = render.caption(item.kind, self._marked(item), self._language)
        if cap is not None:
            await self.send_photo(data, cap, item.silent)
            return
        # Too long for a caption: the chart with the header, then the full text.
        title = i18n.header(self._language, item.kind) or item.text.split("\n", 1)[0][:200]
        head = render.Part(f"<b>{render.esc(title)}</b>", title)
        await self.send_photo(data, head, item.silent)
        for part in render.render_notification(item.kind, self._marked(item), self._language):
            await self.send_part(part, item.silent)

    # --- a backlog --------------------------------------------------------------------------
    async def _deliver_digest(self, items: list[OutboxItem], done: list[int]) -> None:
        """Text items are packed into digest messages; photos go out in their place."""
        run: list[render.DigestEntry] = []

        async def flush() -> None:
            if not run:
                return
            silent = all(i.silent for i in items if i.id in {e.id for e in run})
            for part, ids in render.render_digest(run, self._language):
                self._in_flight = [i for i in items if i.id in set(ids)]
                await self.send_part(part, silent)
                self.stats.digests += 1
                done.extend(ids)
            run.clear()

        for item in items:
            if item.photo_path:
                await flush()
                await self._deliver_one(item)
                done.append(item.id)
            else:
                run.append(render.DigestEntry(item.id, item.kind, self._marked(item)))
        await flush()

    # --- Bot API calls ----------------------------------------------------------------------
    async def send_part(
        self, part: render.Part, silent: bool, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        if await send_text(
            self._bot, self._chat_id, part, silent=silent, reply_markup=markup, retries=0
        ):
            self.stats.plain_fallbacks += 1
        self.stats.messages += 1

    async def send_photo(self, data: bytes, cap: render.Part, silent: bool) -> None:
        try:
            await self._bot.send_photo(
                self._chat_id,
                data,
                caption=cap.html,
                parse_mode=ParseMode.HTML,
                disable_notification=silent,
                rate_limit_args=0,
            )
        except BadRequest as exc:
            if not is_parse_error(exc):
                raise
            self.stats.plain_fallbacks += 1
            await self._bot.send_photo(
                self._chat_id,
                data,
                caption=cap.plain,
                disable_notification=silent,
                rate_limit_args=0,
            )
        self.stats.photos += 1


async def send_text(
    bot: ExtBot[int],
    chat_id: int,
    part: render.Part,
    *,
    silent: bool = False,
    reply_markup: InlineKeyboardMarkup | None = None,
    retries: int | None = None,
) -> bool:
    """sendMessage in HTML, resent as plain text if Telegram cannot parse the HTML.

    Returns True when the plain-text fallback was used. `retries` is how often a 429 is retried
    in place (None: the rate limiter's default).
    """
    try:
        await bot.send_message(
            chat_id,
            part.html,
            parse_mode=ParseMode.HTML,
            disable_notification=silent,
            reply_markup=reply_markup,
            rate_limit_args=retries,
        )
        return False
    except BadRequest as exc:
        if not is_parse_error(exc):
            raise
        logger.warning("Telegram rejected the HTML ({}); sending plain text", exc.message)
    await bot.send_message(
        chat_id,
        part.plain,
        disable_notification=silent,
        reply_markup=reply_markup,
        rate_limit_args=retries,
    )
    return True
