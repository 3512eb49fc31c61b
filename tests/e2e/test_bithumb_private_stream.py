"""Issue 18, the whole service live on the simulator with Bithumb enabled: Bithumb's private
WebSocket v2 is started with the trading feature, /status shows it up, "polling in use" while the
venue refuses it, and up again once it reconnects."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e.conftest import World, running_world


async def status_with(world: World, piece: str, timeout: float) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        text = (await world.ask("/status", "Mode: LIVE")).content
        if piece in text:
            return text
        assert asyncio.get_running_loop().time() < deadline, (piece, text)
        await asyncio.sleep(0.5)  # pacing, not a deadline


async def test_status_shows_bithumb_private_stream_down_and_back(tmp_path: Path) -> None:
    async with running_world(tmp_path, "Service started", bithumb_enabled=True) as world:
        await status_with(world, "Bithumb: up", timeout=60)
        world.sim.faults.reject_connections("bithumb", 5.0)
        world.sim.faults.drop_connections("bithumb")
        text = await status_with(world, "Bithumb: down", timeout=60)
        line = next(x for x in text.splitlines() if "Bithumb: down" in x)
        assert line.endswith("· polling in use"), line
        await status_with(world, "Bithumb: up", timeout=90)
