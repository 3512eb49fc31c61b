"""A month of the service's writes in fast virtual time: is the database bounded?

Virtual minute by virtual minute, on the exchange simulator's market model (`peers.exchange_sim`,
its random walk, premiums and USDT/KRW for every coin), with the service's own components:

- kimp: `KimpService` (alerts) fed both venues' tickers for every coin, the tether and USD/KRW;
  it records each finished minute to `kimp_samples` and evaluates its alerts, whose
  notifications go through the durable `Outbox` and are marked delivered;
- candles: the market-data `CandleBuilder` turns the simulator's trades on the bots' markets
  into 1m/5m/15m/1h candles, stored in batches through `CandleStore`;
- bots: a `BotManager` running built-in strategies (rsi, ema_trend, combined) on those markets,
  each closed candle dispatched to it: decisions to `decisions`, positions to `kv`; their orders
  go through the real order path as the app installs it in paper mode (`OrderService` with the
  risk checks, `PaperBroker` per venue, the bots' gateway from `TradingProvider`), so `orders`,
  `fills`, `positions` and `balances` rows accumulate as in a paper run;
- retention: `Maintenance` with the service's own rules (`bot.ops.install.retention_rules`) every
  15 virtual minutes, the WAL checkpoint, and the vacuum at the quiet hour.

Prints the database size at the end of each virtual day and checks it is flat (within 10 %) once
the retention window has passed. Orders, fills and positions have no retention rule (a trader's
order history is kept for ever): they grow by the bots' trades, a few rows a day.

    python -m bench.month            # 150 coins, 30 days, 7 days kept, 12 bot markets
    python -m bench.month --quick    # 20 coins, 5 days, 2 days kept
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from loguru import logger

from alerts.history import minute_of
from alerts.premium import Fees
from bot.config import Settings, load_settings
from bot.features.kimp import make_service
from bot.features.trading import risk_limits
from bot.i18n import Messages
from bot.notify.outbox import Outbox
from bot.ops.install import retention_rules
from bot.ops.maintenance import DAY, PASS_EVERY, Maintenance
from core.broker import Broker
from core.clock import ManualClock
from core.events import EventBus
from core.fills import FEE_RATES, FillModel
from core.market import Candle, Quote, Ticker
from core.notifications import Notification
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.storage.retention import db_size, human_size
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore
from exchanges.candles import CandleBuilder
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import BINANCE, DEFAULT_COINS, UPBIT, CoinSpec, MarketModel
from strategies.botconfig import BotDefinition
from strategies.gateway import adapt
from strategies.registry import StrategyRegistry
from strategies.runner import BotManager
from strategies.store import BotStore
from trading.executor import OrderService
from trading.futures import FuturesManager
from trading.paper import PaperBroker
from trading.prices import PriceBook
from trading.provider import TradingProvider
from trading.risk import RiskManager
from trading.store import TradingStore

START = 1_767_225_600.0  # 2026-01-01 00:00 UTC
MINUTE = 60.0
EVALUATE_EVERY = 5  # minutes between alert evaluations (the service: every second; it writes
# only when a state changes, so this changes the rows little and the run time a lot)
STORE_EVERY = 10  # minutes between candle batches (the service flushes every 2 s; same rows)
FLAT = 1.10  # after the window, the file may not grow past 110 % of its size then


@dataclass(frozen=True, slots=True)
class Day:
    day: int
    total: int  # main file + write-ahead log
    file: int  # the main file alone: what retention bounds
    free: int
    rows: dict[str, int]


def coin_specs(n: int) -> list[CoinSpec]:
    """The simulator's ten coins and synthetic ones up to `n`, with spread-out prices."""
    specs = list(DEFAULT_COINS[:n])
    for i in range(len(specs), n):
        exp = -1 + (i * 37 % 50) / 10
        price = 10**exp
        tick = 10 ** (math.floor(exp) - 4)  # five significant digits, as the venues list them
        specs.append(
            CoinSpec(f"C{i:03d}", price, 0.6 + (i % 5) / 10, 0.5 + (i % 7) / 3,
                     qty_step=0.001, price_tick=tick, futures_price_tick=tick)
        )  # fmt: skip
    return specs


