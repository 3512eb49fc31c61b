"""Two-leg hedges on the simulator, as the user sees them: seconds to open (both legs filled and
matched) and to close a 1 M KRW BTC hedge, and seconds from a refused futures leg to the
"unwound" alert in the outbox, with the trading feature installed as the app does it (live,
the real ccxt brokers, production polling); the refusal is the simulated venue's own margin
check. `python -m bench --only hedge`.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from loguru import logger

from bot.config import load_settings
from bot.features.trading import install
from bot.notify.outbox import Outbox
from core.hedge import HedgeOutcome
from core.notifications import NotificationKind
from peers.exchange_sim.server import SimExchange
from tests.wiring import app_context

SIZE = Decimal(1_000_000)


async def run(tmp: Path, rounds: int) -> tuple[list[float], list[float], float]:
    async with SimExchange(seed=1, tick_interval=0.02) as sim:
        values = {k.lower(): v for k, v in sim.env().items()}
        settings = load_settings(
            env_file=None, trading_mode="live", db_path=tmp / "hedge.db", language="en",
            max_position_pct=90, max_order_krw=50_000_000, **values,
        )  # fmt: skip
        async with app_context(settings, stop_timeout=3.0) as app:
            await install(app)
            desk = app.facade.hedges
            assert desk is not None
            opens, closes = [], []
            for _ in range(rounds):
                t0 = time.perf_counter()
                res = await desk.open("BTC", SIZE)
                assert res.outcome is HedgeOutcome.OPENED, res
                opens.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                done = await desk.close(res.hedge_id)
                assert done.outcome is HedgeOutcome.CLOSED, done
                closes.append(time.perf_counter() - t0)
            # the venue's own refusal: its margin check fails (our cached balance still
            # says 10,000 USDT, so our checks let the order through)
            acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])
            acct.wallet = Decimal(1)
            t0 = time.time()
            res = await desk.open("BTC", SIZE)
            assert res.outcome is HedgeOutcome.UNWOUND, res

            async def told() -> bool:
                await app.notifier.flush_writes()
                texts = await Outbox(app.db).texts((NotificationKind.RISK,), t0 - 60, t0 + 600)
                return any(res.hedge_id in t and "unwound" in t for t in texts)

            while not await told():
                if time.time() - t0 > 60:
                    raise TimeoutError("no alert within 60 s")
                await asyncio.sleep(0.01)
            return opens, closes, time.time() - t0


def main(quick: bool = False) -> None:
    logger.remove()
    rounds = 3 if quick else 10
    with tempfile.TemporaryDirectory() as d:
        opens, closes, alert = asyncio.run(run(Path(d), rounds))
    for what, xs in (("open", opens), ("close", closes)):
        print(
            f"hedge {what} (1 M KRW BTC, both legs): p50 {statistics.median(xs):.2f} s, "
            f"max {max(xs):.2f} s ({rounds} runs)",
            flush=True,
        )
    print(f"futures leg refused -> spot unwound, alert in the outbox: {alert:.2f} s", flush=True)
