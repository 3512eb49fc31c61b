"""`ReplayPeer`: an aiohttp server on 127.0.0.1 that answers `(method, path)` with a recorded
body, byte for byte, and remembers every request it was sent.

A path with no recorded reply gets HTTP 404 and a Binance-shaped error body, and is listed in
`unanswered`, so a test that forgot a route fails saying which one. Replies queued for one route
are used in order; the last one keeps answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web


@dataclass(frozen=True, slots=True)
class Reply:
    body: bytes
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class Seen:
    method: str
    path: str
    query: Mapping[str, str]
    body: str


class ReplayPeer:
    def __init__(self) -> None:
        self._replies: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[Seen] = []
        self.unanswered: list[Seen] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def answer(self, method: str, path: str, body: bytes | Any, status: int = 200) -> None:
        """Queue a reply for `method path`: `body` as recorded bytes, or a JSON value."""
        raw = body if isinstance(body, bytes) else orjson.dumps(body)
        self._replies.setdefault((method.upper(), path), []).append(Reply(raw, status))

    def seen(self, method: str, path: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ReplayPeer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        seen = Seen(request.method, request.path, dict(request.query), await request.text())
        self.requests.append(seen)
        queue = self._replies.get((request.method, request.path))
        if not queue:
            self.unanswered.append(seen)
            body = {"code": -1, "msg": f"replay: no recorded reply for {seen.method} {seen.path}"}
            return web.json_response(body, status=404)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return web.Response(body=reply.body, status=reply.status, content_type=reply.content_type)
