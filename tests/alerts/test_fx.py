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
        self.body = b'{"amount":1.0,"base":"USD","date":"2023-11-14","rates":{"KRW":1385.2}}'
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
    # Tuesday 2023-11-14 15:10 UTC: the ECB rate of that day was fixed at 15:00 UTC
    clock = ManualClock(1699974600.0)
    monitor = PremiumMonitor(clock, fx_stale_after=1200)
    async with aiohttp.ClientSession() as session:
        source = FxClient(fx_server.url, clock, session).fetch
        poller = FxPoller(
            [("ecb", source)], clock, monitor.set_fx, refresh=300,
            on_error=monitor.set_fx_error, stale_after=1200,
        )  # fmt: skip
        assert await poller.fetch_once() == 1385.2
        assert monitor.fx() == (1385.2, None)
        fx_server.status = 503
        clock.advance(400)
        assert await poller.fetch_once() == 1385.2  # the last good rate is 1000 s old
        assert poller.state.last_error == "ecb: the FX source answered HTTP 503"
        clock.advance(201)
        rate, why = monitor.fx()
        assert rate is None
        assert render("en", why or "") == (
            "FX rate unavailable: the newest (ECB, 2023-11-14 15:00 UTC) is 20m old;"
            " source: ecb: the FX source answered HTTP 503"
        )
        fx_server.status, fx_server.body = 200, b"garbage"
        assert await poller.fetch_once() is None and poller.state.failures == 1
        fx_server.body = b'{"base":"USD","date":"2023-11-14","rates":{"KRW":1390.0}}'
        clock.advance(-700)  # back within the rate's freshness (the policy, not the clock)
        assert await poller.fetch_once() == 1390.0
        assert monitor.fx() == (1390.0, None) and poller.state.failures == 0


async def test_unreachable_fx_source() -> None:
    from tests.helpers import free_port

    clock = ManualClock()
    monitor = PremiumMonitor(clock)
    async with aiohttp.ClientSession() as session:
        source = FxClient(f"http://127.0.0.1:{free_port()}/fx", clock, session).fetch
        poller = FxPoller([("ecb", source)], clock, monitor.set_fx)
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
    poller = FxPoller(
        [("dunamu", source)], clock, lambda r, ts, *_: rates.append((r, ts)),
        on_error=errors.append, stale_after=1e12,
    )  # fmt: skip
    assert await poller.fetch_once() == 1385.2
    assert rates == [(1385.2, 50.0)] and poller.state.age(60.0) == 10.0
    # failures keep the last good rate while it is fresh, and say what failed
    assert await poller.fetch_once() == 1385.2 and await poller.fetch_once() == 1385.2
    assert poller.state.errors == {"dunamu": "FxError"}
    assert poller.state.rate == 1385.2 and poller.state.quoted_at == 50.0
