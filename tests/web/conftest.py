"""The whole service on the exchange simulator with the web face on, on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio

from bot.web.server import WebServer
from core.supervisor import ComponentState
from tests.e2e.conftest import World, running_world
from tests.helpers import eventually

TOKEN = "web-test-token-0123456789abcdef"


@dataclass(slots=True)
class Web:
    world: World
    base: str

    def client(self, token: str | None = TOKEN) -> httpx.AsyncClient:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.AsyncClient(base_url=self.base, headers=headers, timeout=10.0)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def web(tmp_path_factory: Any) -> AsyncIterator[Web]:
    # Kimp alerts at once (no 30 s hold), so a premium set in the simulator is alerted quickly.
    extra = {"web_enabled": True, "web_port": 0, "web_token": TOKEN, "kimp_min_duration": 0.0}
    async with running_world(tmp_path_factory.mktemp("web"), "Service started", **extra) as w:
        facade = w.service.facade
        assert facade is not None
        running = {c.name: c for c in facade.supervisor.components()}
        assert running["web"].state is ComponentState.RUNNING
        server = _server(w)
        base = f"http://{server.host}:{server.port}"
        async with httpx.AsyncClient(base_url=base) as c:
            # The page answers once uvicorn is serving (the socket was bound before).
            await eventually(lambda: _up(c), timeout=20)
        yield Web(w, base)


def _server(w: World) -> WebServer:
    facade = w.service.facade
    assert facade is not None
    (comp,) = [c for c in facade.supervisor.components() if c.name == "web"]
    owner = getattr(comp.run, "__self__", None)
    assert isinstance(owner, WebServer)
    return owner


async def _up(c: httpx.AsyncClient) -> bool:
    try:
        return (await c.get("/")).status_code == 200
    except httpx.TransportError:
        return False
