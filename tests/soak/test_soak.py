"""The randomised soak (`./dev soak`), short and with a fixed seed: the real service in a child
process under SIGKILLs, venue REST and stream faults and a liquidation; afterwards the venue,
the database, the bots and `/positions` agree, open futures positions are protected, no limit
was exceeded, and every command got exactly one answer (bench/soak.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio

from bench.soak import Counts, soak

pytestmark = [pytest.mark.timeout(420), pytest.mark.asyncio(loop_scope="module")]
SEED = 12
MINUTES = 1.0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def counts(tmp_path_factory: pytest.TempPathFactory) -> Counts:
    tmp: Path = tmp_path_factory.mktemp("soak")
    result = await soak(MINUTES, SEED, tmp)
    print("\n".join(result.lines()))
    return result


async def test_the_soak_was_rough(counts: Counts) -> None:
    assert counts.commands_sent >= 10 and counts.kills >= 1, counts.lines()
    assert counts.rest_faults + counts.stream_faults >= 1, counts.lines()
    assert counts.filled_venue >= 1, counts.lines()


async def test_venue_database_bots_and_positions_agree(counts: Counts) -> None:
    assert counts.mismatches == [], "\n".join(counts.lines())
    assert counts.orders_venue == counts.orders_db, counts.lines()
    assert counts.filled_venue == counts.filled_db, counts.lines()


async def test_every_command_got_exactly_one_answer(counts: Counts) -> None:
    assert counts.command_problems == [], "\n".join(counts.lines())
