"""Everything the emulated Telegram remembers: chats, users, messages, files, commands, updates."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace
from typing import Any

from peers.telegram_emulator.faults import FaultBook, FloodLimiter
from peers.telegram_emulator.markup import command_entities
from peers.telegram_emulator.models import (
    ApiError,
    CallbackAnswer,
    CallRecord,
    SentMessage,
    Upload,
)
from peers.telegram_emulator.updates import UpdateQueue


class BotState:
    """The server-side state of one bot token. Not thread-safe: use it from the server's loop."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.updates = UpdateQueue()
        self.faults = FaultBook()
        self.flood = FloodLimiter()
        self.webhook_url = ""
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.blocked_chats: set[int] = set()
        self.messages: dict[tuple[int, int], SentMessage] = {}  # the bot's, in send order
        self.user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, Upload] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.chat_actions: list[tuple[int, str, float]] = []
        self.calls: list[CallRecord] = []
        self._next_message_id: dict[int, int] = {}
        self._seq = 0
        self._changed = asyncio.Event()

    # --- bookkeeping -------------------------------------------------------------------------
    def changed(self) -> None:
        """Wake everyone waiting on state (wait_for_message and friends)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_changed(self, timeout: float) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = message_id
        return message_id

    def record_call(self, record: CallRecord) -> None:
        self.calls.append(record)
        self.changed()

    # --- chats and users ---------------------------------------------------------------------
    def chat(self, chat_id: int, chat_type: str | None = None) -> dict[str, Any]:
        """The chat object for `chat_id`, created on first use (private if positive)."""
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        if chat_type is None:
            chat_type = "private" if chat_id > 0 else "group"
            if str(chat_id).startswith("-100"):
                chat_type = "supergroup"
        if chat_type == "private":
            if chat_id <= 0:
                raise ValueError("a private chat id is the user's id, a positive number")
            user = self.user(chat_id)
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
        elif chat_type in ("group", "supergroup"):
            if chat_id >= 0:
                raise ValueError("group chat ids are negative")
            chat = {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
        else:
            raise ValueError(f"unknown chat_type {chat_type!r}: use private, group or supergroup")
        self.chats[chat_id] = chat
        return chat

    def user(self, user_id: int, first_name: str | None = None) -> dict[str, Any]:
        known = self.users.get(user_id)
        if known is None:
            known = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name or f"User{user_id}",
                "username": f"user{user_id}",
                "language_code": "ko",
            }
            self.users[user_id] = known
        return known

    def check_can_send(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.blocked_chats:
            if chat_id > 0:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        try:
            return self.chat(chat_id)
        except ValueError:
            raise ApiError.bad_request("chat not found") from None

    # --- user input --------------------------------------------------------------------------
    def user_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a `message` update as the Telegram client of `user_id` would produce it."""
        if not text:
            raise ValueError("a message needs text")
        chat = self.chat(chat_id, chat_type)
        if chat_type is not None and chat["type"] != chat_type:
            raise ValueError(f"chat {chat_id} is a {chat['type']} chat, not {chat_type}")
        if user_id is None:
            if chat["type"] != "private":
                raise ValueError("user_id is required for a group message")
            user_id = chat_id
        if chat["type"] == "private" and user_id != chat_id:
            raise ValueError("in a private chat the user id equals the chat id")
        message: dict[str, Any] = {
            "message_id": self.new_message_id(chat_id),
            "date": int(time.time()),
            "from": self.user(user_id),
            "chat": chat,
            "text": text,
        }
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to_message_id is not None:
            message["reply_to_message"] = self.message_json(chat_id, reply_to_message_id)
        self.user_messages[(chat_id, message["message_id"])] = message
        return self.updates.push({"message": message})

    def button_press(
        self, chat_id: int, message_id: int, data: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a `callback_query` update for a button the bot attached to its message."""
        sent = self.messages.get((chat_id, message_id))
        if sent is None or sent.deleted:
            raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
        if data not in [cb for _, cb in sent.buttons if cb is not None]:
            raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
        chat = self.chats[chat_id]
        if user_id is None:
            if chat["type"] != "private":
                raise ValueError("user_id is required for a button press in a group")
            user_id = chat_id
        query_id = str(4_000_000_000_000 + self.next_seq())
        query = {
            "id": query_id,
            "from": self.user(user_id),
            "message": self.message_json(chat_id, message_id),
            "chat_instance": str(abs(hash((self.token, chat_id))) % 10**18),
            "data": data,
        }
        self.callback_queries[query_id] = query
        return self.updates.push({"callback_query": query})

    # --- messages ----------------------------------------------------------------------------
    def add_message(self, message: SentMessage) -> SentMessage:
        self.messages[(message.chat_id, message.message_id)] = message
        self.changed()
        return message

    def update_message(self, message: SentMessage, **changes: Any) -> SentMessage:
        updated = replace(message, **changes)
        self.messages[(message.chat_id, message.message_id)] = updated
        self.changed()
        return updated

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.messages.values() if chat_id is None or m.chat_id == chat_id]

    def message_json(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The Telegram Message object for a bot or user message."""
        user_message = self.user_messages.get((chat_id, message_id))
        if user_message is not None:
            return user_message
        sent = self.messages.get((chat_id, message_id))
        if sent is None:
            raise ApiError.bad_request("message not found")
        return sent_message_json(sent, self.bot_user, self.chats[chat_id])


def upload_json(upload: Upload) -> dict[str, Any]:
    return {
        "file_id": upload.file_id,
        "file_unique_id": upload.file_unique_id,
        "file_size": len(upload.data),
    }


def sent_message_json(
    sent: SentMessage, bot_user: dict[str, Any], chat: dict[str, Any]
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": sent.message_id,
        "from": bot_user,
        "chat": chat,
        "date": sent.date,
    }
    if sent.edits:
        message["edit_date"] = int(sent.date + (sent.edits[-1].at - sent.sent_at))
    if sent.plain_text is not None:
        prefix = "caption_" if sent.is_media else ""
        message["caption" if sent.is_media else "text"] = sent.plain_text
        if sent.entities:
            message[prefix + "entities"] = list(sent.entities)
    if sent.photo is not None:
        size = {"width": sent.photo.width, "height": sent.photo.height}
        message["photo"] = [{**upload_json(sent.photo), **size}]
    if sent.document is not None:
        document = upload_json(sent.document)
        if sent.document.filename:
            document["file_name"] = sent.document.filename
        if sent.document.content_type:
            document["mime_type"] = sent.document.content_type
        message["document"] = document
    if sent.reply_markup is not None and "inline_keyboard" in sent.reply_markup:
        message["reply_markup"] = sent.reply_markup
    return message
