"""The Upbit stream delivers every firehose frame to one client on loopback.

The speed target (50,000 msgs/s) is `./dev bench --only sim` (bench/sim.py), not a timed
assertion that fails on a loaded machine; the figure is printed here (`pytest -s`).
"""

from __future__ import annotations

from bench.sim import measure_upbit


async def test_firehose_delivers_every_frame() -> None:
    got = await measure_upbit(20_000)
    print(got.line("upbit"))
    assert got.received == 20_000