def bot_definitions(markets: int) -> list[BotDefinition]:
    """Bots on the first `markets` coins: rsi and ema_trend on Upbit, combined on Binance."""
    coins = [c.base for c in coin_specs(max(markets, 1))][:markets]
    kinds = [("rsi", Venue.UPBIT, "KRW"), ("ema_trend", Venue.UPBIT, "KRW"),
             ("combined", Venue.BINANCE_SPOT, "USDT")]  # fmt: skip
    out = []
    for k, (strategy, venue, quote) in enumerate(kinds):
        mine = coins[k::3]
        if mine:
            stake = 100.0 if quote == "USDT" else 100_000.0
            symbols = [f"{c}/{quote}" for c in mine]
            out.append(
                BotDefinition.model_validate(
                    {"name": f"{strategy}_bot", "strategy": strategy, "exchange": venue,
                     "symbols": symbols, "stake": stake, "autostart": True}
                )
            )  # fmt: skip
    return out


class Month:
    """The components on one database and one virtual clock."""

    def __init__(self, db: Database, settings: Settings, coins: int, bot_markets: int) -> None:
        self.db = db
        self.clock = ManualClock(start=START)
        self.sim_clock = SimClock(start=START, speed=0.0)  # frozen; moved with `clock`
        self.market = MarketModel(
            19, coin_specs(coins), self.sim_clock, step_s=MINUTE, history_minutes=1,
            keep_trades=50, trade_rates={UPBIT: 0.0, BINANCE: 0.0, "binance_futures": 0.0},
        )  # fmt: skip
        self.coins = [c.base for c in coin_specs(coins)]
        self.outbox = Outbox(db)
        self.kimp = make_service(
            settings.kimp, settings.market_data, settings.core, db, self.clock, self._send,
            Fees.from_rates(FEE_RATES),
        )  # fmt: skip
        self.bus = EventBus()
        self.definitions = bot_definitions(bot_markets)
        self.trading = self._order_layer(db, settings)
        self.bots = BotManager(
            self.definitions, StrategyRegistry(), BotStore(db, self.clock), self.bus,
            FillModel(slippage_bps=settings.paper_slippage_bps),
            gateway=adapt(self.trading), ledger=self.trading,
        )  # fmt: skip
        self.bot_markets = [i for d in self.definitions for i in d.instruments]
        self.closed: list[Candle] = []
        self._to_store: list[Candle] = []
        self._base_premium = 0.0
        self.builder = CandleBuilder(self.closed.append, ("5m", "15m", "1h"))
        self.candles = CandleStore(db)
        self.maintenance = Maintenance(
            db, retention_rules(settings, db, self.clock), self.clock, settings.core.tz,
            settings.ops.maintenance_hour,
        )  # fmt: skip
        self.notes = 0
        self._pending: list[Notification] = []

    def _order_layer(self, db: Database, settings: Settings) -> TradingProvider:
        """The paper order path as `bot.features.trading.install` builds it: the order service
        over the trading store with its risk checks, one paper broker per venue on the price
        book, the provider the bots take their gateway and ledger from."""
        risk, core = settings.risk, settings.core
        self.prices = PriceBook()
        start = {Venue.UPBIT: {"KRW": Decimal(str(risk.paper_balance_krw))},
                 Venue.BINANCE_SPOT: {"USDT": Decimal(str(risk.paper_balance_usdt))}}  # fmt: skip
        self.papers = [
            PaperBroker(venue, self.prices, self.clock, balances=balances,
                        slippage_bps=risk.paper_slippage_bps, leverage=risk.default_leverage)
            for venue, balances in start.items()
        ]  # fmt: skip
        brokers: dict[Venue, Broker] = {b.venue: b for b in self.papers}
        words = self._words = Messages(core.language).render
        checks = RiskManager(risk_limits(risk), self.clock, core.timezone, notify=self._notify)
        self.orders = OrderService(
            TradingStore(db), checks, brokers, self.prices, bus=self.bus, notify=self._notify,
            clock=self.clock, paper=True, render=words,
        )  # fmt: skip
        kv = KeyValueStore(db)
        futures = FuturesManager(self.orders, kv, default_leverage=risk.default_leverage,
                                 max_leverage=risk.max_leverage)  # fmt: skip
        return TradingProvider(self.orders, futures, kv, words)

    def _notify(self, note: Notification) -> None:
        """The order layer's notifications (fills, refusals) reach the outbox at the next
        minute, as the notifier's queue would deliver them."""
        self._pending.append(note)

    async def _send(self, note: Notification) -> None:
        if not isinstance(note.text, str):  # the notifier words a `Text` before it queues it
            note = replace(note, text=self._words(note.text))
        item = await self.outbox.add(note, silent=False, now=self.clock.now())
        if item is not None:
            await self.outbox.mark_sent([item], self.clock.now() + 0.5)
            self.notes += 1

    async def start(self) -> None:
        await self.orders.load()
        await self.kimp.load()
        self.kimp.set_coins(set(self.coins))
        await self.bots.load()
        for d in self.definitions:
            await self.bots.start(d.name)

    async def minute(self, index: int) -> None:
        self.clock.advance(MINUTE)
        self.sim_clock.advance(MINUTE)
        # The walk one virtual minute on (prices, premiums, USDT/KRW), without `tick()`'s
        # per-step order books for every market, which only the WebSocket feeds read.
        self.market._step(int(MINUTE * 1000))
        now = self.clock.now()
        ms = int(now * 1000)
        m = self.kimp.monitor
        for coin in self.coins:
            m.on_event(Ticker(Instrument(Venue.UPBIT, Symbol(coin, "KRW")),
                              self.market.upbit_mid(coin), ms, now))  # fmt: skip
            m.on_event(Ticker(Instrument(Venue.BINANCE_SPOT, Symbol(coin, "USDT")),
                              self.market.binance_mid(coin), ms, now))  # fmt: skip
        m.on_event(Ticker(Instrument(Venue.UPBIT, Symbol("USDT", "KRW")),
                          self.market.usdt_krw, ms, now))  # fmt: skip
        m.set_fx(self.market.usd_krw, now)
        await self.kimp.record_minute(minute_of(now) - 60)
        self._premium_episode(index)
        if index % EVALUATE_EVERY == 0:
            await self.kimp.evaluate()
        await self._candles(ms, index)
        if index % int(PASS_EVERY // MINUTE) == 0:
            await self.maintenance.run_pass()

    def _premium_episode(self, index: int) -> None:
        """Every 6 virtual hours one coin's premium climbs past the alert level for two hours
        and comes back: alerts, their notifications and state rows, as a real month has."""
        phase, n = index % 360, index // 360
        coin = self.coins[n % len(self.coins)]
        if phase == 0:
            self._base_premium = self.market.premium_pct(coin)
            self.market.ramp_premium(coin, 4.5, 600)
        elif phase == 120:
            self.market.ramp_premium(coin, self._base_premium, 600)

    async def _candles(self, ms: int, index: int) -> None:
        for inst in self.bot_markets:
            venue = UPBIT if inst.venue is Venue.UPBIT else BINANCE
            market = f"KRW-{inst.symbol.base}" if venue == UPBIT else f"{inst.symbol.base}USDT"
            mid = self.market.mid(venue, market)
            for k, f in enumerate((0.9995, 1.0004, 1.0)):  # open, a swing, the close
                self.builder.on_trade(inst, ms - 50_000 + k * 20_000, mid * f, 0.01)
            # The order path's prices: what `OrderTracker.run_market` does with each bus quote,
            # inline so that a virtual minute's orders fill on that minute's book.
            quote = Quote(inst, mid * 0.9999, 1.0, mid * 1.0001, 1.0, ms, ms / 1000)
            self.prices.on_event(quote)
            for paper in self.papers:
                paper.on_market(quote)
        self.builder.tick(ms)
        for inst, _first, last in self.builder.wanted():
            # The first minute of each market has no history before it: released as built,
            # as the candle service does once its backfill gives up.
            self.builder.resolve(inst, [], last, give_up=True)
        closed = list(self.closed)
        self.closed.clear()  # the builder holds this list's append
        for candle in closed:
            if candle.timeframe == "1m":
                await self.bots.dispatch(candle)
        notes, self._pending = self._pending, []
        for note in notes:
            await self._send(note)
        self._to_store += closed
        if index % STORE_EVERY == 0 and self._to_store:
            await self.candles.save(self._to_store)
            self._to_store = []

    async def day_end(self, day: int) -> Day:
        size = await db_size(self.db)
        rows = {}
        for table in ("kimp_samples", "candles", "decisions", "outbox", "alerts_sent", "kv",
                      "orders", "fills", "positions"):  # fmt: skip
            row = await self.db.fetchone(f"SELECT count(*) FROM {table}")
            rows[table] = int(row[0]) if row else 0
        return Day(day, size.total, size.file_bytes, size.free_bytes, rows)


async def run(coins: int, days: int, keep: int, bot_markets: int) -> list[Day]:
    out: list[Day] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.sqlite3"
        settings = load_settings(
            env_file=None, db_path=path, kimp_history_days=keep, candle_retention_days=keep,
            decision_retention_days=keep, notification_retention_days=keep, tz="Asia/Seoul",
        )  # fmt: skip
        async with Database.open(path) as db:
            month = Month(db, settings, coins, bot_markets)
            await month.start()
            print(
                f"{coins} coins (kimp every minute), {len(month.bot_markets)} bot markets "
                f"({', '.join(d.strategy for d in month.definitions)}), {days} virtual days, "
                f"{keep} days kept, quiet hour {settings.ops.maintenance_hour}:00 Asia/Seoul",
                flush=True,
            )
            t0 = time.perf_counter()
            for day in range(1, days + 1):
                for k in range(int(DAY // MINUTE)):
                    await month.minute(k)
                d = await month.day_end(day)
                out.append(d)
                print(
                    f"  day {day:2d}: {human_size(d.total):>9} (file {human_size(d.file)}, "
                    f"{human_size(d.free)} free)  "
                    + "  ".join(f"{t} {n:,}" for t, n in d.rows.items())
                    + f"  [{time.perf_counter() - t0:.0f} s]",
                    flush=True,
                )
            print(f"notifications delivered through the outbox: {month.notes:,}")
    return out


def flat_after(days: list[Day], keep: int) -> tuple[int, int, bool]:
    """The main file's size on the first day past the window (+1 for the pass that prunes it),
    the largest after it, and whether that stayed within FLAT. The write-ahead log is left out:
    every 15-minute pass truncates it, so at a day's end it holds whatever the last minutes
    wrote (0.7-1.1 MB in the small run, half its size), noise that is not growth."""
    settled = [d for d in days if d.day >= keep + 2]
    if not settled:
        return 0, 0, True
    first = settled[0].file
    top = max(d.file for d in settled)
    return first, top, top <= first * FLAT


def main(quick: bool = False, argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.month", description=__doc__)
    p.add_argument("--quick", action="store_true", default=quick)
    p.add_argument("--coins", type=int)
    p.add_argument("--days", type=int)
    p.add_argument("--keep", type=int)
    p.add_argument("--bot-markets", type=int, default=12)
    args = p.parse_args(argv if argv is not None else ([] if quick else None))
    logger.remove()  # each retention pass logs a line: 2,880 a month
    logger.add(sys.stderr, level="WARNING")
    coins = args.coins or (20 if args.quick else 150)
    days = args.days or (5 if args.quick else 30)
    keep = args.keep or (2 if args.quick else 7)
    result = asyncio.run(run(coins, days, keep, args.bot_markets))
    first, top, ok = flat_after(result, keep)
    print(
        f"after the {keep}-day window: file {human_size(first)} on day {keep + 2}, at most "
        f"{human_size(top)} later ({'flat' if ok else 'GROWING'}: limit {FLAT:.0%}); "
        f"with the write-ahead log at most {human_size(max(d.total for d in result))}"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
