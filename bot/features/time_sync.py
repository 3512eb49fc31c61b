"""Keep the signing clock in step with each venue that checks request timestamps (Binance).

A server whose clock drifts makes every signed request fail (-1021), which used to read as rate
limiting with no notice. Every `EVERY` seconds each broker that signs with time measures its
offset (`core.broker.TimeSynced`) and signs with the corrected time; an offset past `WARN_AFTER`
is told to the user once (the fix is NTP on the server), and again only after it was back in
range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from loguru import logger

from core.broker import Broker, TimeSynced
from core.clock import Clock
from core.errors import TradingError
from core.notifications import Notification, NotificationKind
from core.symbols import Venue
from core.text import Text

EVERY = 600.0  # seconds between measurements
WARN_AFTER = 1.0  # seconds of offset worth telling: Binance refuses 1 s ahead


async def run_time_sync(
    brokers: Mapping[Venue, Broker],
    clock: Clock,
    notify: Callable[[Notification], None],
    every: float = EVERY,
    on_offset: Callable[[Venue, float], None] | None = None,
) -> None:
    """`on_offset(venue, seconds)` gets every measurement (market data judges its streams' lag
    on the venue's clock with it)."""
    synced = {v: b for v, b in brokers.items() if isinstance(b, TimeSynced)}
    warned: set[Venue] = set()
    while True:
        for venue, broker in synced.items():
            try:
                offset = await broker.sync_time()
            except TradingError as exc:
                logger.warning("{}: cannot read the server time: {}", venue.label, exc.reason)
                continue
            if on_offset is not None:
                on_offset(venue, offset)
            if abs(offset) >= WARN_AFTER and venue not in warned:
                warned.add(venue)
                logger.warning("{}: our clock is {:+.1f}s off the venue's", venue.label, offset)
                text = Text.of("trading.clock_offset", venue=venue, seconds=f"{offset:+.1f}")
                notify(Notification(NotificationKind.RISK, text))
            elif abs(offset) < WARN_AFTER / 2:
                warned.discard(venue)
        await clock.sleep(every)
