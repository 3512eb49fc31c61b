"""The HTTP face of the emulator: `/bot<token>/<method>` and `/file/bot<token>/<path>`.

PTB posts `application/x-www-form-urlencoded` (multipart for uploads, nothing at all for
getMe/deleteWebhook); other clients may post JSON or use GET with a query string. PTB reads the
HTTP status, not `ok`, so every error sets both.
"""

from __future__ import annotations

import asyncio
import json
import time
from http import HTTPStatus
from typing import Any, Protocol

from aiohttp import web
from loguru import logger

from peers.telegram_emulator.methods import METHODS, Handler
from peers.telegram_emulator.models import (
    CONFLICT_OTHER_POLLER,
    ApiError,
    CallRecord,
    Fault,
    FaultKind,
    retry_after_error,
)
from peers.telegram_emulator.params import Params, RawFile
from peers.telegram_emulator.state import BotState

MAX_BODY = 60 * 1024 * 1024  # Telegram takes documents up to 50 MB


class Host(Protocol):
    """What the HTTP layer needs from the emulator that owns it."""

    state: BotState
    outage_mode: str | None

    async def hold(self, seconds: float) -> None: ...


HOST: web.AppKey[Host] = web.AppKey("telegram_emulator_host")


class _Drop(Exception):
    """Close the connection without answering."""


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, RawFile] = {}
    if not request.body_exists:
        return Params(values)
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = json.loads(await request.read())
        except ValueError:
            raise ApiError.bad_request("can't parse request JSON object") from None
        if not isinstance(body, dict):
            raise ApiError.bad_request("request JSON must be an object")
        values.update(body)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = RawFile(value.filename, value.content_type, value.file.read())
            else:
                values[key] = value
    return Params(values, files)


async def _apply_fault(host: Host, fault: Fault, handler: Handler, params: Params) -> Any:
    """Answer as `fault` says; returns a result only for an executed TIMEOUT."""
    kind = fault.kind
    if kind is FaultKind.RETRY_AFTER:
        raise retry_after_error(fault.retry_after)
    if kind is FaultKind.SERVER_ERROR:
        phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus else "Error"
        raise ApiError(fault.status, fault.description or phrase)
    if kind is FaultKind.CONFLICT:
        raise ApiError(409, fault.description or CONFLICT_OTHER_POLLER)
    if kind is FaultKind.FORBIDDEN:
        raise ApiError(403, fault.description or "Forbidden: bot was blocked by the user")
    if kind is FaultKind.BAD_REQUEST:
        raise ApiError(400, fault.description or "Bad Request: injected fault")
    if kind is FaultKind.DISCONNECT:
        raise _Drop
    # TIMEOUT: hold the answer past the client's read timeout.
    result = await handler(host.state, params) if fault.executed else None
    await host.hold(fault.delay)
    if not fault.executed:
        raise ApiError(502, "Bad Gateway")
    return result


def _drop_connection(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)  # never reaches the client


async def handle_method(request: web.Request) -> web.StreamResponse:
    host = request.app[HOST]
    state = host.state
    method = request.match_info["method"]
    received, wall = time.monotonic(), time.time()
    params = Params({})
    status, body, description = 200, None, None
    try:
        if host.outage_mode == "reset":
            raise _Drop
        if host.outage_mode == "error":
            raise ApiError(502, "Bad Gateway")
        if request.match_info["token"] != state.token:
            raise ApiError(401, "Unauthorized")
        handler = METHODS.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        params = await read_params(request)
        fault = state.faults.take(method)
        if fault is not None:
            result = await _apply_fault(host, fault, handler, params)
        else:
            result = await handler(state, params)
        body = {"ok": True, "result": result}
    except ApiError as exc:
        status, body, description = exc.status, exc.body(), exc.description
    except _Drop:
        status, description = 0, "connection dropped"
    except asyncio.CancelledError:
        status, description = 499, "client closed the connection"
        raise
    except web.HTTPException as exc:
        status, description = exc.status, exc.reason
        raise
    except Exception as exc:  # an emulator bug: answer like a Telegram 500, keep serving
        logger.exception("telegram emulator failed on {}", method)
        status, description = 500, f"Internal Server Error: {type(exc).__name__}"
        body = ApiError(status, description).body()
    finally:
        state.record_call(
            CallRecord(
                seq=state.next_seq(),
                method=method,
                params=params.safe_log_view(),
                received_at=received,
                wall_time=wall,
                status=status,
                description=description,
                duration=time.monotonic() - received,
            )
        )
    if status == 0:
        return _drop_connection(request)
    return _json(body, status)


async def handle_file(request: web.Request) -> web.StreamResponse:
    state = request.app[HOST].state
    if request.match_info["token"] != state.token:
        return _json(ApiError(401, "Unauthorized").body(), 401)
    file_id = request.match_info["path"].removeprefix("files/")
    upload = state.files.get(file_id)
    if upload is None:
        return _json(ApiError(404, "Not Found").body(), 404)
    return web.Response(
        body=upload.data, content_type=upload.content_type or "application/octet-stream"
    )


def build_app(host: Host) -> web.Application:
    """The aiohttp application serving the Bot API routes for `host`."""
    app = web.Application(client_max_size=MAX_BODY)
    app[HOST] = host
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    return app
