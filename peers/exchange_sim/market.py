"""One market model for every simulated venue: seeded prices, premiums, trades and books.

Prices move in fixed virtual-time steps (`step_s`), so the path is a function of the seed and
the step index only, not of how often `tick()` happens to be called. One coin's USDT price
drives Binance spot, Binance futures (mark = spot + a small basis), Upbit
(`usdt_price * usdt_krw * (1 + premium)`) and Bithumb (Upbit's price moved by a small per-coin
offset, `bithumb_offset_pct`, so the Upbit-Bithumb spread is never zero), so kimchi-premium
scenarios can be scripted. Bithumb's trades draw from a random stream of their own, so adding the
venue left every other venue's seeded path as it was. DOT is not listed on Bithumb by default (a
coin on one KRW venue only; `relist("bithumb", "KRW-DOT")` lists it).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from peers.exchange_sim.book import SimBook, level_builder
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.history import (
    MINUTE_MS,
    Arr,
    CandleStore,
    SimCandle,
    SyntheticHistory,
    _candle,
)
from peers.exchange_sim.rolling import RollingDay
from peers.exchange_sim.ticks import ceil_to, decimals_of, floor_to, krw_tick

UPBIT = "upbit"
BINANCE = "binance"
BINANCE_FUTURES = "binance_futures"
BITHUMB = "bithumb"
VENUES = (UPBIT, BINANCE, BINANCE_FUTURES, BITHUMB)
KRW_VENUES = (UPBIT, BITHUMB)
BITHUMB_OFFSET_PCT = 0.15  # Bithumb's default price over Upbit's, percent
BITHUMB_UNLISTED = ("DOT",)  # coins Bithumb does not list by default
_SECONDS_PER_YEAR = 365 * 86_400


@dataclass(frozen=True, slots=True)
class CoinSpec:
    base: str
    usdt_price: float
    volatility: float = 0.5  # annualised
    premium_pct: float = 1.0
    qty_step: float = 0.00001  # Binance spot LOT_SIZE stepSize
    price_tick: float = 0.01  # Binance spot PRICE_FILTER tickSize (USDT)
    futures_qty_step: float = 0.001
    futures_price_tick: float = 0.1
    korean_name: str = ""
    english_name: str = ""
    trade_usdt: float = 2_000.0  # typical trade notional


DEFAULT_COINS: list[CoinSpec] = [
    CoinSpec("BTC", 100_000.0, 0.5, 1.0, 0.00001, 0.01, 0.001, 0.1, "비트코인", "Bitcoin", 5000),
    CoinSpec("ETH", 3_500.0, 0.6, 1.0, 0.0001, 0.01, 0.001, 0.01, "이더리움", "Ethereum", 3000),
    CoinSpec("XRP", 2.3, 0.8, 1.2, 0.1, 0.0001, 0.1, 0.0001, "리플", "XRP"),
    CoinSpec("SOL", 180.0, 0.8, 1.0, 0.001, 0.01, 0.01, 0.01, "솔라나", "Solana"),
    CoinSpec("DOGE", 0.2, 1.0, 1.5, 1.0, 0.00001, 1.0, 0.00001, "도지코인", "Dogecoin", 1000),
    CoinSpec("ADA", 0.7, 0.9, 1.1, 0.1, 0.0001, 1.0, 0.0001, "에이다", "Cardano", 1000),
    CoinSpec("TRX", 0.25, 0.6, 0.8, 0.1, 0.0001, 1.0, 0.00001, "트론", "TRON", 1000),
    CoinSpec("LINK", 18.0, 0.9, 1.0, 0.01, 0.01, 0.01, 0.001, "체인링크", "Chainlink", 1000),
    CoinSpec("AVAX", 30.0, 0.9, 1.0, 0.01, 0.01, 1.0, 0.001, "아발란체", "Avalanche", 1000),
    CoinSpec("DOT", 6.0, 0.9, 1.0, 0.01, 0.001, 0.1, 0.001, "폴카닷", "Polkadot", 1000),
]


@dataclass(frozen=True, slots=True)
class SimTrade:
    venue: str
    market: str
    trade_id: int
    price: float
    qty: float
    is_buyer_maker: bool
    ts_ms: int


MarketEvent = SimTrade | SimBook


@dataclass(slots=True)
class MarketSpec:
    """A venue market: ids, grid and trade flow."""

    venue: str
    market: str
    base: str
    quote: str
    qty_step: float
    price_tick: float | None  # None: the Upbit KRW tick table
    trade_rate: float  # trades per virtual second
    trade_quote: float  # typical trade notional in the quote currency
    qty_decimals: int = 8
    next_trade_id: int = 1


class MarketModel:
    """Seeded multi-venue market. See module docstring; call `tick()` to advance to the clock."""

    def __init__(
        self,
        seed: int,
        coins: list[CoinSpec],
        clock: SimClock,
        usdt_krw: float = 1400.0,
        usd_krw: float = 1385.0,
        step_s: float = 0.25,
        trade_rates: dict[str, float] | None = None,
        keep_trades: int = 100_000,
        history_minutes: int = 14 * 1440,
        futures_basis_pct: float = 0.02,
        spread_bps: float = 2.0,
    ) -> None:
        if not coins:
            raise ValueError("at least one coin is needed")
        self.seed = seed
        self.clock = clock
        self.step_ms = max(1, int(step_s * 1000))
        self.spread_bps = spread_bps
        self.futures_basis_pct = futures_basis_pct
        self._specs = {c.base: c for c in coins}
        self._rng = random.Random(seed)
        self._px = {c.base: c.usdt_price for c in coins}
        self._regime = dict.fromkeys(self._px, 1.0)
        self._premium = {c.base: c.premium_pct for c in coins}
        self._ramps: dict[str, tuple[int, int, float, float]] = {}
        self._usdt_krw = usdt_krw
        self._usd_krw = usd_krw
        self._listeners: list[Callable[[MarketEvent], None]] = []
        self.start_ms = clock.now_ms()
        self._t_ms = self.start_ms
        self.step_index = 0
        rates = {UPBIT: 1.5, BINANCE: 4.0, BINANCE_FUTURES: 4.0, BITHUMB: 1.0}
        rates |= trade_rates or {}
        self._bithumb_offset = {c.base: BITHUMB_OFFSET_PCT for c in coins}
        self._bithumb_offset["USDT"] = BITHUMB_OFFSET_PCT / 3
        # Bithumb's own random stream: see the module docstring
        self._rng_bithumb = random.Random(seed * 7_777 + 18)
        self._markets: dict[tuple[str, str], MarketSpec] = {}
        self._trades: dict[tuple[str, str], deque[SimTrade]] = {}
        self._candles: dict[tuple[str, str], CandleStore] = {}
        self._last: dict[tuple[str, str], SimTrade] = {}
        self._rolling: dict[tuple[str, str], RollingDay] = {}
        self._keep = keep_trades
        self._synthetic: dict[str, SyntheticHistory] = {}
        self._schedule: list[tuple[int, int, Callable[[], None]]] = []
        self._schedule_seq = itertools.count()
        self.unlisted: set[tuple[str, str]] = set()  # (venue, market) hidden by `delist`
        self.delisting_dates: dict[tuple[str, str], str] = {}  # see schedule_delisting
        self.market_states: dict[tuple[str, str], str] = {}  # see set_market_state; else ACTIVE
        for c in coins:
            self._add_market(
                MarketSpec(BINANCE, f"{c.base}USDT", c.base, "USDT", c.qty_step, c.price_tick,
                           rates[BINANCE], c.trade_usdt), c, history_minutes,
            )  # fmt: skip
            self._add_market(
                MarketSpec(BINANCE_FUTURES, f"{c.base}USDT", c.base, "USDT", c.futures_qty_step,
                           c.futures_price_tick, rates[BINANCE_FUTURES], c.trade_usdt * 2),
                c, history_minutes,
            )  # fmt: skip
            krw = c.trade_usdt * usdt_krw * 0.3
            self._add_market(
                MarketSpec(UPBIT, f"KRW-{c.base}", c.base, "KRW", 1e-8, None, rates[UPBIT], krw),
                c, history_minutes,
            )  # fmt: skip
        usdt = CoinSpec("USDT", 1.0, 0.05, 0.0, korean_name="테더", english_name="Tether")
        self._specs_extra = {"USDT": usdt}
        self._add_market(
            MarketSpec(UPBIT, "KRW-USDT", "USDT", "KRW", 1e-8, None, rates[UPBIT] / 2, 3e6),
            usdt, history_minutes,
        )  # fmt: skip
        for c in [*coins, usdt]:  # after every other venue: their seeded paths stay as they were
            krw = c.trade_usdt * usdt_krw * (0.2 if c.base != "USDT" else 1.0)
            rate = rates[BITHUMB] / (2 if c.base == "USDT" else 1)
            self._add_market(
                MarketSpec(BITHUMB, f"KRW-{c.base}", c.base, "KRW", 1e-8, None, rate, krw),
                c, history_minutes,
            )  # fmt: skip
            if c.base in BITHUMB_UNLISTED:
                self.unlisted.add((BITHUMB, f"KRW-{c.base}"))
        items = list(self._markets.items())
        self._main_markets = [(k, m) for k, m in items if m.venue != BITHUMB]
        self._bithumb_markets = [(k, m) for k, m in items if m.venue == BITHUMB]
        for key, mspec in items:  # every market starts with a last trade
            self._make_trade(key, mspec, self._rng_for(mspec))

    # ----------------------------------------------------------------- set-up helpers
    def _add_market(self, spec: MarketSpec, coin: CoinSpec, history_minutes: int) -> None:
        key = (spec.venue, spec.market)
        spec.qty_decimals = decimals_of(spec.qty_step)
        self._markets[key] = spec
        self._trades[key] = deque(maxlen=self._keep)
        synthetic = self._synthetic.get(coin.base)
        if synthetic is None:  # one history per coin, shared by its venues
            vol_min = coin.volatility / math.sqrt(_SECONDS_PER_YEAR / 60)
            seed = self.seed * 1_000_003 + zlib.crc32(coin.base.encode())
            synthetic = self._synthetic[coin.base] = SyntheticHistory(
                seed, history_minutes, vol_min
            )
        start_mid = self.mid(spec.venue, spec.market)
        tick = self.tick_size(spec.venue, spec.market, start_mid)
        nd = decimals_of(tick)

        def round_price(prices: Arr) -> Arr:
            return np.round(np.round(prices / tick) * tick, nd)

        volume_per_min = spec.trade_rate * 60 * spec.trade_quote * 0.6 / start_mid
        self._candles[key] = CandleStore(
            self.start_ms, synthetic, start_mid, round_price, volume_per_min
        )

    # ----------------------------------------------------------------- queries
    @property
    def coins(self) -> list[str]:
        return list(self._specs)

    def coin(self, base: str) -> CoinSpec:
        spec = self._specs.get(base) or self._specs_extra.get(base)
        if spec is None:
            raise KeyError(f"unknown coin {base!r}")
        return spec

    def markets(self, venue: str) -> list[MarketSpec]:
        return [m for k, m in self._markets.items() if k[0] == venue and k not in self.unlisted]

    def market_spec(self, venue: str, market: str) -> MarketSpec:
        try:
            return self._markets[(venue, market)]
        except KeyError:
            raise KeyError(f"unknown {venue} market {market!r}") from None

    def has_market(self, venue: str, market: str) -> bool:
        return (venue, market) in self._markets and (venue, market) not in self.unlisted

    def delist(self, venue: str, market: str) -> None:
        """Switch: the venue stops listing `market` (its prices keep moving, unseen)."""
        self.market_spec(venue, market)
        self.unlisted.add((venue, market))

    def schedule_delisting(self, venue: str, market: str, day: str | None) -> None:
        """Switch: the venue announces the end of trading of `market` on `day` ("YYYY-MM-DD",
        Upbit's ticker `delisting_date`); None withdraws it."""
        self.market_spec(venue, market)
        if day is None:
            self.delisting_dates.pop((venue, market), None)
        else:
            self.delisting_dates[(venue, market)] = day

    def set_market_state(self, venue: str, market: str, state: str) -> None:
        """Switch: the ticker's `market_state` of `market` (PREVIEW: deposits only, ACTIVE,
        DELISTED)."""
        self.market_spec(venue, market)
        if state not in ("PREVIEW", "ACTIVE", "DELISTED"):
            raise ValueError(f"unknown market_state {state!r}")
        self.market_states[(venue, market)] = state

    def relist(self, venue: str, market: str) -> None:
        """Switch: list `market` (again); a market delisted before the service started is a
        new listing to it."""
        self.market_spec(venue, market)
        self.unlisted.discard((venue, market))

    @property
    def usdt_krw(self) -> float:
        return self._usdt_krw

    @property
    def usd_krw(self) -> float:
        return self._usd_krw

    def set_usdt_krw(self, rate: float) -> None:
        self._usdt_krw = rate

    def set_usd_krw(self, rate: float) -> None:
        self._usd_krw = rate

    def binance_mid(self, base: str) -> float:
        return self._px[base]

    def futures_mark(self, base: str) -> float:
        return self._px[base] * (1 + self.futures_basis_pct / 100)

    def upbit_mid(self, base: str) -> float:
        if base == "USDT":
            return self._usdt_krw
        return self._px[base] * self._usdt_krw * (1 + self._premium[base] / 100)

    def bithumb_mid(self, base: str) -> float:
        return self.upbit_mid(base) * (1 + self._bithumb_offset[base] / 100)

    def bithumb_offset_pct(self, base: str) -> float:
        return self._bithumb_offset[base]

    def set_bithumb_offset(self, base: str, pct: float) -> None:
        """Switch: Bithumb's price for `base` is Upbit's moved by `pct` percent (the spread)."""
        self.coin(base)
        self._bithumb_offset[base] = float(pct)

    def krw_mid(self, venue: str, base: str) -> float:
        """`base`'s KRW mid on a KRW venue ("upbit" or "bithumb")."""
        return self.bithumb_mid(base) if venue == BITHUMB else self.upbit_mid(base)

    def _rng_for(self, spec: MarketSpec) -> random.Random:
        return self._rng_bithumb if spec.venue == BITHUMB else self._rng

    def mid(self, venue: str, market: str) -> float:
        spec = self._markets[(venue, market)]
        if venue == UPBIT:
            return self.upbit_mid(spec.base)
        if venue == BITHUMB:
            return self.bithumb_mid(spec.base)
        if venue == BINANCE_FUTURES:
            return self.futures_mark(spec.base)
        return self.binance_mid(spec.base)

    def tick_size(self, venue: str, market: str, price: float | None = None) -> float:
        spec = self._markets[(venue, market)]
        if spec.price_tick is not None:
            return spec.price_tick
        return float(krw_tick(self.mid(venue, market) if price is None else price, spec.base))

    # ----------------------------------------------------------------- premium / scripting
    def premium_pct(self, base: str) -> float:
        return self._premium[base]

    def set_premium(self, base: str, pct: float) -> None:
        self._ramps.pop(base, None)
        self._premium[base] = float(pct)

    def ramp_premium(self, base: str, to_pct: float, over_seconds: float) -> None:
        """Move the premium linearly from its current value to `to_pct` over virtual time."""
        if over_seconds <= 0:
            self.set_premium(base, to_pct)
            return
        start = self._t_ms
        self._ramps[base] = (start, start + int(over_seconds * 1000), self._premium[base], to_pct)

    def set_price(self, base: str, usdt_price: float) -> None:
        if usdt_price <= 0:
            raise ValueError("price must be positive")
        self._px[base] = float(usdt_price)

    def jump(self, base: str, pct: float) -> None:
        self._px[base] *= 1 + pct / 100

    def schedule(self, at_ms: int, action: Callable[[], None]) -> None:
        """Run `action` when the walk reaches virtual time `at_ms` (scripted scenarios)."""
        heapq.heappush(self._schedule, (at_ms, next(self._schedule_seq), action))

    # ----------------------------------------------------------------- events
    def add_listener(self, cb: Callable[[MarketEvent], None]) -> None:
        self._listeners.append(cb)

    def remove_listener(self, cb: Callable[[MarketEvent], None]) -> None:
        if cb in self._listeners:
            self._listeners.remove(cb)

    def _emit(self, event: MarketEvent) -> None:
        for cb in self._listeners:
            cb(event)

    # ----------------------------------------------------------------- the walk
    def tick(self, max_steps: int = 20_000) -> None:
        """Advance the model to `clock.now()`, emitting trades, then one book per market."""
        target = self.clock.now_ms()
        n = (target - self._t_ms) // self.step_ms
        if n <= 0:
            return
        step_ms = self.step_ms if n <= max_steps else (target - self._t_ms) // max_steps
        for _ in range(min(n, max_steps)):
            self._step(step_ms)
        for key in self._markets:
            self._emit(self.book(*key))

    def _step(self, step_ms: int) -> None:
        rng = self._rng
        self._t_ms += step_ms
        self.step_index += 1
        while self._schedule and self._schedule[0][0] <= self._t_ms:
            heapq.heappop(self._schedule)[2]()
        dt = step_ms / 1000
        for base, spec in self._specs.items():
            if rng.random() < 0.0005 * dt:  # regime switch: calm <-> volatile
                self._regime[base] = 3.0 if self._regime[base] == 1.0 else 1.0
            sigma = spec.volatility * self._regime[base] * math.sqrt(dt / _SECONDS_PER_YEAR)
            move = sigma * rng.gauss(0.0, 1.0)
            if rng.random() < 0.0002 * dt:  # rare jump of 0.3-1.5 %
                move += rng.choice((-1, 1)) * rng.uniform(0.003, 0.015)
            self._px[base] *= math.exp(move)
            ramp = self._ramps.get(base)
            if ramp is not None:
                t0, t1, p0, p1 = ramp
                frac = min(1.0, (self._t_ms - t0) / max(1, t1 - t0))
                self._premium[base] = p0 + (p1 - p0) * frac
                if frac >= 1.0:
                    del self._ramps[base]
        self._usdt_krw *= math.exp(0.02 * math.sqrt(dt / _SECONDS_PER_YEAR) * rng.gauss(0, 1))
        self._draw_trades(self._main_markets, rng, dt)
        self._draw_trades(self._bithumb_markets, self._rng_bithumb, dt)

    def _draw_trades(
        self, markets: list[tuple[tuple[str, str], MarketSpec]], rng: random.Random, dt: float
    ) -> None:
        for key, mspec in markets:
            lam = mspec.trade_rate * dt
            count = 0
            u = rng.random()
            p = math.exp(-lam)
            cum = p
            while u > cum and count < 20:  # Poisson draw by inversion
                count += 1
                p *= lam / count
                cum += p
            for _ in range(count):
                self._make_trade(key, mspec, rng)

    def _make_trade(self, key: tuple[str, str], spec: MarketSpec, rng: random.Random) -> None:
        bid, ask = self._touch(spec)
        buyer_maker = rng.random() < 0.5
        price = bid if buyer_maker else ask
        notional = spec.trade_quote * min(20.0, rng.lognormvariate(-0.5, 1.0))
        qty = max(spec.qty_step, floor_to(notional / price, spec.qty_step, spec.qty_decimals))
        trade = SimTrade(spec.venue, spec.market, spec.next_trade_id, price, qty, buyer_maker,
                         self._t_ms)  # fmt: skip
        spec.next_trade_id += 1
        self._trades[key].append(trade)
        self._last[key] = trade
        self._candles[key].add_trade(trade.ts_ms, price, qty)
        self._emit(trade)

    def _touch(self, spec: MarketSpec) -> tuple[float, float]:
        mid = self.mid(spec.venue, spec.market)
        tick = self.tick_size(spec.venue, spec.market, mid)
        nd = decimals_of(tick)
        half = max(mid * self.spread_bps / 20_000, tick / 2)
        bid = floor_to(mid - half, tick, nd)
        ask = ceil_to(mid + half, tick, nd)
        if ask <= bid:
            ask = round(bid + tick, nd)
        return bid, ask

    # ----------------------------------------------------------------- books / records
    def book(self, venue: str, market: str, depth: int = 30) -> SimBook:
        """The current book: a deterministic function of the seed, market and step index."""
        spec = self._markets[(venue, market)]
        bid, ask = self._touch(spec)
        mid = (bid + ask) / 2
        tick = self.tick_size(venue, market, mid)
        nd = decimals_of(tick)
        gap = max(tick, floor_to(mid * 1e-5, tick, nd))
        seed = (
            self.seed * 1_000_003 + zlib.crc32(f"{venue}:{market}".encode())
        ) * 7919 + self.step_index
        build = level_builder(seed, bid, ask, gap, nd, spec.trade_quote * 2, spec.qty_step,
                              spec.qty_decimals, depth)  # fmt: skip
        return SimBook(venue, market, ts_ms=self._t_ms, build=build)

    def now_ms(self) -> int:
        """Market time of the last processed step."""
        return self._t_ms

    def trades(self, venue: str, market: str) -> list[SimTrade]:
        return list(self._trades[(venue, market)])

    def last_trade(self, venue: str, market: str) -> SimTrade | None:
        return self._last.get((venue, market))

    def candles(
        self, venue: str, market: str, interval_s: int, end_ms: int, count: int,
        fill_gaps: bool = False,
    ) -> list[SimCandle]:  # fmt: skip
        """Bars of `interval_s` (1..59 dividing 60, or a multiple of 60) ending at `end_ms`."""
        # A venue answers with every trade up to the moment it is asked. The market otherwise
        # moves only at the tick loop's ticks, so a minute the clock has closed could come back
        # without its last trades when a loaded loop ticks late, and a client that stored that
        # answer would disagree with the venue forever after.
        self.tick()
        store = self._candles[(venue, market)]
        if interval_s < 60:
            if 60 % interval_s:
                raise ValueError(f"unsupported candle interval {interval_s}s")
            return self._second_candles(venue, market, interval_s, end_ms, count)
        if interval_s % 60:
            raise ValueError(f"unsupported candle interval {interval_s}s")
        return store.candles(interval_s, end_ms, count, fill_gaps)

    def _second_candles(
        self, venue: str, market: str, interval_s: int, end_ms: int, count: int
    ) -> list[SimCandle]:
        step = interval_s * 1000
        first = (end_ms // step - count + 1) * step
        bars: dict[int, list[float]] = {}
        for t in self._trades[(venue, market)]:
            if first <= t.ts_ms <= end_ms:
                o = t.ts_ms // step * step
                b = bars.get(o)
                if b is None:
                    bars[o] = [t.price, t.price, t.price, t.price, t.qty, t.price * t.qty, 1]
                else:
                    b[1], b[2], b[3] = max(b[1], t.price), min(b[2], t.price), t.price
                    b[4] += t.qty
                    b[5] += t.price * t.qty
                    b[6] += 1
        return [_candle(o, interval_s, b) for o, b in sorted(bars.items())]

    def ticker_24h(self, venue: str, market: str) -> dict[str, float]:
        """Rolling 24 h statistics: open/high/low/last/volume/quote_volume/change/change_pct.

        O(1): closed minutes come from an incrementally maintained window (`RollingDay`),
        the open minute from its bar.
        """
        key = (venue, market)
        window = self._rolling.get(key)
        if window is None:
            window = self._rolling[key] = RollingDay(self._candles[key])
        now_min = self._t_ms // MINUTE_MS * MINUTE_MS
        base = window.closed(now_min)
        cur = self._candles[key].minutes.get(now_min)
        last_trade = self._last.get(key)
        last = last_trade.price if last_trade else (cur or base or [self.mid(*key)] * 4)[3]
        o = base[0] if base else (cur[0] if cur else last)
        hi = max(x for x in (base[1] if base else None, cur[1] if cur else None, last) if x)
        lo = min(x for x in (base[2] if base else None, cur[2] if cur else None, last) if x)
        vol = (base[4] if base else 0.0) + (cur[4] if cur else 0.0)
        qvol = (base[5] if base else 0.0) + (cur[5] if cur else 0.0)
        count = (base[6] if base else 0.0) + (cur[6] if cur else 0.0)
        return {
            "open": o, "high": hi, "low": lo, "last": last, "volume": vol,
            "quote_volume": qvol, "change": last - o, "change_pct": (last / o - 1) * 100 if o else 0.0,
            "count": count, "open_ms": self._t_ms - 86_400_000, "close_ms": self._t_ms,
            "last_qty": last_trade.qty if last_trade else 0.0,
        }  # fmt: skip

    def warm_up(self) -> None:
        """Build every market's synthetic history tail and 24 h window now (~20 ms), so the
        first ticker request or `!miniTicker@arr` subscription does not pay for it."""
        for venue, market in self._markets:
            self.ticker_24h(venue, market)

    def prune(self) -> None:
        """Drop real minute bars older than the synthetic history window (memory bound)."""
        for store in self._candles.values():
            store.prune(14 * 86_400_000, self._t_ms)
