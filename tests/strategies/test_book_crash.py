"""A bot killed between the order layer recording its fill and booking it, then restarted.

The bot runs in a real child process (`tests.strategies.botcrash_child`) on the live order
path against the exchange simulator; it SIGKILLs itself once the gateway answers "filled"
(the ledger holds the fill, the bot's own book does not). Then a service restarts on the same
database the way the app does (trading provider on the facade, the strategies installer): the
bot must report the position the ledger holds, tell the user its book was corrected, and
refuse its next entry signal instead of doubling the position on the venue.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.features.strategies import install
from bot.i18n import render
from bot.notify.outbox import Outbox
from core import numbers
from core.symbols import Venue
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.strategies.botcrash_child import ALWAYS_LONG, BTC_KRW, candle
from tests.trading.crash_child import live_brokers
from tests.trading.harness import trading_env
from tests.wiring import app_context
from trading.reconcile import reconcile

ROOT = Path(__file__).resolve().parents[2]
BOTS = """
[bots.dip]
strategy = "always_long"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 1000000
"""


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=1, tick_interval=0.02) as exchange:
        yield exchange


def btc_held(sim: SimExchange) -> Decimal:
    return sim.upbit_engine.account(sim.api_keys["upbit"][0]).balance("BTC").total


async def test_a_bot_killed_before_booking_its_fill_adopts_it_from_the_ledger(
    sim: SimExchange, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    strategies = tmp_path / "user_strategies"
    strategies.mkdir()
    (strategies / "always_long.py").write_text(ALWAYS_LONG)
    (tmp_path / "bots.toml").write_text(BOTS)
    btc0 = btc_held(sim)

    env = os.environ | sim.env() | {"CRASH_DB": str(db), "CRASH_STRATEGIES": str(strategies)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.strategies.botcrash_child", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, out, err.decode()[-3000:])
    assert b"killed" in out
    bought = btc_held(sim) - btc0
    assert bought > 0 and len(sim.upbit_engine.orders) == 1

    settings = load_settings(
        env_file=None, db_path=db, bots_file=tmp_path / "bots.toml",
        strategies_dir=strategies, log_dir=tmp_path / "logs",
    )  # fmt: skip
    brokers = live_brokers(sim.env(), {Venue.UPBIT})
    async with trading_env(db, brokers, paper=False) as tenv, app_context(settings) as app:
        assert await reconcile(tenv.svc) == []  # the order layer itself is consistent
        app.facade.trading = tenv.provider()
        manager = await install(app)  # the bot was running: it resumes
        await eventually(lambda: "dip" in manager.runners)
        # The bot's book is the ledger's: what the venue sold it, net of nothing (KRW fee).
        held = [render("en", p) for p in manager.open_positions("dip")]
        assert held == [f"BTC/KRW long {numbers.grouped(bought)}"]
        assert "dip: running, always_long BTC/KRW 1m, BTC/KRW long" in render(
            "en", (await manager.status_lines())[0]
        )
        await app.notifier.flush_writes()
        texts = [str(n.text) for n in await Outbox(app.db).pending()]
        adopted = [t for t in texts if t.startswith("⚠️ Bot dip: its own record said flat")]
        assert len(adopted) == 1, texts
        shown = format(Decimal(repr(float(bought))).normalize(), ",f")
        assert f"holds long {shown} @ " in adopted[0]

        # The next entry signal is refused by the bot's book: no second order on the venue.
        runner = manager.runners["dip"]
        app.bus.publish(candle(1))
        await eventually(lambda: runner._last_ts.get(BTC_KRW) == candle(1).open_ts)
        await eventually(lambda: runner.decisions, timeout=20)  # a taken one waits for its fill
        assert [(d.taken, render("en", d.reason)) for d in runner.decisions] == [
            (False, "already long: one position per symbol")
        ]
        assert len(sim.upbit_engine.orders) == 1
        assert btc_held(sim) - btc0 == bought
