"""The simulator's clock: plain (speed x real time) and paced (no faster than its ticks)."""

from __future__ import annotations

import asyncio
import time

import pytest

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.server import SimExchange


def test_plain_clock_counts_every_real_second_times_speed() -> None:
    clock = SimClock(start=1000.0, speed=100.0)
    time.sleep(0.05)
    assert clock.now() >= 1000.0 + 0.05 * 100
    clock.step()  # no effect on a plain clock
    time.sleep(0.05)
    assert clock.now() >= 1000.0 + 0.1 * 100


def test_paced_clock_counts_at_most_max_step_between_steps() -> None:
    clock = SimClock(start=1000.0, speed=100.0, max_step=0.01)
    time.sleep(0.05)  # a stall: five steps' worth of real time with no step
    assert clock.now() == pytest.approx(1001.0)  # only 0.01 s counted, x100
    clock.step()
    assert clock.now() == pytest.approx(1001.0, abs=0.5)  # continuous across the step
    seen = [clock.now()]
    for _ in range(5):
        time.sleep(0.002)
        clock.step()
        seen.append(clock.now())
    assert seen == sorted(seen)  # never backwards
    assert 1001.0 + 5 * 0.2 <= seen[-1] <= 1001.0 + 5 * 1.0 + 0.5
    clock.advance(60)
    assert clock.now() >= seen[-1] + 60


def test_paced_clock_stops_with_speed_zero_and_rejects_a_bad_step() -> None:
    clock = SimClock(start=0.0, speed=50.0, max_step=0.05)
    time.sleep(0.01)
    clock.speed = 0.0
    frozen = clock.now()
    time.sleep(0.02)
    clock.step()
    assert clock.now() == frozen
    with pytest.raises(ValueError):
        SimClock(max_step=0)


async def test_a_blocked_loop_does_not_move_a_paced_market_ahead() -> None:
    """A paced simulator's market waits for its event loop: a 0.5 s block of the loop at 150x
    counts as two tick intervals (6 market seconds), not 75; a plain one counts all of it."""
    for paced, lo, hi in ((True, 0.0, 40.0), (False, 74.0, 500.0)):
        async with SimExchange(seed=1, speed=150.0, tick_interval=0.02, paced=paced) as sim:
            await asyncio.sleep(0.1)  # ticking
            before = sim.clock.now()
            time.sleep(0.5)  # noqa: ASYNC251 -- the point: the loop is blocked, as on a loaded machine
            await asyncio.sleep(0.03)  # one tick
            moved = sim.clock.now() - before
            assert lo <= moved <= hi, (paced, moved)
