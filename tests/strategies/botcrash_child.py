"""A separate process running a bot on the live order path until it is SIGKILLed between the
order layer recording the bot's fill and the bot booking it.

`python -m tests.strategies.botcrash_child` with, in the environment: the simulator's URLs and
keys (as `tests.trading.crash_child`), CRASH_DB (the SQLite file) and CRASH_STRATEGIES (a user
strategies folder holding `ALWAYS_LONG`). The bot `dip` (strategy `always_long`, Upbit BTC/KRW)
is started and fed one candle; its entry goes through the real
order layer (the provider's gateway: intent, venue, fill recorded in the ledger). When the
gateway answers "filled", the process kills itself with SIGKILL: the bot never books it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from core.clock import SystemClock
from core.events import EventBus
from core.fills import FillModel
from core.market import Candle
from core.orders import OrderGateway, OrderRequest, OrderResult
from core.symbols import Instrument, Symbol, Venue
from strategies.botconfig import BotDefinition
from strategies.gateway import adapt
from strategies.loader import load_user_strategies
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from tests.trading.crash_child import live_brokers
from tests.trading.harness import trading_env

BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
BOT = BotDefinition.model_validate(
    {"name": "dip", "strategy": "always_long", "exchange": "upbit", "symbols": ["BTC/KRW"],
     "stake": 1_000_000}
)  # fmt: skip


# A user strategy file: an entry signal on every candle, held or not (the bot's book must
# refuse a second entry).
ALWAYS_LONG = """
from strategies import Candle, Signal, SignalAction, Strategy


class AlwaysLong(Strategy):
    name = "always_long"

    def on_candle(self, candle: Candle, position: int) -> Signal | None:
        return self.signal(candle, SignalAction.ENTER_LONG, "always long", 1.0)
"""


def candle(n: int, price: float = 100_000_000.0) -> Candle:
    return Candle(BTC_KRW, "1m", 1_767_225_600_000 + n * 60_000, price, price, price, price, 1.0)


class KilledAfterFill:
    """The real gateway; once it answers with a fill, the process dies as a SIGKILL kills it."""

    def __init__(self, inner: OrderGateway) -> None:
        self._inner = inner

    async def submit(self, req: OrderRequest) -> OrderResult:
        res = await self._inner.submit(req)
        if res.accepted:
            print(f"filled {res.filled_qty} @ {res.avg_price}; killed", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return res


async def main() -> int:
    env = dict(os.environ)
    brokers = live_brokers(env, {Venue.UPBIT})
    async with trading_env(Path(env["CRASH_DB"]), brokers, paper=False) as tenv:
        gateway = adapt(tenv.provider())
        assert gateway is not None
        manager = BotManager(
            [BOT], StrategyRegistry(load_user_strategies(Path(env["CRASH_STRATEGIES"]))),
            BotStore(tenv.db, SystemClock()), EventBus(), FillModel(),
            gateway=KilledAfterFill(gateway),
        )  # fmt: skip
        await manager.load()
        print(await manager.start("dip"), flush=True)
        await manager.dispatch(candle(0))
        print("not killed:", manager.runners["dip"].decisions, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
