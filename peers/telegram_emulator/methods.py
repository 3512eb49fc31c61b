"""The Bot API methods the service uses, with Telegram's validation and error wording."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from peers.telegram_emulator.models import ApiError, CallbackAnswer, Edit, SentMessage
from peers.telegram_emulator.params import Params
from peers.telegram_emulator.state import BotState, upload_json
from peers.telegram_emulator.validation import (
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    find_editable,
    parse_reply_markup,
    parse_reply_to,
    render_text,
    store_upload,
    to_json,
)

Handler = Callable[[BotState, Params], Awaitable[Any]]

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# --- sending ---------------------------------------------------------------------------------
async def send_message(s: BotState, p: Params) -> Any:
    chat_id = p.chat_id()
    s.check_can_send(chat_id)
    text = p.text("text") or ""
    plain, entities = render_text(text, p)
    if not plain:
        raise ApiError.bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise ApiError.bad_request("message is too long")
    markup = parse_reply_markup(p)
    reply_to = parse_reply_to(s, p, chat_id)
    s.flood.check("sendMessage", chat_id)
    sent = SentMessage(
        seq=s.next_seq(),
        chat_id=chat_id,
        message_id=s.new_message_id(chat_id),
        method="sendMessage",
        date=int(time.time()),
        sent_at=time.monotonic(),
        text=text,
        plain_text=plain,
        parse_mode=p.text("parse_mode"),
        entities=entities,
        reply_markup=markup,
        disable_notification=p.flag("disable_notification"),
        reply_to_message_id=reply_to,
        params=p.safe_log_view(),
    )
    return to_json(s, s.add_message(sent))


async def _send_media(s: BotState, p: Params, method: str, field: str) -> Any:
    chat_id = p.chat_id()
    s.check_can_send(chat_id)
    upload = store_upload(s, p, field, image=field == "photo")
    caption = p.text("caption")
    plain, entities = render_text(caption, p, "caption_") if caption else ("", ())
    if len(plain) > MAX_CAPTION:
        raise ApiError.bad_request("message caption is too long")
    markup = parse_reply_markup(p)
    reply_to = parse_reply_to(s, p, chat_id)
    s.flood.check(method, chat_id)
    sent = SentMessage(
        seq=s.next_seq(),
        chat_id=chat_id,
        message_id=s.new_message_id(chat_id),
        method=method,
        date=int(time.time()),
        sent_at=time.monotonic(),
        plain_text=plain or None,
        parse_mode=p.text("parse_mode"),
        entities=entities,
        reply_markup=markup,
        disable_notification=p.flag("disable_notification"),
        photo=upload if field == "photo" else None,
        document=upload if field == "document" else None,
        caption=caption,
        reply_to_message_id=reply_to,
        params=p.safe_log_view(),
    )
    return to_json(s, s.add_message(sent))


async def send_photo(s: BotState, p: Params) -> Any:
    return await _send_media(s, p, "sendPhoto", "photo")


async def send_document(s: BotState, p: Params) -> Any:
    return await _send_media(s, p, "sendDocument", "document")


async def send_chat_action(s: BotState, p: Params) -> Any:
    chat_id = p.chat_id()
    s.check_can_send(chat_id)
    action = p.text("action")
    if action not in _CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    s.chat_actions.append((chat_id, action, time.monotonic()))
    return True


# --- editing ---------------------------------------------------------------------------------
async def _edit(s: BotState, p: Params, method: str, sent: SentMessage, **changes: Any) -> Any:
    markup = parse_reply_markup(p)  # omitted = keyboard removed, exactly as on Telegram
    current = (sent.plain_text, sent.entities, sent.reply_markup)
    new = (changes.get("plain_text", sent.plain_text), changes.get("entities", sent.entities))
    if (*new, markup) == current:
        raise ApiError.bad_request(NOT_MODIFIED)
    s.flood.check(method, sent.chat_id)
    shown = changes.get("text", changes.get("caption", sent.text or sent.caption))
    edit = Edit(method=method, at=time.monotonic(), text=shown, reply_markup=markup)
    updated = s.update_message(sent, reply_markup=markup, edits=(*sent.edits, edit), **changes)
    return to_json(s, updated)


async def edit_message_text(s: BotState, p: Params) -> Any:
    sent = find_editable(s, p)
    if sent.is_media:
        raise ApiError.bad_request("there is no text in the message to edit")
    text = p.text("text") or ""
    plain, entities = render_text(text, p)
    if not plain:
        raise ApiError.bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise ApiError.bad_request("message is too long")
    return await _edit(
        s,
        p,
        "editMessageText",
        sent,
        text=text,
        plain_text=plain,
        entities=entities,
        parse_mode=p.text("parse_mode"),
    )


async def edit_message_caption(s: BotState, p: Params) -> Any:
    sent = find_editable(s, p)
    if not sent.is_media:
        raise ApiError.bad_request("there is no caption in the message to edit")
    caption = p.text("caption") or ""
    plain, entities = render_text(caption, p, "caption_") if caption else ("", ())
    if len(plain) > MAX_CAPTION:
        raise ApiError.bad_request("message caption is too long")
    return await _edit(
        s, p, "editMessageCaption", sent, caption=caption, plain_text=plain or None,
        entities=entities, parse_mode=p.text("parse_mode"),
    )  # fmt: skip


async def edit_message_reply_markup(s: BotState, p: Params) -> Any:
    return await _edit(s, p, "editMessageReplyMarkup", find_editable(s, p))


async def delete_message(s: BotState, p: Params) -> Any:
    chat_id = p.chat_id()
    message_id = p.message_id()
    sent = s.messages.get((chat_id, message_id))
    if sent is not None and not sent.deleted:
        s.update_message(sent, deleted=True)
        return True
    if s.user_messages.pop((chat_id, message_id), None) is not None:
        return True
    raise ApiError.bad_request("message to delete not found")


# --- callbacks, commands, updates, misc ------------------------------------------------------
async def answer_callback_query(s: BotState, p: Params) -> Any:
    query_id = p.text("callback_query_id") or ""
    if query_id not in s.callback_queries or query_id in s.callback_answers:
        raise ApiError.bad_request(
            "query is too old and response timeout expired or query ID is invalid"
        )
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    s.callback_answers[query_id] = CallbackAnswer(
        callback_query_id=query_id,
        text=text,
        show_alert=p.flag("show_alert"),
        url=p.text("url"),
        at=time.monotonic(),
    )
    s.changed()
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), p.text("language_code") or ""


async def set_my_commands(s: BotState, p: Params) -> Any:
    commands = p.json("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("parameter commands is required")
    if len(commands) > 100:
        raise ApiError.bad_request("too many commands specified")
    clean = []
    for item in commands:
        command = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command.lstrip("/")):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise ApiError.bad_request("command description is empty or too long")
        clean.append({"command": command.lstrip("/"), "description": description})
    s.commands[_commands_key(p)] = clean
    s.changed()
    return True


async def get_my_commands(s: BotState, p: Params) -> Any:
    return s.commands.get(_commands_key(p), [])


async def delete_my_commands(s: BotState, p: Params) -> Any:
    s.commands.pop(_commands_key(p), None)
    return True


async def get_updates(s: BotState, p: Params) -> Any:
    if s.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first",
        )
    allowed = p.json("allowed_updates")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(a, str) for a in allowed)
    ):
        raise ApiError.bad_request("can't parse allowed_updates JSON object")
    return await s.updates.get(
        offset=p.integer("offset", 0) or 0,
        limit=p.integer("limit", 100) or 100,
        timeout=p.number("timeout", 0.0),
        allowed=allowed,
    )


async def get_me(s: BotState, p: Params) -> Any:
    return s.bot_user


async def delete_webhook(s: BotState, p: Params) -> Any:
    s.webhook_url = ""
    if p.flag("drop_pending_updates"):
        s.updates.drop_all()
    return True


async def set_webhook(s: BotState, p: Params) -> Any:
    url = p.text("url") or ""
    if url and not url.startswith("https://"):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    s.webhook_url = url  # stored only: the emulator never pushes to webhooks
    return True


async def get_webhook_info(s: BotState, p: Params) -> Any:
    return {
        "url": s.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(s.updates.pending),
    }


async def get_file(s: BotState, p: Params) -> Any:
    upload = s.files.get(p.text("file_id") or "")
    if upload is None:
        raise ApiError.bad_request("invalid file_id")
    return {**upload_json(upload), "file_path": f"files/{upload.file_id}"}


async def get_chat(s: BotState, p: Params) -> Any:
    # Reachable exactly when sendMessage would be: the emulator lets the bot write to any
    # private chat (as if its user had sent /start), not to a chat that blocked it.
    chat = s.check_can_send(p.chat_id())
    # getChat answers a ChatFullInfo: the chat plus fields every chat has.
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11}


async def ok(s: BotState, p: Params) -> Any:
    return True


METHODS: dict[str, Handler] = {
    "getme": get_me,
    "logout": ok,
    "close": ok,
    "getupdates": get_updates,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "getwebhookinfo": get_webhook_info,
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "sendchataction": send_chat_action,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "getfile": get_file,
    "getchat": get_chat,
}
