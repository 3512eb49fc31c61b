"""Turns market-model events into Binance market streams, for spot and for futures.

Stream routing keys are `<lowercase symbol>@<type>` with the type in Binance's spelling
(`btcusdt@aggTrade`, `btcusdt@kline_1m`, `btcusdt@depth5`, `btcusdt@depth` (diffs),
`btcusdt@markPrice@1s`) or an all-market name (`!miniTicker@arr`). Depth update-speed
suffixes (`@100ms`) are accepted and routed to the same key: every book the model emits is
one event.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterable
from typing import Any

import orjson

from peers.exchange_sim.binance_depth import DepthDiffs
from peers.exchange_sim.binance_market_data import (
    FUTURES_INTERVALS,
    INTERVALS,
    Fmt,
    agg_trade_event,
    book_ticker_event,
    foreign_mark_prices,
    foreign_mini_tickers,
    kline_event,
    mark_price_event,
    mini_ticker_event,
    partial_depth_event,
    ticker_event,
    trade_event,
    update_id,
)
from peers.exchange_sim.binance_rules import SymbolRules
from peers.exchange_sim.binance_ws import Canonical, StreamHub
from peers.exchange_sim.market import MarketEvent, MarketModel, SimBook, SimTrade

SPOT_TYPES = frozenset({"trade", "aggTrade", "bookTicker", "ticker", "miniTicker", "depth"})
FUTURES_PUBLIC_TYPES = frozenset({"bookTicker", "depth", "trade"})
FUTURES_MARKET_TYPES = frozenset(
    {"aggTrade", "markPrice", "markPrice@1s", "ticker", "miniTicker", "kline"}
)
SPOT_ALL = frozenset({"!miniTicker@arr"})
FUTURES_MARKET_ALL = frozenset({"!miniTicker@arr", "!markPrice@arr", "!markPrice@arr@1s"})
_TYPES = {
    t.lower(): t
    for t in (
        "trade",
        "aggTrade",
        "bookTicker",
        "ticker",
        "miniTicker",
        "markPrice",
        "markPrice@1s",
    )
}
_DEPTH_SPEEDS = frozenset({"", "@100ms", "@250ms", "@500ms", "@1000ms"})


def make_canonical(
    rules: dict[str, SymbolRules],
    types: frozenset[str],
    all_market: frozenset[str],
    intervals: Iterable[str],
) -> Canonical:
    ivals = set(intervals)
    all_lower = {n.lower(): n for n in all_market}

    def canonical(name: str) -> str | None:
        if name.startswith("!"):
            return all_lower.get(name.lower())
        sym, sep, rest = name.partition("@")
        if not sep or sym.upper() not in rules:
            return None
        sym = sym.lower()
        if rest.startswith("kline_"):
            return f"{sym}@{rest}" if "kline" in types and rest[6:] in ivals else None
        if rest.startswith("depth"):
            # partial books depth5/10/20 and the diff stream depth, each at any update speed
            levels, _, speed = rest[5:].partition("@")
            if (
                "depth" in types
                and levels in ("", "5", "10", "20")
                and (("@" + speed if speed else "") in _DEPTH_SPEEDS)
            ):
                return f"{sym}@depth{levels}"
            return None
        kind = _TYPES.get(rest.lower())
        return f"{sym}@{kind}" if kind in types else None

    return canonical


class StreamPublisher:
    """Feeds the hubs of one venue: event-driven trades/books, timed klines/tickers/marks."""

    def __init__(
        self,
        model: MarketModel,
        venue: str,
        rules: dict[str, SymbolRules],
        hubs: list[StreamHub],
        *,
        futures: bool,
        kline_period: float,
        ticker_period: float = 1.0,
    ) -> None:
        self.model = model
        self.venue = venue
        self.rules = rules
        self.hubs = hubs
        self.fmt = Fmt(futures)
        self.futures = futures
        self.kline_period = kline_period
        self.ticker_period = ticker_period
        self._lower = {s.lower(): r for s, r in rules.items()}
        self._kline_open: dict[str, int] = {}
        self.depth = DepthDiffs(model, venue, self.fmt)
        for hub in hubs:
            hub.on_first_subscriber = self._first_subscriber

    def _first_subscriber(self, key: str) -> None:
        sym, _, rest = key.partition("@")
        if rest == "depth" and sym in self._lower:
            self.depth.start(self._lower[sym])

    def _wanted(self, key: str) -> bool:
        return any(h.wanted(key) for h in self.hubs)

    def _publish(self, key: str, obj: object) -> None:
        data = orjson.dumps(obj)
        for hub in self.hubs:
            hub.publish(key, data)

    def on_event(self, event: MarketEvent) -> None:
        if event.venue != self.venue:
            return
        r = self.rules.get(event.market)
        if r is None:
            return
        sym = event.market.lower()
        now = self.model.now_ms()
        if isinstance(event, SimTrade):
            if self._wanted(k := f"{sym}@trade"):
                self._publish(k, trade_event(event, r, self.fmt, now))
            if self._wanted(k := f"{sym}@aggTrade"):
                self._publish(k, agg_trade_event(event, r, self.fmt, now))
        elif isinstance(event, SimBook):
            # a book's levels are built on first read: only read them for a subscriber
            uid = update_id(self.model)
            if self._wanted(k := f"{sym}@bookTicker") and event.bids and event.asks:
                self._publish(k, book_ticker_event(event, r, self.fmt, uid, now))
            for levels in (5, 10, 20):
                if self._wanted(k := f"{sym}@depth{levels}") and event.bids and event.asks:
                    self._publish(k, partial_depth_event(event, r, self.fmt, levels, uid, now))
            if self._wanted(k := f"{sym}@depth"):
                diff = self.depth.event(r, event, now)
                if diff is not None:
                    self._publish(k, diff)
            else:
                self.depth.stop(r.symbol)

    def _keys(self) -> set[str]:
        keys: set[str] = set()
        for hub in self.hubs:
            keys.update(hub.keys())
        return keys

    async def run(self) -> None:
        """Timed streams: klines every `kline_period`, tickers every second, marks 1 s / 3 s."""
        next_ticker = next_kline = time.monotonic()
        n = 0
        while True:
            now = time.monotonic()
            if now >= next_kline:
                next_kline = now + self.kline_period
                self._klines()
            if now >= next_ticker:
                next_ticker = now + self.ticker_period
                self._tickers(n)
                n += 1
            await asyncio.sleep(max(0.0, min(next_kline, next_ticker) - time.monotonic()))

    def _klines(self) -> None:
        table = FUTURES_INTERVALS if self.futures else INTERVALS
        now = self.model.now_ms()
        for key in self._keys():
            sym, _, rest = key.partition("@")
            if not rest.startswith("kline_"):
                continue
            interval = rest[6:]
            r = self._lower[sym]
            bars = self.model.candles(self.venue, r.symbol, table[interval], now, 2)
            if not bars:
                continue
            last = self.model.last_trade(self.venue, r.symbol)
            last_id = last.trade_id if last else 0
            cur = bars[-1]
            prev_open = self._kline_open.get(key)
            if prev_open is not None and prev_open < cur.open_ms and len(bars) > 1:
                closed = bars[-2]
                self._publish(key, kline_event(closed, r, self.fmt, interval, True,
                                               last_id - cur.trade_count, now))  # fmt: skip
            self._kline_open[key] = cur.open_ms
            self._publish(key, kline_event(cur, r, self.fmt, interval, False, last_id, now))

    def _tickers(self, n: int) -> None:
        now = self.model.now_ms()
        keys = self._keys()
        for key in keys:
            sym, _, rest = key.partition("@")
            r = self._lower.get(sym)
            if r is None:
                continue
            if rest == "ticker":
                self._publish(key, ticker_event(self.model, self.venue, r, self.fmt, now))
            elif rest == "miniTicker":
                self._publish(key, mini_ticker_event(self.model, self.venue, r, self.fmt, now))
            elif rest == "markPrice@1s" or (rest == "markPrice" and n % 3 == 0):
                self._publish(key, mark_price_event(self.model, r, self.fmt, now))
        foreign = self._foreign_items()
        if "!miniTicker@arr" in keys:
            arr = [mini_ticker_event(self.model, self.venue, r, self.fmt, now)
                   for r in self.rules.values()]  # fmt: skip
            if foreign:
                arr = self._mixed(arr, foreign_mini_tickers(self.futures, now), n)
            self._publish("!miniTicker@arr", arr)
        for key, every in (("!markPrice@arr@1s", 1), ("!markPrice@arr", 3)):
            if key in keys and n % every == 0:
                arr = [mark_price_event(self.model, r, self.fmt, now) for r in self.rules.values()]
                if foreign:
                    arr = self._mixed(arr, foreign_mark_prices(now), n)
                self._publish(key, arr)

    def _foreign_items(self) -> bool:
        hub = self.hubs[0] if self.hubs else None
        return hub is not None and hub.faults.foreign_items_on(hub.venue)

    @staticmethod
    def _mixed(ours: list[Any], foreign: list[Any], n: int) -> list[Any]:
        """Ours and the markets we cannot trade in an arbitrary (but reproducible) order, as
        the real arrays come: a foreign item may come first."""
        arr = ours + foreign
        random.Random(n).shuffle(arr)
        return arr
