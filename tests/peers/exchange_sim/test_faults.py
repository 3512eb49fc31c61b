"""Fault injection seen by real HTTP clients (WebSocket faults: see test_upbit_ws_faults.py)."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from peers.exchange_sim.faults import FaultController, apply_frame_faults
from peers.exchange_sim.server import SimExchange


async def test_rest_error_then_recovery(sim: SimExchange) -> None:
    url = sim.urls["FX_RATE_URL"]
    sim.faults.rest_error("fx", 503, count=2, retry_after=3)
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            async with http.get(url) as resp:
                assert resp.status == 503
                assert resp.headers["Retry-After"] == "3"
        async with http.get(url) as resp:
            assert resp.status == 200


async def test_rest_error_with_json_body_and_timeout(sim: SimExchange) -> None:
    url = sim.urls["FX_RATE_URL"]
    sim.faults.rest_error("fx", 400, body={"code": -1021, "msg": "skew"})
    sim.faults.rest_delay("fx", 5.0)
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == -1021
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=0.3)):
                pass
        assert time.monotonic() - started < 2


async def test_faults_over_http_admin(sim: SimExchange) -> None:
    base = sim.urls["UPBIT_REST_URL"]
    async with aiohttp.ClientSession() as http:
        cmd = {"action": "rest_error", "venue": "fx", "status": 500}
        async with http.post(base + "/__sim/faults", json=cmd) as resp:
            assert resp.status == 200
        async with http.get(sim.urls["FX_RATE_URL"]) as resp:
            assert resp.status == 500
        async with http.post(base + "/__sim/faults", json={"action": "explode"}) as resp:
            assert resp.status == 400
            assert "unknown action" in (await resp.json())["error"]
        async with http.post(base + "/__sim/faults", data=b"{not json") as resp:
            assert resp.status == 400


def test_frame_fault_helpers() -> None:
    faults = FaultController()
    frames = [b'{"a":1}', b'{"a":2}', b'{"a":3}', b'{"a":4}']
    faults.reorder_frames("upbit", 2)
    assert apply_frame_faults(faults, "upbit", list(frames))[:2] == [frames[1], frames[0]]
    faults.malformed_frames("upbit", 1, "truncated")
    out = apply_frame_faults(faults, "upbit", list(frames))
    assert out[0] == frames[0][:3] and out[1:] == frames[1:]
    with pytest.raises(ValueError):
        faults.malformed_frames("nowhere", 1)
    faults.clock_skew("binance", -5000)
    assert faults.skew_ms("binance") == -5000
    faults.clear()
    assert faults.skew_ms("binance") == 0
