"""Bithumb's private side in the simulator (signed REST `/v1/accounts`, `/v1/orders`, ...,
the private WebSocket `/websocket/v2/private`, v2 response spec; v1 closed in 2026):
installed by `BithumbVenue` with one call.

This is the seam for the trading work (issue 18): routes and streams added here reach the
same aiohttp app and the same parts as the public side in `bithumb.py` (`BithumbParts`: the
market model, matching engine, keys and their JWT check, rate limiter, wallets, payload
builder); `upbit_rest.UpbitRest` runs for any venue (`venue=`), its order routes included.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import MarketModel
from peers.exchange_sim.matching import SpotEngine
from peers.exchange_sim.upbit_auth import UpbitAuth, UpbitRateLimiter
from peers.exchange_sim.upbit_payloads import UpbitPayloads
from peers.exchange_sim.wallets import WalletBook


@dataclass(frozen=True, slots=True)
class BithumbParts:
    """What one simulated Bithumb is made of, shared by its public and private sides."""

    market: MarketModel
    clock: SimClock
    faults: FaultController
    engine: SpotEngine
    api_keys: dict[str, str]  # access key -> secret key
    auth: UpbitAuth  # JWT (HS256) with query_hash, as API 2.0 signs
    limiter: UpbitRateLimiter
    wallets: WalletBook
    payloads: UpbitPayloads
    idle_timeout: float
    status_interval: float


class BithumbPrivate:
    """The private routes and streams of one simulated Bithumb (none yet)."""

    def __init__(self, parts: BithumbParts) -> None:
        self.parts = parts

    def install(self, app: web.Application) -> None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
