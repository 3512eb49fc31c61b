"""`BithumbVenue`: the simulated Bithumb (API 2.0: REST `/v1/...`, WebSocket `/websocket/v1`
and the private `/websocket/v2/private`, `bithumb_private_ws.py`).

Bithumb's v2 market data speaks Upbit's wire (`KRW-BTC` codes, ticket/type/codes requests,
the same ticker/trade/orderbook fields), so the public WebSocket is the Upbit simulator's
machinery run for venue "bithumb" (its own prices, faults and connections); the REST
quotation endpoints (the Upbit handlers for venue "bithumb", with Bithumb's differences) are in
`bithumb_rest.py`, the private side in `bithumb_private.py`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from peers.exchange_sim.bithumb_private import BithumbParts, BithumbPrivate
from peers.exchange_sim.bithumb_private_ws import BithumbPrivateWs
from peers.exchange_sim.bithumb_rest import BithumbRest
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import BITHUMB, MarketModel
from peers.exchange_sim.matching import SpotEngine
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitRateLimiter
from peers.exchange_sim.upbit_payloads import UpbitPayloads
from peers.exchange_sim.upbit_ws import UpbitStreams
from peers.exchange_sim.wallets import WalletBook

# Bithumb's documented limits: 150 public requests a second, 140 private (per key).
BITHUMB_LIMITS = {"market": 150, "ticker": 150, "orderbook": 150, "trade": 150, "candle": 150,
                  "default": 140, "order": 140}  # fmt: skip


class BithumbVenue:
    """Bithumb on one port. `api_keys["bithumb"] = (access_key, secret_key)`. Options:
    `rate_limits` (per group per second), `idle_timeout` (s), `wallets`."""

    name = BITHUMB

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
        wallets: WalletBook | None = None,
    ) -> None:
        self.market = market
        self.clock = clock
        self.faults = faults
        self.engine = engine
        self.api_keys = dict([api_keys[BITHUMB]]) if BITHUMB in api_keys else {}
        self.limiter = UpbitRateLimiter({**BITHUMB_LIMITS, **(rate_limits or {})})
        self.payloads = UpbitPayloads(market, venue=BITHUMB)
        self.wallets = wallets or WalletBook(market)
        ws_options: dict[str, Any] = {"idle_timeout": idle_timeout,
                                      "status_interval": status_interval}  # fmt: skip
        self.auth = UpbitAuth(dict(self.api_keys))  # API 2.0 signs like Upbit: JWT, query_hash
        self.streams = UpbitStreams(market, faults, self.payloads, venue=BITHUMB, **ws_options)
        self.parts = BithumbParts(
            market, clock, faults, engine, self.api_keys, self.auth, self.limiter, self.wallets,
            self.payloads, idle_timeout, status_interval,
        )  # fmt: skip
        self.rest = BithumbRest(self.parts)
        self.private = BithumbPrivate(self.parts)
        self.private_ws = BithumbPrivateWs(
            market, faults, self.payloads, engine, self.private.auth, **ws_options
        )

    def idle_close(self, seconds: float | None = 60.0) -> None:
        """Fault switch: close sockets (public and private) the client has been silent on for
        `seconds` (`UpbitStreams.idle_close`)."""
        self.streams.idle_close(seconds)
        self.private_ws.idle_close(seconds)

    def install(self, app: web.Application) -> None:
        self.rest.install(app)
        self.streams.install(app)
        self.private.install(app)
        self.private_ws.install(app)

    async def start(self) -> None:
        await self.streams.start()
        await self.private.start()
        await self.private_ws.start()

    async def stop(self) -> None:
        await self.private_ws.stop()
        await self.private.stop()
        await self.streams.stop()
