"""`UpbitVenue`: the simulated Upbit (REST `/v1/...`, WebSocket `/websocket/v1` and the
private `/websocket/v1/private`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import MarketModel
from peers.exchange_sim.matching import SpotEngine
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitRateLimiter
from peers.exchange_sim.upbit_payloads import UpbitPayloads
from peers.exchange_sim.upbit_private import UpbitPrivateStreams
from peers.exchange_sim.upbit_rest import UpbitRest
from peers.exchange_sim.upbit_ws import UpbitStreams
from peers.exchange_sim.wallets import WalletBook


class UpbitVenue:
    """Upbit on one port. `api_keys["upbit"] = (access_key, secret_key)`; more pairs can be
    added with `add_key`. Options: `rate_limits` (per group per second), `idle_timeout` (s),
    `wallets` (the wallet status book shared with the other venues)."""

    def __init__(
        self,
        market: MarketModel,
        clock: SimClock,
        faults: FaultController,
        engine: SpotEngine,
        api_keys: dict[str, tuple[str, str]],
        *,
        rate_limits: dict[str, int] | None = None,
        idle_timeout: float = 120.0,
        status_interval: float = 10.0,
        compress: bool = False,
        wallets: WalletBook | None = None,
    ) -> None:
        self.market = market
        self.clock = clock
        self.faults = faults
        self.engine = engine
        keys = dict([api_keys["upbit"]]) if "upbit" in api_keys else {}
        self.auth = UpbitAuth(keys)
        self.limiter = UpbitRateLimiter(rate_limits)
        self.payloads = UpbitPayloads(market)
        self.wallets = wallets or WalletBook(market)
        self.rest = UpbitRest(market, engine, self.auth, self.limiter, self.payloads, self.wallets)
        ws_options: dict[str, Any] = {
            "idle_timeout": idle_timeout, "status_interval": status_interval, "compress": compress,
        }  # fmt: skip
        self.streams = UpbitStreams(market, faults, self.payloads, **ws_options)
        self.private = UpbitPrivateStreams(
            market, faults, self.payloads, engine, self.auth, **ws_options
        )

    def add_key(self, access_key: str, secret_key: str, balances: dict[str, Any]) -> None:
        self.auth.keys[access_key] = secret_key
        self.engine.open_account(access_key, balances)

    def idle_close(self, seconds: float | None = 60.0) -> None:
        """Fault switch: close sockets (public and private) the client has been silent on for
        `seconds`, as Upbit was seen doing in 2026 (`UpbitStreams.idle_close`)."""
        self.streams.idle_close(seconds)
        self.private.idle_close(seconds)

    def set_tick(self, code: str, tick: str | None) -> None:
        """Publish `tick` for market `code` (None: back to the KRW table), as Upbit does for
        single markets (2024-10-14: 16 markets; 2025-03-21: USDT/USDC): the book, the
        instruments endpoint and order validation all follow it."""
        self.market.market_spec("upbit", code).price_tick = None if tick is None else float(tick)

    def install(self, app: web.Application) -> None:
        self.rest.install(app)
        self.streams.install(app)
        self.private.install(app)

    async def start(self) -> None:
        await self.streams.start()
        await self.private.start()

    async def stop(self) -> None:
        await self.private.stop()
        await self.streams.stop()

    async def firehose(self, count: int, batch: int = 1000) -> int:
        """Push `count` pre-built trade frames to every subscribed client as fast as possible."""
        return await self.streams.firehose(count, batch)
