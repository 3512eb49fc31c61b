"""Account-level truth pushed by a venue: orders it placed on the account itself (liquidation,
auto-deleveraging, settlement) and position changes, whoever made them.

The venue adapters parse their user streams into these; the trading layer books them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.orders import Fill
from core.symbols import Instrument, Venue


class ForcedKind(StrEnum):
    """Why the venue closed (part of) a position without being asked."""

    LIQUIDATION = "liquidation"  # margin no longer covered maintenance
    ADL = "adl"  # auto-deleveraged against a liquidated counterparty
    SETTLEMENT = "settlement"  # delisting or delivery
    # Seen only afterwards, by position reconciliation (the user stream was down): a trade in
    # the venue's history that is not ours (liquidation, ADL or a close by hand, the history
    # does not say which), or, with no history, the change priced at the last mark: ESTIMATED.
    OUTSIDE = "outside"
    ESTIMATED = "estimated"


@dataclass(frozen=True, slots=True)
class ForcedFill:
    """One execution of an order the venue placed on the account (not one of ours).

    `fill.fill_id` is the venue's trade id, so booking it twice (stream replay, a later poll)
    is a no-op. `realized_pnl` is what the venue says the trade realised, before fees.
    """

    kind: ForcedKind
    fill: Fill
    order_id: str
    realized_pnl: Decimal
    venue_ts: float  # transaction time at the venue, seconds
    recv_ts: float


@dataclass(frozen=True, slots=True)
class OrderTouched:
    """One of the account's orders moved (new, traded, cancelled, triggered): the tracker
    looks it up by client id. A doorbell: the venue's record stays the truth."""

    client_id: str
    venue_ts: float
    recv_ts: float


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A position as the venue holds it after an account change (signed: > 0 long)."""

    instrument: Instrument
    qty: Decimal
    entry_price: Decimal


@dataclass(frozen=True, slots=True)
class WalletChange:
    asset: str
    wallet_balance: Decimal
    cross_wallet: Decimal
    change: Decimal  # except PnL and commission (transfers, funding, ...)


@dataclass(frozen=True, slots=True)
class AccountChanged:
    """Balances and positions changed at the venue; `reason` is the venue's own code
    (Binance: ORDER, FUNDING_FEE, DEPOSIT, INSURANCE_CLEAR, ...)."""

    reason: str
    wallets: tuple[WalletChange, ...]
    positions: tuple[PositionChange, ...]
    venue_ts: float
    recv_ts: float


@dataclass(frozen=True, slots=True)
class BalanceRow:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class BalancesChanged:
    """A spot account's balances moved (Binance `outboundAccountPosition`, Upbit `myAsset`):
    the assets the change touched, as the venue now holds them. A doorbell too: the trading
    layer re-reads the venue's balances."""

    venue: Venue
    balances: tuple[BalanceRow, ...]
    venue_ts: float
    recv_ts: float


@dataclass(frozen=True, slots=True)
class AccountTrade:
    """One execution in the account's trade history at the venue (ours or not): `order_id` is
    the venue's order id, `realized_pnl` what the venue says it realised (before fees)."""

    fill: Fill
    order_id: str
    realized_pnl: Decimal


AccountEvent = ForcedFill | OrderTouched | AccountChanged | BalancesChanged
