"""Which connection carries which stream: `StreamPlacer` puts markets onto WebSocket runners.

Upbit and Bithumb (the quotation wire): every KRW market's codes, split across connections
(`upbit_codes_per_connection`, `bithumb_codes_per_connection`); new listings go where there
is room. Binance: the all-market stream(s) first, then per wanted
symbol the streams its `Need` calls for, packed onto connections of the right route up to
`binance_streams_per_connection`. Delisted markets are taken off again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from loguru import logger

from core.clock import Clock
from core.market import StreamStatus
from core.symbols import Symbol, Venue
from exchanges.binance.stream import BinanceStream, futures_route
from exchanges.bithumb.stream import BithumbStream
from exchanges.config import MarketDataConfig
from exchanges.feeds import Feed, stream_of
from exchanges.quotation import VENUES as QUOTATION_VENUES
from exchanges.quotation.stream import QuotationStream
from exchanges.stream_base import PipelineStream
from exchanges.subscriptions import Need, binance_streams
from exchanges.universe import Universe, split
from exchanges.upbit.stream import UpbitStream
from exchanges.ws_runner import WsRunner

FUTURES_ALL_MARKS = "!markPrice@arr@1s"


class StreamPlacer:
    """Places streams for one run of the manager (a restart starts a new placer).

    `wanted` is the manager's live record of what subscribers asked for; every runner (and a
    venue's REST fallback, with its first runner) is started as a task in `tg`.
    """

    def __init__(
        self,
        config: MarketDataConfig,
        feeds: dict[Venue, Feed],
        universe: Universe,
        wanted: dict[Venue, dict[Symbol, Need]],
        on_status: Callable[[StreamStatus], None],
        clock: Clock,
        tg: asyncio.TaskGroup,
    ) -> None:
        self.config = config
        self.feeds = feeds
        self.universe = universe
        self.wanted = wanted
        self.streamed: dict[Venue, set[str]] = {v: set() for v in Venue}  # Binance streams
        self._on_status = on_status
        self._clock = clock
        self._tg = tg

    def start(self, venue: Venue) -> None:
        """The first connections of `venue`, for everything listed and wanted so far."""
        if venue in QUOTATION_VENUES:
            codes = [s.to_upbit() for s in self.universe.symbols[venue]]
            for chunk in split(codes, self._codes_per_connection(venue)):
                self._add_runner(venue, chunk)
        elif venue is Venue.BINANCE_SPOT:
            self._add_runner(venue, ["!miniTicker@arr"])
            self.extend(venue, list(self.wanted[venue]))
        else:
            # Every perpetual's mark price, once a second, on one stream: the venue always has a
            # live price (manual orders, the paper broker, staleness checks) even when no
            # strategy subscribed a futures symbol.
            self._add_runner(venue, [FUTURES_ALL_MARKS], "market")
            self.extend(venue, list(self.wanted[venue]))

    def extend(self, venue: Venue, symbols: list[Symbol]) -> None:
        """Place the Binance streams these wanted symbols still lack (listed ones only)."""
        if venue in QUOTATION_VENUES or not symbols:
            return
        if venue in self.universe.symbols:
            unknown = [s for s in symbols if not self.universe.has(venue, s)]
            if unknown:
                logger.warning("{}: not listed, not streamed: {}", venue.label, unknown)
                symbols = [s for s in symbols if s not in unknown]
        wanted = self.wanted[venue]
        placed = self.streamed[venue]
        streams = [
            name
            for s in symbols
            for name in binance_streams(venue, s, wanted.get(s, Need(0)))
            if name not in placed
        ]
        placed.update(streams)
        routes = [""] if venue is Venue.BINANCE_SPOT else ["public", "market"]
        for route in routes:
            mine = [s for s in streams if not route or futures_route(s) == route]
            self._place(venue, mine, route)

    def drop(self, venue: Venue, symbols: list[Symbol]) -> None:
        """Unsubscribe every Binance stream of these (delisted) symbols."""
        gone = {s.to_binance().lower() for s in symbols}
        feed = self.feeds[venue]
        for r in feed.runners:
            h = stream_of(r)
            if isinstance(h, BinanceStream):
                mine = [n for n in h.streams if n.split("@", 1)[0] in gone]
                if mine:
                    h.remove_streams(mine)
                    self.streamed[venue].difference_update(mine)

    def _codes_per_connection(self, venue: Venue) -> int:
        if venue is Venue.BITHUMB:
            return self.config.bithumb_codes_per_connection
        return self.config.upbit_codes_per_connection

    def follow_krw(self, venue: Venue, added: list[Symbol], removed: list[Symbol]) -> None:
        """Every KRW market of `venue` (Upbit, Bithumb) is streamed: new codes go where there is
        room, delisted ones out."""
        feed = self.feeds[venue]
        gone = {s.to_upbit() for s in removed}
        new = [s.to_upbit() for s in added]
        limit = self._codes_per_connection(venue)
        for r in feed.runners:
            h = stream_of(r)
            if not isinstance(h, QuotationStream):
                continue
            codes = [c for c in h.codes if c not in gone]
            room = max(0, limit - len(codes))
            codes += new[:room]
            new = new[room:]
            if codes != h.codes and codes:
                h.set_codes(codes)
        for chunk in split(new, limit) if new else []:
            self._add_runner(venue, chunk)

    def _place(self, venue: Venue, streams: list[str], route: str) -> None:
        feed = self.feeds[venue]
        limit = self.config.binance_streams_per_connection
        for r in feed.runners:
            h = stream_of(r)
            if not streams:
                return
            if isinstance(h, BinanceStream) and h.route == route:
                room = limit - len(h.streams)
                if room > 0:
                    h.add_streams(streams[:room])
                    streams = streams[room:]
        for chunk in split(streams, limit) if streams else []:
            self._add_runner(venue, chunk, route)

    def _add_runner(self, venue: Venue, items: list[str], route: str = "") -> None:
        feed = self.feeds[venue]
        n = len(feed.runners)
        handler: PipelineStream
        if venue in QUOTATION_VENUES:
            kind, url = (
                (BithumbStream, self.config.bithumb_ws_url)
                if venue is Venue.BITHUMB
                else (UpbitStream, self.config.upbit_ws_url)
            )
            # the same three channels on both KRW venues
            handler = kind(
                f"{venue.value}-{n}", url, feed.pipeline, items, self.config.upbit_channels
            )
        else:
            base = (
                self.config.binance_ws_url
                if venue is Venue.BINANCE_SPOT
                else self.config.binance_futures_ws_url
            )
            name = f"{venue.value}-{route + '-' if route else ''}{n}"
            handler = BinanceStream(name, base, feed.pipeline, items, route)
        runner = WsRunner(handler, feed.runner_config, self._on_status, self._clock, feed.limiter)
        feed.runners.append(runner)
        self._tg.create_task(runner.run(), name=f"ws:{handler.name}")
        if len(feed.runners) == 1 and feed.fallback is not None:
            self._tg.create_task(feed.fallback.run(), name=f"rest-fallback:{venue.value}")
