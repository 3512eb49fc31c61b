"""A process SIGKILLed between the two legs of a hedge, then the whole service restarted.

The hedge opens in a real child process (`tests.trading.hedge_crash_child`) against the exchange
simulator; the crash hook lets the Upbit leg fill and be recorded, then kills the process
before the Binance USDⓈ-M leg is sent: the account is one-sided. The service (`bot.app.Service`,
every installer, live mode) then starts on the same database and the same simulator, with
python-telegram-bot talking to the Bot API emulator. Per HEDGE_FAILURE_POLICY the hedge is
flattened (`unwind`) or completed (`alert`: the missing leg placed), never left one-sided, and
the user is told over Telegram.
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from peers.exchange_sim.server import SimExchange
from tests.e2e.conftest import SEED, running_world
from trading.executor import CRASH_ENV
from trading.hedge.executor import CRASH_BETWEEN_LEGS

ROOT = Path(__file__).resolve().parents[2]
HEDGE = "hk1"


def upbit_btc(sim: SimExchange) -> D:
    return sim.upbit_engine.account(sim.api_keys["upbit"][0]).balance("BTC").total


def futures_amt(sim: SimExchange) -> D:
    return sim.binance_futures.engine.account(sim.api_keys["binance"][0]).position("BTCUSDT").amt


async def crash_between_legs(sim: SimExchange, db: Path) -> None:
    env = os.environ | sim.env() | {
        "HEDGE_DB": str(db), "HEDGE_ID": HEDGE, CRASH_ENV: CRASH_BETWEEN_LEGS,
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.trading.hedge_crash_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 137, (proc.returncode, out.decode(), err.decode()[-3000:])


@pytest.mark.parametrize(
    ("policy", "told", "state"),
    [
        ("unwind", "only the Upbit leg had filled; it was flattened", "unwound"),
        ("alert", "leg was missing; it was placed, the hedge is open", "open"),
    ],
)
async def test_killed_between_the_legs_is_repaired_at_restart(
    tmp_path: Path, policy: str, told: str, state: str
) -> None:
    async with SimExchange(seed=SEED) as sim:
        btc0, amt0 = upbit_btc(sim), futures_amt(sim)
        await crash_between_legs(sim, tmp_path / "bot.sqlite3")
        bought = upbit_btc(sim) - btc0
        assert bought > 0 and futures_amt(sim) == amt0  # one-sided: the crash left it so
        async with running_world(
            tmp_path, "Service started", sim=sim, hedge_failure_policy=policy
        ) as world:
            msg = await world.tg.wait_for_message(lambda m: told in m.content, timeout=30)
            assert HEDGE in msg.content and "BTC" in msg.content
            if policy == "unwind":
                assert upbit_btc(sim) == btc0 and futures_amt(sim) == amt0
            else:
                assert upbit_btc(sim) - btc0 == bought
                assert abs(futures_amt(sim) - amt0 + bought) <= D("0.0005")  # half a lot
            detail = await world.answer(f"/hedge {HEDGE}")
            assert state in detail.content and "PnL" in detail.content, detail.content
