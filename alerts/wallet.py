"""Optional wallet gate: coins whose deposits or withdrawals are suspended on either venue.

A premium on a coin that cannot be moved between the venues cannot be arbitraged, so the kimp
views and alerts say so. With API keys set, the app hands `WalletGate` one `WalletSource` per
venue (exchanges/upbit/wallet.py, exchanges/binance/wallet.py read the signed endpoints); the
gate polls them and keeps the marking policy.

A coin can deposit (withdraw) on a venue when any of its networks can. A venue polled through a
`NetworkSource` also keeps each network's status, fee and minimum: `networks(coin, sender,
receiver)` hands both sides' lists to `alerts/executable.py`, which matches them by network for
the executable premium. A venue's answer older than three refresh periods is dropped, so a stale
"suspended" never lingers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from loguru import logger

from core.clock import Clock
from core.symbols import Venue
from core.text import Text
from core.wallets import (
    NetworkSource,
    NetworkStatus,
    WalletError,
    WalletSource,
    WalletStatus,
    coin_statuses,
)

NAMES = {Venue.UPBIT: "Upbit", Venue.BINANCE_SPOT: "Binance"}

Transfer = Literal["deposits", "withdrawals"]


@dataclass(frozen=True, slots=True)
class WalletNote:
    """The gate's mark on a coin: which transfers are suspended where, and what it means for
    the arbitrage. `blocked`: the premium's route is cut; otherwise `route` is the open one."""

    problems: tuple[tuple[Venue, Transfer], ...]
    blocked: bool
    route: tuple[Venue, Venue]


@dataclass(slots=True)
class VenueWallets:
    """The latest answer from one venue."""

    coins: dict[str, WalletStatus] = field(default_factory=dict)
    networks: dict[str, tuple[NetworkStatus, ...]] | None = None  # None: per coin only
    fetched_at: float | None = None
    error: str | None = None
    failures: int = 0


class WalletGate:
    """Polls the given venues' sources; answers which transfers are suspended per coin."""

    def __init__(
        self,
        clock: Clock,
        sources: Mapping[Venue, WalletSource],
        refresh: float = 300.0,
        networks: Mapping[Venue, NetworkSource] | None = None,
    ) -> None:
        """`networks`: venues read per network (preferred over `sources` for that venue)."""
        self._clock = clock
        self._sources = dict(sources)
        self._networks = dict(networks or {})
        self.venues = {v: VenueWallets() for v in (*self._sources, *self._networks)}
        self.refresh = refresh

    @property
    def enabled(self) -> bool:
        return bool(self.venues)

    # ------------------------------------------------------------------ polling
    async def fetch_once(self) -> bool:
        """Refresh every configured venue; True when all answered. Never raises fetch errors."""
        ok = True
        for venue, state in self.venues.items():
            nets: dict[str, tuple[NetworkStatus, ...]] | None = None
            try:
                if venue in self._networks:
                    nets = await self._networks[venue]()
                    coins = coin_statuses(nets)
                else:
                    coins = await self._sources[venue]()
            except WalletError as exc:
                ok = False
                state.failures += 1
                state.error = str(exc) or type(exc).__name__
                if state.failures in (1, 10) or state.failures % 100 == 0:
                    logger.warning("wallet status fetch failed ({}x): {}", state.failures, exc)
                continue
            state.coins, state.networks, state.fetched_at = coins, nets, self._clock.now()
            state.error, state.failures = None, 0
        return ok

    async def run(self) -> None:
        while True:
            ok = await self.fetch_once()
            await self._clock.sleep(self.refresh if ok else min(60.0, self.refresh))

    # ------------------------------------------------------------------ reads
    def _usable(self, venue: Venue) -> bool:
        state = self.venues.get(venue)
        if state is None or state.fetched_at is None:
            return False
        return self._clock.now() - state.fetched_at <= 3 * self.refresh

    def _fresh(self, venue: Venue) -> dict[str, WalletStatus]:
        return self.venues[venue].coins if self._usable(venue) else {}

    def networks(
        self, coin: str, sender: Venue, receiver: Venue
    ) -> tuple[tuple[NetworkStatus, ...], tuple[NetworkStatus, ...]] | None:
        """(sender's, receiver's) networks of `coin`, or None while either venue's networks
        are unknown (no keys, not fetched, too old, or read per coin only). A coin a venue does
        not list has no networks there."""
        sides = []
        for venue in (sender, receiver):
            state = self.venues.get(venue)
            if state is None or state.networks is None or not self._usable(venue):
                return None
            sides.append(state.networks.get(coin.upper(), ()))
        return sides[0], sides[1]

    def problems(self, coin: str, krw: Venue = Venue.UPBIT) -> list[tuple[Venue, Transfer]]:
        """[(venue, "deposits" | "withdrawals")] suspended for `coin` on the KRW venue `krw`
        and Binance; empty when unknown."""
        out: list[tuple[Venue, Transfer]] = []
        for venue in (krw, Venue.BINANCE_SPOT):
            st = self._fresh(venue).get(coin.upper())
            if st is not None:
                if not st.withdraw:
                    out.append((venue, "withdrawals"))
                if not st.deposit:
                    out.append((venue, "deposits"))
        return out

    def note(
        self, coin: str, premium_pct: float | None, krw: Venue = Venue.UPBIT
    ) -> WalletNote | None:
        """The mark for `coin`'s premium on the KRW venue `krw` ("⛔ withdrawals suspended on
        Upbit: cannot be arbitraged" once worded), or None.

        A positive premium is captured by moving the coin Binance -> the KRW venue (Binance
        withdrawals, its deposits), a negative one the KRW venue -> Binance; a suspension on the
        other route is shown without the verdict. Unknown direction: any suspension blocks."""
        probs = self.problems(coin, krw)
        if not probs:
            return None
        binance = Venue.BINANCE_SPOT
        if premium_pct is None:
            blocked = True
        elif premium_pct >= 0:
            blocked = (binance, "withdrawals") in probs or (krw, "deposits") in probs
        else:
            blocked = (krw, "withdrawals") in probs or (binance, "deposits") in probs
        pair = (binance, krw)
        if premium_pct is None or premium_pct < 0:
            pair = (krw, binance)
        return WalletNote(tuple(probs), blocked, pair)

    def status_lines(self) -> list[Text]:
        if not self.venues:
            return [Text.of("wallet.status_off")]
        now = self._clock.now()
        parts = []
        for venue, state in self.venues.items():
            if state.fetched_at is None:
                why = state.error or Text.of("wallet.status_not_fetched")
                parts.append(Text.of("wallet.status_venue_none", venue=_name(venue), why=why))
                continue
            blocked = sum(1 for s in state.coins.values() if not (s.deposit and s.withdraw))
            old = Text.of("wallet.status_too_old") if not self._usable(venue) else ""
            failed = Text.of("wallet.status_failed", error=state.error) if state.error else ""
            parts.append(
                Text.of(
                    "wallet.status_venue",
                    venue=_name(venue),
                    blocked=blocked,
                    secs=f"{now - state.fetched_at:.0f}",
                    old=old,
                    failed=failed,
                )
            )
        joined = parts[0]
        for part in parts[1:]:
            joined = Text.of("wallet.status_and", first=joined, then=part)
        return [Text.of("wallet.status", parts=joined)]


def _name(venue: Venue) -> Text:
    """The account's name: the wallet is Binance's, spot and futures alike."""
    return Text.of(f"wallet.venue.{venue.value}")
