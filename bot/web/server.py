"""uvicorn inside the service's own event loop, as a supervised component."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI
from loguru import logger


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The service owns SIGINT/SIGTERM (one stop event); uvicorn must not take them.
        yield


class WebServer:
    """`run()` serves until cancelled; the socket is bound before, so the port is known (and a
    port in use fails at start-up with a clear message, not inside the supervisor's loop)."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        self._app = app
        self._sock = socket.create_server((host, port), reuse_port=False)
        self.host, self.port = self._sock.getsockname()[:2]

    async def run(self) -> None:
        config = uvicorn.Config(
            self._app,
            log_config=None,  # our loguru set-up, not uvicorn's
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        server = _Server(config)
        logger.info("web dashboard on http://{}:{}/", self.host, self.port)
        try:
            await server.serve(sockets=[self._sock])
        except asyncio.CancelledError:
            server.should_exit = True
            raise

    def close(self) -> None:
        self._sock.close()
