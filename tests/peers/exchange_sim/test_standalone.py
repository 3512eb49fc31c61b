"""`python -m peers.exchange_sim` prints the .env lines, serves them, and stops on SIGINT."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp


async def test_standalone_prints_env_and_serves() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "peers.exchange_sim", "--seed", "5",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        env: dict[str, str] = {}
        async with asyncio.timeout(60):
            while "BINANCE_API_SECRET" not in env:
                line = (await proc.stdout.readline()).decode().strip()
                assert line or proc.returncode is None, "simulator exited early"
                if "=" in line and not line.startswith("#"):
                    key, _, value = line.partition("=")
                    env[key] = value
        assert env["UPBIT_WS_URL"].endswith("/websocket/v1")
        async with aiohttp.ClientSession() as http:
            async with http.get(env["UPBIT_REST_URL"] + "/v1/market/all") as resp:
                assert resp.status == 200
            async with http.get(env["FX_RATE_URL"]) as resp:
                assert (await resp.json())["base"] == "USD"
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(20):
            assert await proc.wait() == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_standalone_rejects_bad_arguments() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "peers.exchange_sim", "--scenario", "/nonexistent.toml",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 2 and b"simulator:" in err and b"Traceback" not in err
