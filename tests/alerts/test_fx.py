"""The FX poller's policy, over the HTTP client against a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from alerts.fx import FxPoller
from alerts.monitor import PremiumMonitor
from bot.i18n import render
from core.clock import ManualClock
from core.fx import FxError, FxRate
from exchanges.fx import FxClient


class FxServer:
    def __init__(self) -> None:
        self.status = 200
        self.body = b'{"amount":1.0,"base":"USD","date":"2025-01-02","rates":{"KRW":1385.2}}'
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        return web.Response(status=self.status, body=self.body, content_type="application/json")


@pytest.fixture
async def fx_server() -> AsyncIterator[FxServer]:
    srv = FxServer()
    app = web.Application()
    app.router.add_get("/fx/latest", srv.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    srv.url = f"http://127.0.0.1:{port}/fx/latest?from=USD&to=KRW"
    try:
        yield srv
    finally:
        await runner.cleanup()


async def test_fx_down_makes_fx_figures_unavailable_never_a_constant(fx_server: FxServer) -> None:
    clock = ManualClock()
    monitor = PremiumMonitor(clock, fx_stale_after=600)
    async with aiohttp.ClientSession() as session:
        source = FxClient(fx_server.url, clock, session).fetch
        poller = FxPoller(source, clock, monitor.set_fx, refresh=300, on_error=monitor.set_fx_error)
        assert await poller.fetch_once() == 1385.2
        assert monitor.fx() == (1385.2, None)
        fx_server.status = 503
        clock.advance(400)
        assert await poller.fetch_once() is None
        assert poller.state.last_error == "the FX source answered HTTP 503"
        assert monitor.fx()[0] == 1385.2  # not stale yet: the last good rate is 400 s old
        clock.advance(201)
        rate, why = monitor.fx()
        assert rate is None
        assert (
            render("en", why or "")
            == "FX rate unavailable: last one is 601s old; source: the FX source answered HTTP 503"
        )
        fx_server.status, fx_server.body = 200, b"garbage"
        assert await poller.fetch_once() is None and poller.state.failures == 2
        fx_server.body = b'{"rates":{"KRW":1390.0}}'
        assert await poller.fetch_once() == 1390.0
        assert monitor.fx() == (1390.0, None) and poller.state.failures == 0


async def test_unreachable_fx_source() -> None:
    from tests.helpers import free_port

    clock = ManualClock()
    monitor = PremiumMonitor(clock)
    async with aiohttp.ClientSession() as session:
        source = FxClient(f"http://127.0.0.1:{free_port()}/fx", clock, session).fetch
        poller = FxPoller(source, clock, monitor.set_fx)
        assert await poller.fetch_once() is None
    assert poller.state.last_error
    assert monitor.fx()[0] is None


async def test_poller_keeps_the_last_good_rate_with_the_source_stamp() -> None:
    """The policy needs no HTTP: any `FxSource` will do (the wiring passes FxClient.fetch)."""
    clock = ManualClock()
    answers: list[FxRate | FxError] = [FxRate(1385.2, 50.0), FxError("down"), FxError("")]
    errors: list[str] = []

    async def source() -> FxRate:
        answer = answers.pop(0)
        if isinstance(answer, FxError):
            raise answer
        return answer

    rates: list[tuple[float, float]] = []
    poller = FxPoller(source, clock, lambda r, ts: rates.append((r, ts)), on_error=errors.append)
    assert await poller.fetch_once() == 1385.2
    assert rates == [(1385.2, 50.0)] and poller.state.age(60.0) == 10.0
    assert await poller.fetch_once() is None and await poller.fetch_once() is None
    assert errors == ["down", "FxError"] and poller.state.failures == 2
    assert poller.state.rate == 1385.2 and poller.state.fetched_at == 50.0
