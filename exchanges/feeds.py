"""One venue's market-data plumbing (`Feed`): REST client, pipeline, WebSocket runners and the
REST fallback that polls while those runners are down, built here from `MarketDataConfig`.

The manager owns the feeds; `placement.StreamPlacer` decides which runner carries what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from core.clock import Clock
from core.events import EventBus
from core.market import MarkPrice, StreamStatus, Ticker
from core.symbols import Venue
from exchanges.base import BadInput
from exchanges.binance.rest import BinanceRest
from exchanges.binance.stream import binance_runner_config
from exchanges.bithumb.rest import BithumbRest
from exchanges.bithumb.stream import bithumb_runner_config
from exchanges.candles import CandleBuilder
from exchanges.config import MarketDataConfig
from exchanges.fallback import Poll, RestFallback
from exchanges.http import RestClient
from exchanges.pipeline import Pipeline
from exchanges.quotation import VENUES as QUOTATION_VENUES
from exchanges.quotation.rest import QuotationRest
from exchanges.stream_base import PipelineStream
from exchanges.upbit.rest import UpbitRest
from exchanges.upbit.stream import upbit_runner_config
from exchanges.ws_runner import ConnectLimiter, RunnerConfig, WsRunner


@dataclass(slots=True)
class Feed:
    venue: Venue
    pipeline: Pipeline
    rest: QuotationRest | BinanceRest
    runner_config: RunnerConfig
    limiter: ConnectLimiter
    runners: list[WsRunner] = field(default_factory=list)
    fallback: RestFallback | None = None
    no_data_alerted: bool = False


def build_feeds(
    cfg: MarketDataConfig,
    session: aiohttp.ClientSession,
    bus: EventBus,
    builder: CandleBuilder,
    on_status: Callable[[StreamStatus], None],
    clock: Clock,
) -> dict[Venue, Feed]:
    """A feed per configured venue, with no runners yet (the placer adds them)."""
    common = {
        "backoff_initial": cfg.backoff_initial,
        "backoff_max": cfg.backoff_max,
        "healthy_after": cfg.healthy_after,
        "symbol_stale_after": cfg.symbol_stale_after,
        "max_lag": cfg.max_lag,
        **cfg.runner_overrides,
    }
    feeds: dict[Venue, Feed] = {}
    for venue in cfg.venues:
        client = RestClient(session, rest_url(cfg, venue), cfg.rest_interval[venue], clock=clock)
        bad = BadInput(venue.value)
        # Binance trade ids run contiguously per market; the quotation wire's sequential_id not.
        contiguous = venue not in QUOTATION_VENUES
        pipeline = Pipeline(venue, bus.publish, builder, bad, contiguous)
        rest: QuotationRest | BinanceRest
        if venue is Venue.UPBIT:
            rest = UpbitRest(client)
            rc = upbit_runner_config(cfg.stale_after, **common)
            limiter = ConnectLimiter(0.25, clock)
        elif venue is Venue.BITHUMB:
            rest = BithumbRest(client)
            rc = bithumb_runner_config(cfg.stale_after, **common)
            limiter = ConnectLimiter(0.25, clock)  # 10 connection requests a second per IP
        else:
            rest = BinanceRest(client, venue)
            futures = venue is Venue.BINANCE_FUTURES
            rc = binance_runner_config(
                cfg.stale_after, futures, **{"max_lifetime": cfg.binance_max_lifetime, **common}
            )
            limiter = ConnectLimiter(1.0, clock)
        feed = Feed(venue, pipeline, rest, rc, limiter)
        feed.fallback = RestFallback(
            venue,
            lambda f=feed: f.runners,  # type: ignore[misc]
            _poller(feed),
            pipeline.sink,
            on_status,
            cfg.fallback,
            clock,
        )
        feeds[venue] = feed
    return feeds


def rest_url(cfg: MarketDataConfig, venue: Venue) -> str:
    return {
        Venue.UPBIT: cfg.upbit_rest_url,
        Venue.BINANCE_SPOT: cfg.binance_rest_url,
        Venue.BINANCE_FUTURES: cfg.binance_futures_rest_url,
        Venue.BITHUMB: cfg.bithumb_rest_url,
    }[venue]


def _poller(feed: Feed) -> Poll:
    """What the REST fallback polls: the streamed KRW codes' tickers (Upbit, Bithumb), or
    every Binance price (and, for futures, every mark price)."""

    async def poll(now: float) -> list[Ticker | MarkPrice]:
        rest = feed.rest
        if isinstance(rest, QuotationRest):
            codes = [i.symbol for r in feed.runners for i in stream_of(r).instruments]
            return list(await rest.tickers(codes, now))
        out: list[Ticker | MarkPrice] = list(await rest.prices(now))
        if feed.venue is Venue.BINANCE_FUTURES:
            out.extend(await rest.mark_prices(now))
        return out

    return poll


def stream_of(runner: WsRunner) -> PipelineStream:
    """The venue stream a market-data runner runs (every runner here runs one)."""
    handler = runner.handler
    assert isinstance(handler, PipelineStream)
    return handler
