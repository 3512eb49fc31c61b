"""A failed futures stop-loss, as the user sees it: seconds from the market going through the
stop to the alert in the outbox, with the trading feature installed as the app does it
(production polling intervals, the real ccxt broker) against the simulator.

Two faults (`FaultController.algo_fate`): the venue rejects the stop when it triggers, and the
stop stays in TRIGGERING (BRACKET_TRIGGERING_TIMEOUT=5 here, so at least 5 s by design).
`python -m bench --only brackets`.
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
from core.market import Side
from core.notifications import NotificationKind
from core.symbols import Symbol, Venue
from peers.exchange_sim.server import SimExchange
from tests.wiring import app_context

BTC = Symbol("BTC", "USDT")
TIMEOUT = 5.0


async def _wait(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.01)


async def one(fate: str, tmp: Path) -> float:
    async with SimExchange(seed=1, tick_interval=0.02) as sim:
        values = {k.lower(): v for k, v in sim.env().items()}
        settings = load_settings(
            env_file=None, trading_mode="live", db_path=tmp / f"{fate}.db", language="en",
            max_position_pct=90, max_order_krw=50_000_000, bracket_triggering_timeout=TIMEOUT,
            **values,
        )  # fmt: skip
        async with app_context(settings, stop_timeout=3.0) as app:
            await install(app)
            trading = app.facade.trading
            assert trading is not None
            svc, futures = trading.svc, trading.futures  # type: ignore[attr-defined]
            last = await svc.brokers[Venue.BINANCE_FUTURES].last_price(BTC)
            stop = (last * Decimal("0.99")).quantize(Decimal("0.1"))
            await futures.open(BTC, Side.BUY, Decimal("0.01"), stop_loss=stop)
            acct = sim.binance_futures.engine.account(sim.api_keys["binance"][0])

            async def placed() -> bool:
                return bool(acct.open_algos("BTCUSDT"))

            await _wait(placed, 20)
            sim.faults.algo_fate("binance_futures", fate)
            sim.market.jump("BTC", -3)
            t0 = time.time()

            async def told() -> bool:
                await app.notifier.flush_writes()
                texts = await Outbox(app.db).texts((NotificationKind.RISK,), t0 - 60, t0 + 600)
                return any("stop market" in t for t in texts)

            await _wait(told, 60)
            return time.time() - t0


def main(quick: bool = False) -> None:
    logger.remove()
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory() as d:
        for fate in ("rejected", "triggering"):
            xs = [asyncio.run(one(fate, _dir(Path(d), i))) for i in range(runs)]
            print(
                f"stop {fate}: alert after p50 {statistics.median(xs):.2f} s, "
                f"max {max(xs):.2f} s ({runs} runs"
                + (f", stuck after {TIMEOUT:.0f} s)" if fate == "triggering" else ")"),
                flush=True,
            )


def _dir(root: Path, i: int) -> Path:
    path = root / str(i)
    path.mkdir(exist_ok=True)
    return path
