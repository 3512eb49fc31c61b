"""Deposit/withdrawal status of a coin on a venue: what the venues' wallet endpoints tell us.

`exchanges/` reads the venues' signed wallet-status endpoints into these; the kimp wallet gate
(`alerts/wallet.py`) decides what a suspension means for an arbitrage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


class WalletError(Exception):
    """A venue's wallet status could not be read (an error answer, garbage, or no connection);
    the message says what, for the operator."""


@dataclass(frozen=True, slots=True)
class WalletStatus:
    """Whether a coin can be deposited / withdrawn on a venue (on any of its networks)."""

    deposit: bool
    withdraw: bool

    def either(self, other: WalletStatus) -> WalletStatus:
        """Two networks of one coin: it can move when either network can."""
        return WalletStatus(self.deposit or other.deposit, self.withdraw or other.withdraw)


def add_network(out: dict[str, WalletStatus], coin: str, status: WalletStatus) -> None:
    """Record one network's status of `coin`, merged with its networks seen before."""
    old = out.get(coin)
    out[coin] = status if old is None else old.either(status)


# Fetches one venue's status per coin (upper-case tickers); raises WalletError on failure.
WalletSource = Callable[[], Awaitable[dict[str, WalletStatus]]]
