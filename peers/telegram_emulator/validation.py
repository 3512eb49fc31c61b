"""Validation shared by the sending and editing methods, with Telegram's error wording."""

from __future__ import annotations

from typing import Any

from peers.telegram_emulator.markup import ParseError, parse_text, utf16_len
from peers.telegram_emulator.models import ApiError, SentMessage, Upload
from peers.telegram_emulator.params import Params, RawFile, image_size
from peers.telegram_emulator.state import BotState, sent_message_json

MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def _is_entity(entity: Any) -> bool:
    return (
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and all(type(entity.get(k)) is int and entity[k] >= 0 for k in ("offset", "length"))
    )


def render_text(text: str, p: Params, prefix: str = "") -> tuple[str, tuple[dict[str, Any], ...]]:
    """Apply parse_mode (or explicit entities) and Telegram's whitespace trimming."""
    explicit = p.json(f"{prefix}entities", "entities")
    if explicit is not None:
        if not isinstance(explicit, list) or not all(_is_entity(e) for e in explicit):
            raise ApiError.bad_request("can't parse entities JSON object")
        plain, entities = text, explicit
    else:
        try:
            plain, entities = parse_text(text, p.text("parse_mode"))
        except ParseError as exc:
            raise ApiError.bad_request(f"can't parse entities: {exc}") from None
        except ValueError:
            raise ApiError.bad_request("unsupported parse_mode") from None
    lead = utf16_len(plain) - utf16_len(plain.lstrip())
    plain = plain.strip()
    size = utf16_len(plain)
    trimmed = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return plain, tuple(trimmed)


def parse_reply_markup(p: Params) -> dict[str, Any] | None:
    markup = p.json("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards / ReplyKeyboardRemove / ForceReply: stored as given
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request("can't parse inline keyboard markup JSON object")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise ApiError.bad_request("can't parse inline keyboard button: Text is missing")
        if not _BUTTON_ACTIONS & button.keys():
            raise ApiError.bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        data = button.get("callback_data")
        if data is not None and (
            not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
        ):
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    return markup


def parse_reply_to(s: BotState, p: Params, chat_id: int) -> int | None:
    reply = p.json("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    if message_id is None:
        message_id = p.integer("reply_to_message_id")
    if message_id is None:
        return None
    if type(message_id) is not int:
        raise ApiError.bad_request("invalid reply_parameters specified")
    allow_missing = p.flag("allow_sending_without_reply") or (
        isinstance(reply, dict) and bool(reply.get("allow_sending_without_reply"))
    )
    known = (chat_id, int(message_id))
    if known not in s.messages and known not in s.user_messages and not allow_missing:
        raise ApiError.bad_request("message to be replied not found")
    return int(message_id)


def store_upload(s: BotState, p: Params, field: str, image: bool) -> Upload:
    value: RawFile | str | None = p.files.get(field) or p.text(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.files.get(value.removeprefix("attach://"))
    if value is None or value == "":
        raise ApiError.bad_request(f"there is no {field} in the request")
    if isinstance(value, str):
        known = s.files.get(value)
        if known is None:
            # Telegram would download an HTTP URL; the emulator is offline.
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        return known
    if not value.data:
        raise ApiError.bad_request("file must be non-empty")
    width = height = 0
    if image:
        size = image_size(value.data)
        if size is None:
            raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
    seq = s.next_seq()
    upload = Upload(
        file_id=f"EMU{field.upper()}{seq:08d}",
        file_unique_id=f"U{seq:08d}",
        data=value.data,
        filename=value.filename,
        content_type=value.content_type,
        width=width,
        height=height,
    )
    s.files[upload.file_id] = upload
    return upload


def to_json(s: BotState, sent: SentMessage) -> dict[str, Any]:
    return sent_message_json(sent, s.bot_user, s.chats[sent.chat_id])


def find_editable(s: BotState, p: Params) -> SentMessage:
    chat_id = p.chat_id()
    message_id = p.message_id()
    sent = s.messages.get((chat_id, message_id))
    if sent is None or sent.deleted:
        raise ApiError.bad_request("message to edit not found")
    return sent
