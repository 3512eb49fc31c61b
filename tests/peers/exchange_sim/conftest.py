"""Shared fixture: a started in-process simulator (every venue on free 127.0.0.1 ports)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from peers.exchange_sim.server import SimExchange


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    """A running `SimExchange(seed=1)` at real-time speed; stopped after the test."""
    async with SimExchange(seed=1, tick_interval=0.02) as exchange:
        yield exchange
