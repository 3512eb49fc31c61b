"""A running exchange simulator for the end-to-end trading tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from peers.exchange_sim.server import SimExchange


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=1, tick_interval=0.02) as exchange:
        yield exchange
