"""`/__emu/...`: the emulator's controls over HTTP, so the offline demo can be driven with curl.

curl -s localhost:P/__emu/message -d chat_id=42 -d text=/status
curl -s localhost:P/__emu/sent?chat_id=42
curl -s localhost:P/__emu/fault -d method=sendMessage -d kind=retry_after -d retry_after=3
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Protocol

from aiohttp import web

from peers.telegram_emulator.faults import FloodLimits
from peers.telegram_emulator.models import CallRecord, Fault, FaultKind, SentMessage, Upload


class Controls(Protocol):
    """What the HTTP controls drive: the emulator's Python test API (`TelegramEmulator`).

    Declared here so the emulator can mount these routes without the two modules importing
    each other."""

    def send_user_message(
        self, chat_id: int, text: str, *, user_id: int | None = ..., chat_type: str | None = ...
    ) -> dict[str, Any]: ...

    def press_button(
        self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None = ...
    ) -> str: ...

    def sent_messages(self, chat_id: int | None = ...) -> list[SentMessage]: ...

    def calls(self, method: str | None = ...) -> list[CallRecord]: ...

    @property
    def pending_updates(self) -> list[dict[str, Any]]: ...

    @property
    def commands(self) -> list[dict[str, str]]: ...

    def set_fault(self, method: str, kind: FaultKind | str, **options: Any) -> Fault: ...

    def fail_next(
        self, method: str, kind: FaultKind | str, count: int = ..., **options: Any
    ) -> Fault: ...

    def clear_faults(self, method: str | None = ...) -> None: ...

    async def start_outage(
        self, mode: str = ..., duration: float | None = ..., *, spare: object = ...
    ) -> None: ...

    async def end_outage(self) -> None: ...

    def enable_flood_limits(self, limits: FloodLimits | None = ...) -> None: ...

    def disable_flood_limits(self) -> None: ...

    def block_chat(self, chat_id: int, blocked: bool = ...) -> None: ...


EMULATOR: web.AppKey[Controls] = web.AppKey("telegram_emulator")

ROUTES = {
    "POST /__emu/message": "chat_id, text[, user_id, chat_type]: a user writes to the bot",
    "POST /__emu/press": "chat_id, message_id, data[, user_id]: a user taps an inline button",
    "GET /__emu/sent": "[chat_id, after]: messages the bot sent, edits applied",
    "GET /__emu/calls": "[method]: Bot API requests with timings and statuses",
    "GET /__emu/updates": "updates the bot has not confirmed yet",
    "GET /__emu/commands": "the last setMyCommands (default scope)",
    "POST /__emu/fault": "method, kind[, count (0 = until cleared), retry_after, status, delay]",
    "DELETE /__emu/fault": "[method]: clear scripted faults",
    "POST /__emu/outage": "mode (refuse|reset|error), seconds (required for refuse)",
    "DELETE /__emu/outage": "end the outage",
    "POST /__emu/flood": "enabled[, per_chat_per_second, per_chat_burst, global_per_second]",
    "POST /__emu/block": "chat_id[, blocked]: the user blocks (or unblocks) the bot",
}


class _BadInput(ValueError):
    pass


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _body(request: web.Request) -> dict[str, Any]:
    values: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read())
            except ValueError:
                raise _BadInput("body is not valid JSON") from None
            if not isinstance(body, dict):
                raise _BadInput("JSON body must be an object")
            values.update(body)
        else:
            values.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return values


def _int(values: dict[str, Any], name: str, default: int | None = None) -> int:
    value = values.get(name, default)
    if value is None or value == "":
        raise _BadInput(f"{name} is required")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _BadInput(f"{name} must be an integer, got {value!r}") from None


def _opt_int(values: dict[str, Any], name: str) -> int | None:
    return _int(values, name) if values.get(name) not in (None, "") else None


def _bool(values: dict[str, Any], name: str, default: bool) -> bool:
    value = values.get(name)
    if value is None or value == "":
        return default
    return value is True or str(value).lower() in ("1", "true", "yes", "on")


def _upload_view(upload: Upload | None) -> dict[str, Any] | None:
    if upload is None:
        return None
    view = asdict(upload)
    view["size"] = len(view.pop("data"))
    return view


def message_view(message: SentMessage) -> dict[str, Any]:
    """A JSON-safe view of a sent message (file bytes replaced by their size)."""
    view = asdict(message)
    view["photo"] = _upload_view(message.photo)
    view["document"] = _upload_view(message.document)
    view["buttons"] = message.buttons
    view.pop("params")
    return view


async def _dispatch(request: web.Request) -> web.Response:
    emu = request.app[EMULATOR]
    action = f"{request.method} /__emu/{request.match_info.get('action', '')}".rstrip("/")
    try:
        values = await _body(request)
        if action == "POST /__emu/outage":
            values["_spare"] = request.protocol  # answer this request before cutting the rest
        response = _ok(await _run(emu, action, values))
        response.force_close()  # no keep-alive: an outage may start right after
        return response
    except (_BadInput, ValueError, KeyError, TypeError) as exc:
        return web.json_response({"ok": False, "description": str(exc)}, status=400)


async def _run(emu: Controls, action: str, v: dict[str, Any]) -> Any:
    if action in ("GET /__emu", "GET /__emu/help"):
        return ROUTES
    if action == "POST /__emu/message":
        text = str(v.get("text") or "")
        return emu.send_user_message(
            _int(v, "chat_id"),
            text,
            user_id=_opt_int(v, "user_id"),
            chat_type=v.get("chat_type") or None,
        )
    if action == "POST /__emu/press":
        data = v.get("data") or v.get("callback_data")
        if not data:
            raise _BadInput("data is required")
        return emu.press_button(
            _int(v, "chat_id"), _int(v, "message_id"), str(data), user_id=_opt_int(v, "user_id")
        )
    if action == "GET /__emu/sent":
        after = _int(v, "after", 0)
        messages = emu.sent_messages(_opt_int(v, "chat_id"))
        return [message_view(m) for m in messages if m.seq > after]
    if action == "GET /__emu/calls":
        return [asdict(c) for c in emu.calls(v.get("method") or None)]
    if action == "GET /__emu/updates":
        return emu.pending_updates
    if action == "GET /__emu/commands":
        return emu.commands
    if action == "POST /__emu/fault":
        kind = FaultKind(str(v.get("kind", "")))
        options: dict[str, Any] = {"retry_after": _int(v, "retry_after", 5)}
        options.update(status=_int(v, "status", 500), delay=float(v.get("delay") or 30.0))
        options.update(executed=_bool(v, "executed", False))
        if v.get("description"):
            options["description"] = str(v["description"])
        method = str(v.get("method") or "*")
        count = _int(v, "count", 1)
        if count == 0:
            return asdict(emu.set_fault(method, kind, **options))
        return asdict(emu.fail_next(method, kind, count, **options))
    if action == "DELETE /__emu/fault":
        emu.clear_faults(v.get("method") or None)
        return True
    if action == "POST /__emu/outage":
        mode = str(v.get("mode") or "refuse")
        seconds = float(v["seconds"]) if v.get("seconds") not in (None, "") else None
        if mode == "refuse" and seconds is None:
            raise _BadInput("a refuse outage closes this port too: give seconds")
        await emu.start_outage(mode, seconds, spare=v.get("_spare"))
        return True
    if action == "DELETE /__emu/outage":
        await emu.end_outage()
        return True
    if action == "POST /__emu/flood":
        if not _bool(v, "enabled", True):
            emu.disable_flood_limits()
            return False
        defaults = FloodLimits()
        emu.enable_flood_limits(
            FloodLimits(
                per_chat_per_second=float(v.get("per_chat_per_second") or 1.0),
                per_chat_burst=_int(v, "per_chat_burst", defaults.per_chat_burst),
                per_group_per_minute=_int(v, "per_group_per_minute", 20),
                global_per_second=float(v.get("global_per_second") or 30.0),
                global_burst=_int(v, "global_burst", defaults.global_burst),
            )
        )
        return True
    if action == "POST /__emu/block":
        emu.block_chat(_int(v, "chat_id"), _bool(v, "blocked", True))
        return True
    raise _BadInput(f"unknown control {action}; GET /__emu lists them")


def add_control_routes(app: web.Application, emulator: Controls) -> None:
    app[EMULATOR] = emulator
    app.router.add_route("*", "/__emu", _dispatch)
    app.router.add_route("*", "/__emu/{action}", _dispatch)
