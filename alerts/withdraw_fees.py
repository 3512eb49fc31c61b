"""Withdrawal fees a venue does not put in its wallet status (Upbit): asked per coin and network
when a route is looked for, and kept for a while (fees change rarely; Upbit's exchange API
shares 30 requests/s with order placement, so the same question is not asked every time).

Only the networks that could carry the route are asked about: open for withdrawal on the sender
and for deposit on the receiver. A failed question leaves the fee unknown (the view says so)
and is asked again after `retry` seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from loguru import logger

from core.clock import Clock
from core.wallets import FeeSource, NetworkStatus, WalletError

Fee = tuple[Decimal | None, Decimal | None]


class FeeCache:
    def __init__(
        self, source: FeeSource, clock: Clock, ttl: float = 3600.0, retry: float = 60.0
    ) -> None:
        self._source = source
        self._clock = clock
        self.ttl = ttl
        self.retry = retry
        self._known: dict[tuple[str, str], tuple[float, Fee]] = {}  # -> (valid until, fee)

    async def fill(
        self, coin: str, sending: Sequence[NetworkStatus], receiving: Sequence[NetworkStatus]
    ) -> tuple[NetworkStatus, ...]:
        """`sending` with the fee and minimum of each usable network that lacks them."""
        deposits = {n.network for n in receiving if n.deposit}
        out = []
        for net in sending:
            if net.fee is None and net.withdraw and net.network in deposits:
                fee, minimum = await self._get(coin.upper(), net.network)
                net = replace(net, fee=fee, minimum=minimum)
            out.append(net)
        return tuple(out)

    async def _get(self, coin: str, network: str) -> Fee:
        now = self._clock.now()
        hit = self._known.get((coin, network))
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            fee = await self._source(coin, network)
            self._known[(coin, network)] = (now + self.ttl, fee)
        except WalletError as exc:
            logger.warning("withdrawal fee of {} over {} not read: {}", coin, network, exc)
            fee = (None, None)
            self._known[(coin, network)] = (now + self.retry, fee)
        return fee
