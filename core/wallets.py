"""Deposit/withdrawal status of a coin on a venue: what the venues' wallet endpoints tell us.

`exchanges/` reads the venues' signed wallet-status endpoints into these; the kimp wallet gate
(`alerts/wallet.py`) decides what a suspension means for an arbitrage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


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


@dataclass(frozen=True, slots=True)
class NetworkStatus:
    """One transfer network of a coin on a venue, named as the venue names it (Binance
    `network`, Upbit `net_type`: the same ids for the same chain, e.g. "ETH", "ARBITRUM").

    `fee` and `minimum` are the withdrawal fee and minimum in the coin, None when the venue's
    answer does not carry them (Upbit's wallet status does not)."""

    network: str
    deposit: bool
    withdraw: bool
    fee: Decimal | None = None
    minimum: Decimal | None = None


def coin_statuses(networks: Mapping[str, Sequence[NetworkStatus]]) -> dict[str, WalletStatus]:
    """Per coin: it can deposit (withdraw) when any of its networks can."""
    out: dict[str, WalletStatus] = {}
    for coin, nets in networks.items():
        for net in nets:
            add_network(out, coin, WalletStatus(net.deposit, net.withdraw))
        if not nets:
            out[coin] = WalletStatus(False, False)
    return out


# Fetches one venue's networks per coin (upper-case tickers); raises WalletError on failure.
NetworkSource = Callable[[], Awaitable[dict[str, tuple[NetworkStatus, ...]]]]

# (withdrawal fee, minimum) of a coin over a network on one venue, for venues whose status
# answer lacks them (Upbit); raises WalletError on failure.
FeeSource = Callable[[str, str], Awaitable[tuple[Decimal | None, Decimal | None]]]
