"""The FX source's parser against its docstring sample (tests/data/fx/), bad answers, and the
client's failures as `FxError` texts the operator reads."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from core.clock import ManualClock
from core.fx import FxError, FxRate
from exchanges.fx import FxClient, parse_fx
from tests.helpers import free_port

DATA = Path(__file__).parent.parent / "data"


def test_parse_reads_the_documented_sample() -> None:
    assert parse_fx((DATA / "fx" / "latest.json").read_bytes()) == 1385.2


@pytest.mark.parametrize(
    "body",
    [
        b"<html>",
        b"[]",
        b'{"rates":{}}',
        b'{"rates":{"KRW":"1385"}}',
        b'{"rates":{"KRW":-1}}',
        b'{"rates":{"KRW":true}}',
    ],
)
def test_parse_rejects_bad_answers(body: bytes) -> None:
    with pytest.raises(FxError):
        parse_fx(body)


async def test_client_stamps_good_answers_and_words_failures() -> None:
    status, body = [200], [(DATA / "fx" / "latest.json").read_bytes()]

    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=status[0], body=body[0])

    app = web.Application()
    app.router.add_get("/fx", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/fx"
    clock = ManualClock(1000.0)
    try:
        async with aiohttp.ClientSession() as session:
            client = FxClient(url, clock, session)
            ecb_fixed = 1735830000.0  # 2025-01-02 16:00 CET, the rate's own date
            assert await client.fetch() == FxRate(1385.2, 1000.0, "ecb", ecb_fixed)
            status[0] = 503
            with pytest.raises(FxError) as err:
                await client.fetch()
            assert str(err.value) == "the FX source answered HTTP 503"
            status[0], body[0] = 200, b"garbage"
            with pytest.raises(FxError) as err:
                await client.fetch()
            assert str(err.value) == "the FX source did not answer JSON"
    finally:
        await runner.cleanup()


async def test_client_owns_its_session_and_maps_transport_errors() -> None:
    client = FxClient(f"http://127.0.0.1:{free_port()}/fx", ManualClock())
    try:
        with pytest.raises(FxError) as err:
            await client.fetch()
        assert str(err.value)
    finally:
        await client.close()
