"""Supervisor: a crashing component is restarted while others keep running; ordered shutdown."""

from __future__ import annotations

import asyncio

from core.supervisor import ComponentState, Supervisor
from tests.helpers import eventually


async def test_crashing_component_restarts_and_others_keep_running() -> None:
    crashes: list[str] = []
    ticks = 0
    runs = 0

    async def steady() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)
        if runs < 3:
            raise RuntimeError(f"boom {runs}")
        await asyncio.Event().wait()

    sup = Supervisor(
        on_crash=lambda name, exc, n, d: crashes.append(f"{name}:{exc}"), backoff_initial=0.01
    )
    sup.start("steady", steady)
    sup.start("flaky", flaky)
    await eventually(lambda: runs == 3)
    before = ticks
    await eventually(lambda: ticks > before + 3)
    states = {c.name: c for c in sup.components()}
    assert states["flaky"].state is ComponentState.RUNNING
    assert states["flaky"].restarts == 2
    assert states["steady"].state is ComponentState.RUNNING
    assert crashes == ["flaky:boom 1", "flaky:boom 2"]
    assert await sup.stop(2.0) == []


async def test_shutdown_in_reverse_order_within_deadline() -> None:
    order: list[str] = []

    def component(name: str, linger: float) -> object:
        async def run() -> None:
            try:
                await asyncio.Event().wait()
            finally:
                await asyncio.sleep(linger)  # e.g. flushing on the way out
                order.append(name)

        return run

    sup = Supervisor()
    sup.start("storage-writer", component("storage-writer", 0))  # type: ignore[arg-type]
    sup.start("streams", component("streams", 0))  # type: ignore[arg-type]
    sup.start("stubborn", component("stubborn", 30))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    loop = asyncio.get_running_loop()
    started = loop.time()
    overran = await sup.stop(deadline=0.3)
    assert loop.time() - started < 1.0
    assert overran == ["stubborn"]
    assert order == ["streams", "storage-writer"]
