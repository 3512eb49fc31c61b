"""Market-data settings: endpoints, venue limits, watchdog and REST timings."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.symbols import Venue
from exchanges.candle_service import CandleConfig
from exchanges.fallback import FallbackConfig


@dataclass(frozen=True, slots=True)
class MarketDataConfig:
    upbit_rest_url: str
    upbit_ws_url: str
    binance_rest_url: str
    binance_ws_url: str
    binance_futures_rest_url: str
    binance_futures_ws_url: str
    bithumb_rest_url: str = "https://api.bithumb.com"
    bithumb_ws_url: str = "wss://ws-api.bithumb.com/websocket/v1"
    # Not used by market data (the private stream is trading's): kept so every venue URL the
    # settings (and the simulator's `urls`) carry maps onto this config one to one.
    bithumb_private_ws_url: str = "wss://ws-api.bithumb.com/websocket/v2/private"
    venues: tuple[Venue, ...] = (Venue.UPBIT, Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES)
    stale_after: float = 30.0
    # A connection whose frames arrive this many s behind the venue's event time is delayed:
    # /status says so and entries on the venue are refused (None: not checked).
    max_lag: float | None = 10.0
    symbol_stale_after: float | None = 300.0
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    healthy_after: float = 60.0
    no_data_alert_after: float = 120.0
    universe_refresh: float = 120.0
    # Seconds between measurements of each venue's clock (`server_clock.py`): stream lag is
    # judged on the venue's time, in paper mode too and for Upbit, whose brokers never sync.
    clock_sync_every: float = 300.0
    binance_max_lifetime: float = 23.5 * 3600  # planned reconnect before Binance's 24 h cut
    upbit_codes_per_connection: int = 150
    upbit_channels: tuple[str, ...] = ("ticker", "trade", "orderbook")
    bithumb_codes_per_connection: int = 150
    binance_streams_per_connection: int = 200
    warmup: int = 200  # 1m candles fetched per strategy symbol at start
    rest_interval: dict[Venue, float] = field(
        default_factory=lambda: {
            Venue.UPBIT: 0.15,  # quotation REST: 10/s per IP
            Venue.BINANCE_SPOT: 0.1,
            Venue.BINANCE_FUTURES: 0.1,
            Venue.BITHUMB: 0.1,  # public REST: 150/s
        }
    )
    runner_overrides: dict[str, float | str | None] = field(default_factory=dict)
    fallback: FallbackConfig = field(default_factory=FallbackConfig)
    candles: CandleConfig = field(default_factory=CandleConfig)
