"""A separate process running the live order path until the crash hook kills it.

`python -m tests.trading.crash_child` with, in the environment: the simulator's URLs and keys
(UPBIT_REST_URL, BINANCE_REST_URL, BINANCE_FUTURES_REST_URL, BITHUMB_REST_URL, *_KEY/SECRET),
CRASH_DB (the SQLite file), CRASH_ORDER (`upbit`, `bithumb`, `binance` or `binance_futures`: a
market buy;
`futures_bracket`: a futures entry with a stop-loss through the FuturesManager; `spot_stop`: a
Binance spot buy with a venue-side stop-loss through `SpotStops`) and
KIMP_TEST_CRASH_AT (where to die). It submits the order, then polls it like the tracker does
until it is final; with the hook set it never gets that far (exit status 137).
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal
from pathlib import Path

from bot.i18n import Messages
from core.broker import Broker
from core.clock import SystemClock
from core.events import EventBus
from core.market import Side
from core.orders import OrderRequest, OrderType
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from exchanges.brokers import (
    BinanceFuturesBroker,
    BinanceSpotBroker,
    BithumbBroker,
    UpbitBroker,
    make_exchange,
)
from trading.executor import CRASH_ENV, OrderService, SubmitResult
from trading.futures import FuturesManager
from trading.prices import PriceBook
from trading.risk import RiskLimits, RiskManager
from trading.spot_stops import SpotStops
from trading.store import TradingStore
from trading.tracker import OrderTracker

ORDERS = {
    "upbit": OrderRequest(
        Instrument(Venue.UPBIT, Symbol("BTC", "KRW")), Side.BUY, OrderType.MARKET,
        quote_amount=Decimal(1_000_000),
    ),
    "bithumb": OrderRequest(
        Instrument(Venue.BITHUMB, Symbol("BTC", "KRW")), Side.BUY, OrderType.MARKET,
        quote_amount=Decimal(1_000_000),
    ),
    "binance": OrderRequest(
        Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT")), Side.BUY, OrderType.MARKET,
        qty=Decimal("0.01"),
    ),
    "binance_futures": OrderRequest(
        Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT")), Side.BUY, OrderType.MARKET,
        qty=Decimal("0.01"), leverage=5,
    ),
}  # fmt: skip


def live_brokers(
    env: dict[str, str], venues: set[Venue] | None = None, timeout_s: float = 5.0
) -> dict[Venue, Broker]:
    """ccxt adapters pointed at the simulator's URLs, with its keys (only `venues`, if given;
    each extra venue costs start-up requests ccxt paces at the venue's real weight limits)."""
    clock = SystemClock()
    out: dict[Venue, Broker] = {}
    specs = (
        (Venue.UPBIT, UpbitBroker, "UPBIT_ACCESS_KEY", "UPBIT_SECRET_KEY", "UPBIT_REST_URL"),
        (Venue.BINANCE_SPOT, BinanceSpotBroker, "BINANCE_API_KEY", "BINANCE_API_SECRET",
         "BINANCE_REST_URL"),
        (Venue.BINANCE_FUTURES, BinanceFuturesBroker, "BINANCE_API_KEY", "BINANCE_API_SECRET",
         "BINANCE_FUTURES_REST_URL"),
        (Venue.BITHUMB, BithumbBroker, "BITHUMB_ACCESS_KEY", "BITHUMB_SECRET_KEY",
         "BITHUMB_REST_URL"),
    )  # fmt: skip
    for venue, cls, key, secret, url in specs:
        if venues is not None and venue not in venues:
            continue
        ex, gate = make_exchange(
            venue, api_key=env[key], secret=env[secret], rest_url=env[url], timeout_s=timeout_s
        )
        out[venue] = cls(venue, ex, gate, clock)
    return out


async def main() -> int:
    env = dict(os.environ)
    kind = env["CRASH_ORDER"]
    bracket = kind == "futures_bracket"
    req = ORDERS[{"futures_bracket": "binance_futures", "spot_stop": "binance"}.get(kind, kind)]
    # Upbit too: its KRW-USDT price converts USDT orders for the KRW risk limits.
    brokers = live_brokers(env, {req.instrument.venue, Venue.UPBIT})
    clock = SystemClock()
    async with Database.open(Path(env["CRASH_DB"])) as db:
        risk = RiskManager(
            RiskLimits(max_order_krw=Decimal(50_000_000), max_position_pct=Decimal(90)), clock
        )
        svc = OrderService(
            TradingStore(db), risk, brokers, PriceBook(), bus=EventBus(),
            notify=lambda _n: None, clock=clock, paper=False, crash_at=env.get(CRASH_ENV),
            render=Messages("en").render,
        )  # fmt: skip
        tracker = OrderTracker(svc, clock)
        try:
            await svc.load()
            if kind == "spot_stop":
                res = await spot_buy_with_stop(svc, db, req)
            else:
                res = await (entry_with_stop(svc, db, req) if bracket else svc.submit(req))
            print(f"submitted: {res.accepted} {Messages('en').render(res.reason)}", flush=True)
            for _ in range(100):
                if not await svc.store.open_orders(False):
                    break
                await tracker.poll_once()
                await asyncio.sleep(0.05)
        finally:
            for b in brokers.values():
                await b.close()
    return 0


STOP_BELOW = Decimal("0.95")  # the futures_bracket stop-loss, as a fraction of the last price


async def entry_with_stop(svc: OrderService, db: Database, req: OrderRequest) -> SubmitResult:
    futures = FuturesManager(svc, KeyValueStore(db), default_leverage=5)
    sym = req.instrument.symbol
    last = await svc.brokers[Venue.BINANCE_FUTURES].last_price(sym)
    stop = (last * STOP_BELOW).quantize(Decimal("0.1"))
    assert req.qty is not None
    return await futures.open(sym, req.side, req.qty, leverage=5, stop_loss=stop)


async def spot_buy_with_stop(svc: OrderService, db: Database, req: OrderRequest) -> SubmitResult:
    stops = SpotStops(svc, KeyValueStore(db))
    last = await svc.brokers[Venue.BINANCE_SPOT].last_price(req.instrument.symbol)
    return await stops.buy(req, stop_loss=(last * STOP_BELOW).quantize(Decimal("0.01")))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
