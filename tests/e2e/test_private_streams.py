"""The real service in live mode on the simulator: /status shows the Binance private streams up,
and "polling in use" while one is refused."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import World

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def status_with(world: World, *pieces: str, timeout: float) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        text = (await world.ask("/status", "Mode: LIVE")).content
        if all(p in text for p in pieces):
            return text
        assert asyncio.get_running_loop().time() < deadline, (pieces, text)
        await asyncio.sleep(0.5)


async def test_status_shows_private_streams_and_polling_while_one_is_down(world: World) -> None:
    text = await status_with(world, "Binance spot: up", "Binance USDT-M: up", timeout=30)
    assert "Private streams (order and balance updates):" in text
    world.sim.binance.ws_api.refuse()
    try:
        text = await status_with(world, "Binance spot: down", timeout=30)
        line = next(x for x in text.splitlines() if "Binance spot: down" in x)
        assert line.endswith("· polling in use"), line
        assert "Binance USDT-M: up" in text
    finally:
        world.sim.binance.ws_api.refuse(False)
    await status_with(world, "Binance spot: up", timeout=60)
