"""The uvicorn component: serves on the socket bound at install, again after being cancelled
(a supervisor restart reuses the same socket), and a busy port fails at construction."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from bot.web.server import WebServer
from tests.helpers import eventually


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


async def _serves(base: str) -> bool:
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as c:
            return (await c.get("/ping")).json() == {"ok": True}
    except httpx.TransportError:
        return False


@pytest.mark.asyncio
async def test_serves_again_after_the_supervisor_restarts_it() -> None:
    server = WebServer(_app(), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.port}"
    try:
        for _ in range(2):  # the first run, then a restart after it stopped
            task = asyncio.create_task(server.run())
            await eventually(lambda: _serves(base), timeout=20)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        server.close()


def test_a_port_in_use_is_refused_at_construction() -> None:
    first = WebServer(_app(), "127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            WebServer(_app(), "127.0.0.1", first.port)
    finally:
        first.close()
