"""Records the emulator keeps and hands to tests: sent messages, calls, faults, API errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, Telegram's description and parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    @classmethod
    def bad_request(cls, reason: str) -> ApiError:
        return cls(400, f"Bad Request: {reason}")

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def retry_after_error(seconds: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


CONFLICT_OTHER_POLLER = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class FaultKind(StrEnum):
    """What a scripted fault does to a matching request."""

    RETRY_AFTER = "retry_after"  # 429 with parameters.retry_after
    SERVER_ERROR = "server_error"  # 5xx (status, default 500)
    TIMEOUT = "timeout"  # hold the answer for `delay` seconds (past the client's timeout)
    CONFLICT = "conflict"  # 409, the "other getUpdates" conflict
    DISCONNECT = "disconnect"  # close the connection without an answer
    FORBIDDEN = "forbidden"  # 403, bot blocked by the user
    BAD_REQUEST = "bad_request"  # 400 with `description`


@dataclass(frozen=True, slots=True)
class Fault:
    """A scripted failure for `method` ("*" = every method); `count=None` means until cleared."""

    kind: FaultKind
    method: str = "*"
    count: int | None = 1
    retry_after: int = 5
    status: int = 500
    delay: float = 30.0
    executed: bool = False  # TIMEOUT only: perform the call before holding the answer
    description: str | None = None

    def matches(self, method: str) -> bool:
        return self.method == "*" or self.method.lower() == method.lower()


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the bot uploaded (multipart) or referenced by file_id / URL."""

    file_id: str
    file_unique_id: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None
    width: int = 0
    height: int = 0


@dataclass(frozen=True, slots=True)
class Edit:
    """One applied edit: the message's text/caption and markup after it."""

    method: str
    at: float
    text: str | None
    reply_markup: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent, with every later edit applied (`edits` keeps the history)."""

    seq: int
    chat_id: int
    message_id: int
    method: str
    date: int
    sent_at: float  # time.monotonic() when the emulator accepted it
    text: str | None = None  # text messages: as the bot sent it (markup included)
    plain_text: str | None = None  # text or caption after parse_mode: what the user reads
    parse_mode: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    reply_markup: dict[str, Any] | None = None
    disable_notification: bool = False
    photo: Upload | None = None
    document: Upload | None = None
    caption: str | None = None  # media messages: the caption as sent (markup included)
    reply_to_message_id: int | None = None
    edits: tuple[Edit, ...] = ()
    deleted: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_media(self) -> bool:
        return self.photo is not None or self.document is not None

    @property
    def content(self) -> str:
        """What the user reads: the text or caption after parse_mode, else ''."""
        return self.plain_text or ""

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline keyboard buttons as (label, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    @property
    def photo_bytes(self) -> bytes | None:
        return self.photo.data if self.photo else None


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One Bot API request: when it arrived (monotonic and wall clock) and how it was answered."""

    seq: int
    method: str
    params: dict[str, Any]
    received_at: float  # time.monotonic()
    wall_time: float  # time.time()
    status: int
    description: str | None
    duration: float


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for a button press."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    at: float
