"""The withdrawal-fee cache: asks only for usable networks, keeps answers, retries failures."""

from __future__ import annotations

from decimal import Decimal

from alerts.withdraw_fees import FeeCache
from core.clock import ManualClock
from core.wallets import NetworkStatus, WalletError


class Venue:
    """A fee source that counts questions and can fail."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.down = False

    async def fee(self, coin: str, network: str) -> tuple[Decimal | None, Decimal | None]:
        self.asked.append((coin, network))
        if self.down:
            raise WalletError("HTTP 503")
        return Decimal("0.1"), Decimal("1")


SEND = (
    NetworkStatus("A", True, True),
    NetworkStatus("B", True, False),
    NetworkStatus("C", True, True),
)
RECV = (NetworkStatus("A", True, True), NetworkStatus("B", True, True))


async def test_only_usable_networks_asked_and_answers_kept() -> None:
    venue, clock = Venue(), ManualClock()
    cache = FeeCache(venue.fee, clock, ttl=100.0)
    got = await cache.fill("xrp", SEND, RECV)
    # B cannot withdraw, C cannot be received: only A is asked about.
    assert venue.asked == [("XRP", "A")]
    assert got[0].fee == Decimal("0.1") and got[0].minimum == Decimal("1")
    assert got[1].fee is None and got[2].fee is None
    await cache.fill("XRP", SEND, RECV)
    assert len(venue.asked) == 1  # kept
    clock.advance(101.0)
    await cache.fill("XRP", SEND, RECV)
    assert len(venue.asked) == 2  # old: asked again


async def test_failure_leaves_fee_unknown_and_is_retried() -> None:
    venue, clock = Venue(), ManualClock()
    venue.down = True
    cache = FeeCache(venue.fee, clock, ttl=100.0, retry=10.0)
    got = await cache.fill("XRP", SEND, RECV)
    assert got[0].fee is None
    venue.down = False
    await cache.fill("XRP", SEND, RECV)
    assert len(venue.asked) == 1  # not hammered while failing
    clock.advance(11.0)
    got = await cache.fill("XRP", SEND, RECV)
    assert got[0].fee == Decimal("0.1")
