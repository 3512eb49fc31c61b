"""A separate process opening a hedge on the live order path until the crash hook kills it.

`python -m tests.trading.hedge_crash_child` with, in the environment: the simulator's URLs and
keys, HEDGE_DB (the service's SQLite file), HEDGE_ID and KIMP_TEST_CRASH_AT=between_legs. It
opens a forward BTC hedge; the hook lets the Upbit leg be sent and its fill recorded, then the
process dies (exit status 137) before the Binance USDⓈ-M leg is sent, as a SIGKILL would.
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal
from pathlib import Path

from bot.i18n import Messages
from core.clock import SystemClock
from core.events import EventBus
from core.hedge import HedgeDirection, HedgeRequest
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Venue
from tests.trading.crash_child import live_brokers
from trading.executor import CRASH_ENV, OrderService
from trading.futures import FuturesManager
from trading.hedge.executor import HedgeExecutor
from trading.hedge.store import HedgeStore
from trading.prices import PriceBook
from trading.risk import RiskLimits, RiskManager
from trading.store import TradingStore
from trading.tracker import OrderTracker

SIZE_KRW = Decimal(1_000_000)


async def main() -> int:
    env = dict(os.environ)
    brokers = live_brokers(env, {Venue.UPBIT, Venue.BINANCE_FUTURES})
    clock = SystemClock()
    async with Database.open(Path(env["HEDGE_DB"])) as db:
        risk = RiskManager(
            RiskLimits(max_order_krw=Decimal(50_000_000), max_position_pct=Decimal(90)), clock
        )
        svc = OrderService(
            TradingStore(db), risk, brokers, PriceBook(), bus=EventBus(),
            notify=lambda _n: None, clock=clock, paper=False, render=Messages("en").render,
        )  # fmt: skip
        tracker = OrderTracker(svc, clock, min_interval=0.05, max_interval=0.3)
        poller = asyncio.create_task(tracker.run_polling())
        try:
            await svc.load()
            futures = FuturesManager(svc, KeyValueStore(db))
            ex = HedgeExecutor(svc, futures, HedgeStore(db), crash_at=env.get(CRASH_ENV))
            req = HedgeRequest(
                env["HEDGE_ID"], "", "BTC", HedgeDirection.FORWARD, True, size_krw=SIZE_KRW
            )
            res = await ex.submit(req)
            print(f"not killed: {res}", flush=True)
        finally:
            poller.cancel()
            for b in brokers.values():
                await b.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
