"""Listing and delisting announcements for the kimp universe (coins on both venues).

A coin newly listed on one venue while the other has no market for it is announced at once
("no premium") as `one_venue` (KIMP_ONE_VENUE_LISTINGS) says: "krw", the default, announces
Upbit's only (Binance lists many coins Upbit never will: those would be noise), "all" both,
"none" neither; the ones not announced are kept for the daily report (`take_quiet`). When the
other venue lists it later, it joins the universe and its first premium is announced like any
new coin.

A coin that joins the universe is announced once its premium is known (its first prices take a
moment to arrive after the subscription), or without it after `wait` seconds; a coin that
leaves is announced at once with the time the listings stopped showing it. The first refresh
is the starting point: a restart announces nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from alerts.monitor import PremiumMonitor
from alerts.quiet_listings import BINANCE, UPBIT, Quiet
from alerts.universe import UniverseChange
from core.text import Text

OneVenue = Literal["krw", "all", "none"]


class ListingAnnouncer:
    def __init__(self, wait: float = 300.0, one_venue: OneVenue = "krw") -> None:
        self.wait = wait
        self.one_venue = one_venue
        self._pending: dict[str, float] = {}  # coin -> when it joined
        self._quiet: list[Quiet] = []  # one-venue listings not announced, for the report

    def on_change(self, change: UniverseChange, first: bool, now: float) -> list[Text]:
        """Remember new coins; returns the texts to send now (one-venue listings, delistings)."""
        if first:
            return []
        for coin in sorted(change.added):
            self._pending.setdefault(coin, now)
        when = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M UTC")
        out = []
        for side, coins, key, told in (
            (UPBIT, change.upbit_only, "listing.upbit_only", self.one_venue != "none"),
            (BINANCE, change.binance_only, "listing.binance_only", self.one_venue == "all"),
        ):
            for coin in sorted(coins):
                if told:
                    out.append(Text.of(key, coin=coin))
                else:
                    self._quiet.append(Quiet(coin, side, now))
        for coin in sorted(change.removed):
            self._pending.pop(coin, None)
            out.append(Text.of("listing.gone", coin=coin, when=when))
        return out

    def take_quiet(self) -> list[Quiet]:
        """The one-venue listings not announced since the last call."""
        out, self._quiet = self._quiet, []
        return out

    def due(self, monitor: PremiumMonitor, now: float) -> list[Text]:
        """Listing texts ready to send: the coin's first premium is known, or waiting is over."""
        out = []
        for coin, since in list(self._pending.items()):
            snap = monitor.snapshot(coin)
            pct = None if snap is None else snap.usdt_kimp
            if pct is None and now - since < self.wait:
                continue
            del self._pending[coin]
            if pct is None:
                out.append(Text.of("listing.new_no_price", coin=coin))
            else:
                out.append(Text.of("listing.new", coin=coin, pct=f"{pct:+.2f}"))
        return out
