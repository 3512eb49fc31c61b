"""The stream sender can feed one client well over 50,000 messages per second.

The client runs in a subprocess (a plain `websockets` reader), so the figure is what the
simulator delivers over loopback, not what one event loop can do for both ends.
"""

from __future__ import annotations

import asyncio
import sys

from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually

N = 200_000
CLIENT = """
import asyncio, sys, time
from websockets.asyncio.client import connect

async def main(url: str, n: int) -> None:
    async with connect(url, max_size=None) as ws:
        print("ready", flush=True)
        got, first = 0, 0.0
        while got < n:
            await ws.recv(decode=False)
            if got == 0:
                first = time.perf_counter()
            got += 1
        print(got, time.perf_counter() - first, flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_one_client_gets_more_than_50k_msgs_per_second(sim: SimExchange) -> None:
    url = sim.urls["BINANCE_WS_URL"] + "/ws/btcusdt@trade"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, url, str(N), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == b"ready"
        await eventually(lambda: sim.binance.hub.wanted("btcusdt@trade"))
        sim.market.remove_listener(sim.binance.publisher.on_event)  # only firehose frames
        assert await sim.binance.firehose(N) == N
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        got, seconds = line.split()
        rate = int(got) / float(seconds)
        print(
            f"binance sim WS throughput: {rate:,.0f} msgs/s ({got} msgs in {float(seconds):.2f}s)"
        )
        assert int(got) == N
        assert rate >= 50_000
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
