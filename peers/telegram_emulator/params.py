"""Request parameters as the Bot API reads them: strings from forms, JSON values, uploads."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from peers.telegram_emulator.models import ApiError


@dataclass(frozen=True, slots=True)
class RawFile:
    """One multipart file part."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed access to one request's parameters; bad values raise Telegram-style 400s.

    Form and multipart values are strings (PTB json-dumps ints, bools, lists and objects);
    JSON bodies carry native values. Both are accepted.
    """

    def __init__(self, values: dict[str, Any], files: dict[str, RawFile] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise ApiError.bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in ("true", "1", "yes")

    def json(self, name: str, what: str | None = None) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError.bad_request(f"can't parse {what or name} JSON object") from None

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise ApiError.bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            raise ApiError.bad_request("chat not found")  # @usernames are not modelled
        chat_id = self.integer("chat_id")
        assert chat_id is not None
        return chat_id

    def message_id(self) -> int:
        if self.has("inline_message_id"):
            raise ApiError.bad_request("inline messages are not supported by the emulator")
        message_id = self.integer("message_id")
        if message_id is None:
            raise ApiError.bad_request("message identifier is not specified")
        return message_id

    def safe_log_view(self) -> dict[str, Any]:
        """The parameters for the call log, with file parts summarised instead of their bytes."""
        view = dict(self.values)
        for name, part in self.files.items():
            view[name] = f"<file {part.filename or name}: {len(part.data)} bytes>"
        return view


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image, or None if it is not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 0, 0
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return (0, 0) if len(data) > 4 else None
