"""MarketDataManager: owns every market-data connection and publishes typed events on the bus.

Upbit (and Bithumb, when configured): ticker, trade and top of book for every KRW market (the
kimp monitor needs them all), split across connections. Binance spot: the all-market miniTicker plus, per subscribed symbol,
what the subscriber declared it needs (`Need`: bookTicker for quotes, trade for trades and
candles). Binance USDⓈ-M: bookTicker and markPrice for quotes, aggTrade (and kline for repairs)
for trades and candles. Candles are built from trades and warmed up from REST only for symbols
that need candles; REST covers outages (fallback) and repairs gaps. The universe is refreshed
periodically: new markets are streamed, delisted ones dropped.

The per-venue plumbing is built in `feeds.py`; which connection carries which stream is
`placement.StreamPlacer`'s business. This module keeps what subscribers and the app see.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import aiohttp
from loguru import logger

from core.clock import Clock, SystemClock
from core.events import EventBus
from core.market import Candle, StreamState, StreamStatus
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from exchanges import reasons
from exchanges.candle_service import CandleService
from exchanges.config import MarketDataConfig
from exchanges.feeds import Feed, build_feeds, stream_of
from exchanges.http import RestError
from exchanges.placement import StreamPlacer
from exchanges.quotation import VENUES as QUOTATION_VENUES
from exchanges.server_clock import measure_offset
from exchanges.subscriptions import Need
from exchanges.universe import Universe

__all__ = ["MarketDataConfig", "MarketDataManager", "Need"]


class MarketDataManager:
    """See module docstring. `run()` is the one supervised component."""

    def __init__(
        self,
        config: MarketDataConfig,
        bus: EventBus,
        clock: Clock | None = None,
        db: Database | None = None,
    ) -> None:
        self.config = config
        self.bus = bus
        self.clock = clock or SystemClock()
        self.db = db
        self.candles = CandleService(
            config.candles, self.clock, bus.publish, db, max_lag=config.stale_after
        )
        self.feeds: dict[Venue, Feed] = {}
        self.statuses: dict[str, StreamStatus] = {}
        self.universe: Universe | None = None
        self._wanted: dict[Venue, dict[Symbol, Need]] = {v: {} for v in Venue}
        self._universe_retry_at = 0.0
        self._tg: asyncio.TaskGroup | None = None
        self._placer: StreamPlacer | None = None  # set once the first universe is known
        self._session: aiohttp.ClientSession | None = None
        self._started = 0.0
        self._clock_offsets: dict[Venue, float] = {}
        self.ready = asyncio.Event()

    # --- provider API (facade.market_data) ------------------------------------------------------

    def last_price(self, instrument: Instrument) -> float | None:
        feed = self.feeds.get(instrument.venue)
        return None if feed is None else feed.pipeline.last_price(instrument)

    def is_stale(self, venue: Venue) -> bool:
        """True unless every stream of `venue` is up, delivering and not delayed (REST fallback
        counts as stale: a price polled every few seconds is not good enough to place orders on;
        so does a stream far behind the venue's event time, see `MarketDataConfig.max_lag`)."""
        feed = self.feeds.get(venue)
        return (
            feed is None
            or not feed.runners
            or not all(r.healthy and r.delayed is None for r in feed.runners)
        )

    def data_age(self, instrument: Instrument) -> float | None:
        """Seconds since `instrument`'s price was last known current; None if it never was.

        Its own newest event (stream or REST fallback), or, while the connection carrying it
        is healthy and punctual, that connection's newest frame: a quiet market on a live
        stream still has its last price. A connection that went silent or fell behind the
        venue vouches for nothing, so the age grows from the last real delivery."""
        feed = self.feeds.get(instrument.venue)
        if feed is None:
            return None
        newest = feed.pipeline.last_seen(instrument)
        for r in feed.runners:
            if r.healthy and r.delayed is None and instrument in stream_of(r).instruments:
                newest = max(newest, r.last_frame)
        return None if newest <= 0 else max(0.0, self.clock.now() - newest)

    def delivering(self) -> dict[Venue, bool]:
        """Per configured venue: whether any market data from it arrived in this run (a venue
        being connected to, or failing to list its markets, has delivered nothing)."""
        return {
            v: (f := self.feeds.get(v)) is not None and f.pipeline.last_event > 0
            for v in self.config.venues
        }

    async def wait_delivering(self, timeout: float) -> dict[Venue, bool]:
        """`delivering()` as soon as every venue delivers, or as it stands after `timeout`."""
        waited = 0.0
        while not all((now := self.delivering()).values()) and waited < timeout:
            await self.clock.sleep(0.2)
            waited += 0.2
        return now

    def set_clock_offset(self, venue: Venue, offset: float) -> None:
        """Our clock is `offset` s ahead of `venue`'s (measured by the app's time sync): its
        streams' lag behind the venue is judged on the venue's clock from now on."""
        self._clock_offsets[venue] = offset
        feed = self.feeds.get(venue)
        if feed is not None:
            feed.pipeline.clock_offset = offset

    def recent_candles(self, instrument: Instrument, timeframe: str, n: int) -> list[Candle]:
        return self.candles.recent(instrument, timeframe, n)

    def builds_candles(self, instrument: Instrument, timeframe: str) -> bool:
        """True when this manager builds (and publishes) `timeframe` candles for `instrument`."""
        built = ("1m", *self.config.candles.timeframes)
        return timeframe in built and Need.CANDLES in self.wanted(instrument)

    async def flush_candles(self) -> None:
        """Write the closed candles still held in memory to the `candles` table now."""
        await self.candles.flush()

    async def rest_candles(
        self, instrument: Instrument, timeframe: str, limit: int, end_ms: int
    ) -> list[Candle]:
        """History from the venue's REST API (empty before the venue is set up)."""
        feed = self.feeds.get(instrument.venue)
        if feed is None:
            return []
        return await feed.rest.candles(instrument, timeframe, limit, end_ms=end_ms)

    def listed_symbols(self) -> dict[Venue, list[Symbol]]:
        """The venues' listed symbols (empty until the first listing arrived)."""
        return dict(self.universe.symbols) if self.universe is not None else {}

    async def status_lines(self) -> list[str | Text]:
        """/status lines for the market data, as catalog texts (`md.*`) the app words."""
        t = Text.of
        lines: list[str | Text] = []
        now = self.clock.now()
        for venue, feed in self.feeds.items():
            fb = feed.fallback
            mode: str | Text = ""
            if fb is not None and fb.active:
                mode = t("md.rest_fallback") if fb.serving else t("md.rest_fallback_silent")
            health = "live"
            if self.is_stale(venue):
                late = [r for r in feed.runners if r.healthy and r.delayed is not None]
                health = "delayed" if late and all(r.healthy for r in feed.runners) else "stale"
            lines.append(t("md.venue", venue=venue, health=t(f"md.health.{health}"), mode=mode))
            for r in feed.runners:
                age = (
                    t("md.ago", secs=f"{now - r.last_frame:.0f}") if r.last_frame else t("md.never")
                )
                state = t(f"stream.{r.state.value}") if r.state else t("md.state.connecting")
                if r.healthy and r.delayed is not None:
                    state = t("md.state.delayed", secs=f"{r.delayed:.0f}")
                lines.append(
                    t(
                        "md.connection",
                        name=r.name,
                        state=state,
                        age=age,
                        frames=r.frames,
                        reconnects=r.reconnects,
                        why="" if r.healthy else t("md.why", reason=r.reason),
                    )
                )
                quiet = sorted(str(i.symbol) for i in stream_of(r).quiet)
                if quiet:
                    more = f" +{len(quiet) - 8}" if len(quiet) > 8 else ""
                    lines.append(t("md.quiet", symbols=", ".join(quiet[:8]) + more))
            if feed.pipeline.bad.counts:
                bad = ", ".join(f"{k} {v}" for k, v in sorted(feed.pipeline.bad.counts.items()))
                lines.append(t("md.bad_input", counts=bad))
        st = self.candles.builder.stats
        lines.append(
            t(
                "md.candles",
                closed=st.closed,
                repaired=st.backfilled,
                unverified=st.unverified,
                waiting=self.candles.builder.pending_count(),
            )
        )
        return lines

    def subscribe(self, instruments: Iterable[Instrument], need: Need) -> None:
        """Stream what `need` says for these markets; `Need.CANDLES` also warms up candles.

        Needs add up per market (quotes now, candles later is fine). Upbit KRW markets are
        always streamed (Bithumb's too); asking for one only adds candle warm-up. Safe before or after `run()`.
        """
        if Need.CANDLES in need:
            need |= Need.TRADES
        grown: list[Instrument] = []
        warm: list[Instrument] = []
        for inst in instruments:
            wanted = self._wanted[inst.venue]
            before = wanted.get(inst.symbol, Need(0))
            if need in before:
                continue
            wanted[inst.symbol] = before | need
            grown.append(inst)
            if Need.CANDLES in need and Need.CANDLES not in before:
                warm.append(inst)
        if self._tg is None:
            return
        placer = self._placer
        for venue in {i.venue for i in grown}:
            if placer is not None and venue in self.feeds:
                placer.extend(venue, [i.symbol for i in grown if i.venue is venue])
        if warm:
            self._tg.create_task(self._warm_up(warm), name="md-warmup")

    def subscribe_quotes(self, instruments: Iterable[Instrument]) -> None:
        """Top of book only (e.g. the kimp monitor): no trade streams, no candle warm-up."""
        self.subscribe(instruments, Need.QUOTES)

    def subscribe_symbols(self, instruments: Iterable[Instrument], *, candles: bool = True) -> None:
        """Quotes and trades, and (unless `candles=False`) candles with REST warm-up.

        Kept for existing callers; new code says what it needs with `subscribe`.
        """
        need = Need.QUOTES | Need.TRADES | (Need.CANDLES if candles else Need(0))
        self.subscribe(instruments, need)

    def wanted(self, instrument: Instrument) -> Need:
        """What has been asked for this market so far (empty if nothing)."""
        return self._wanted[instrument.venue].get(instrument.symbol, Need(0))

    # --- running --------------------------------------------------------------------------------

    def _on_status(self, status: StreamStatus) -> None:
        self.statuses[status.connection] = status
        self.bus.publish(status)

    async def run(self) -> None:
        cfg = self.config
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            self._session = session
            self.feeds = {}  # a restart by the supervisor starts from scratch
            try:
                async with asyncio.TaskGroup() as tg:
                    self._tg = tg
                    self.feeds = build_feeds(
                        cfg, session, self.bus, self.candles.builder, self._on_status, self.clock
                    )
                    for venue, feed in self.feeds.items():
                        self.candles.fetchers[venue] = feed.rest.minute_range
                        feed.pipeline.clock_offset = self._clock_offsets.get(venue, 0.0)
                    self.universe = Universe({v: f.rest.markets for v, f in self.feeds.items()})
                    # Watched from the start: a venue whose markets cannot even be listed (no
                    # network) is as silent as a dead stream, and is alerted the same way.
                    self._started = self.clock.monotonic()
                    tg.create_task(self._watch(), name="md-watch")
                    tg.create_task(self._sync_clocks(session), name="md-clock")
                    placer = StreamPlacer(
                        cfg, self.feeds, self.universe, self._wanted, self._on_status,
                        self.clock, tg,
                    )  # fmt: skip
                    await self._initial_universe(placer)
                    self._placer = placer
                    for venue in self.feeds:  # what was asked for while others were listed
                        placer.extend(venue, list(self._wanted[venue]))
                    tg.create_task(self.candles.run(), name="md-candles")
                    tg.create_task(self._warm_up(self._all_wanted(Need.CANDLES)), name="md-warmup")
                    self.ready.set()
                    logger.info("market data running: {}", ", ".join(v.label for v in self.feeds))
                    del cfg
            finally:
                self._tg = None
                self._placer = None

    async def _sync_clocks(self, session: aiohttp.ClientSession) -> None:
        """Measure each streamed venue's clock now and every `clock_sync_every` s: the brokers'
        time sync covers Binance in live mode only, and Upbit never (no signed timestamps)."""
        while True:
            for venue in self.feeds:
                try:
                    offset = await measure_offset(session, venue, self.config, self.clock.now)
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    logger.debug("{}: server time not read: {!r}", venue.label, exc)
                    continue
                if offset is None:
                    continue
                if abs(offset) >= 1.0 and abs(self._clock_offsets.get(venue, 0.0)) < 1.0:
                    logger.warning("{}: our clock is {:+.1f}s off the venue's", venue.label, offset)
                self.set_clock_offset(venue, offset)
            await self.clock.sleep(self.config.clock_sync_every)

    async def _initial_universe(self, placer: StreamPlacer) -> None:
        """List every venue's markets, retrying those that fail; each venue streams as soon as
        its own list is known (one unreachable venue does not hold back the others)."""
        assert self.universe is not None
        delay = 1.0
        started: set[Venue] = set()
        while True:
            await self.universe.refresh(self.clock.now())
            for venue in self.feeds:
                if venue in self.universe.symbols and venue not in started:
                    placer.start(venue)
                    started.add(venue)
            missing = [v for v in self.feeds if v not in started]
            if not missing:
                return
            logger.warning("universe: cannot list markets for {}; retrying", missing)
            await self.clock.sleep(delay)
            delay = min(delay * 2, 30.0)

    def _all_wanted(self, need: Need) -> list[Instrument]:
        return [
            Instrument(v, s)
            for v, syms in self._wanted.items()
            for s, n in syms.items()
            if need in n
        ]

    async def _warm_up(self, instruments: list[Instrument]) -> None:
        """Recent 1m history (and the higher timeframes) so strategies need not wait hours."""
        cfg = self.config
        for inst in instruments:
            feed = self.feeds.get(inst.venue)
            if feed is None:
                continue
            for tf in ("1m", *cfg.candles.timeframes):
                try:
                    end = int(self.clock.now() * 1000)
                    got = await feed.rest.candles(inst, tf, cfg.warmup, end_ms=end)
                except (RestError, ValueError) as exc:
                    logger.warning("warm-up {} {} failed: {}", inst, tf, exc)
                    continue
                closed = [c for c in got if c.close_ts <= end]
                self.candles.seed(inst, tf, closed)

    async def _watch(self) -> None:
        """No market data from a venue for `no_data_alert_after` is an alert, never silence."""
        cfg = self.config
        while True:
            await self.clock.sleep(min(5.0, cfg.no_data_alert_after / 4, cfg.universe_refresh))
            if self.universe is not None and self._placer is not None:
                await self._refresh_universe_if_due()
            now = self.clock.now()
            for venue, feed in self.feeds.items():
                last = feed.pipeline.last_event or self._started_wall()
                silent = now - last
                if silent >= cfg.no_data_alert_after and not feed.no_data_alerted:
                    feed.no_data_alerted = True
                    why = reasons.no_data(venue, silent)
                    self._on_status(StreamStatus(venue, venue.value, StreamState.DOWN, why, now))
                elif silent < cfg.no_data_alert_after and feed.no_data_alerted:
                    feed.no_data_alerted = False
                    flowing = reasons.DATA_FLOWING
                    self._on_status(
                        StreamStatus(venue, venue.value, StreamState.RECOVERED, flowing, now)
                    )

    def _started_wall(self) -> float:
        return self.clock.now() - (self.clock.monotonic() - self._started)

    async def _refresh_universe_if_due(self) -> None:
        assert self.universe is not None
        every = self.config.universe_refresh
        due = min(self.universe.refreshed.values(), default=0.0) + every
        now = self.clock.now()
        if now < max(due, self._universe_retry_at):
            return
        self._universe_retry_at = now + min(60.0, every)  # a failing venue: at most once a minute
        change = await self.universe.refresh(self.clock.now())
        placer = self._placer
        if placer is None:
            return
        for venue in self.feeds:
            added = change.added.get(venue, [])
            removed = change.removed.get(venue, [])
            if added or removed:
                logger.info(
                    "universe {}: {} new ({}), {} delisted ({})",
                    venue.label, len(added), ", ".join(map(str, added[:10])),
                    len(removed), ", ".join(map(str, removed[:10])),
                )  # fmt: skip
            if venue in QUOTATION_VENUES:
                placer.follow_krw(venue, added, removed)
                continue
            if removed:
                placer.drop(venue, removed)
            # Wanted symbols that were not listed before (or came back) are streamed now.
            placer.extend(venue, [s for s in added if s in self._wanted[venue]])
