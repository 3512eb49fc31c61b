"""What a manual `/sell <venue> <coin> <qty>` would do, known before it is confirmed.

A sell means different things: on spot it sells coins you hold (never more); on futures it
closes a long, or, with no long, OPENS A SHORT at the manual leverage. The command asks its
question from this plan, so a short is never opened behind a "sell at market?" prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.symbols import Instrument, Symbol, Venue
from trading.executor import OrderService
from trading.futures import FuturesManager


@dataclass(frozen=True, slots=True)
class SellPlan:
    held: Decimal | None  # spot: the coin free to sell; futures: the position (< 0 short);
    # None when the venue's balances are not known (the order layer checks at send time)
    opens_short: bool  # futures with no long: the sell opens (or adds to) a short
    leverage: int  # futures: the leverage a short opens at


def sell_plan(svc: OrderService, futures: FuturesManager, venue: Venue, symbol: Symbol) -> SellPlan:
    lev = futures.default_leverage  # what `FuturesManager.open` uses for a manual order
    if venue is Venue.BINANCE_FUTURES:
        pos = svc.positions.get(Instrument(venue, symbol))
        held = pos.qty if pos is not None else Decimal(0)
        return SellPlan(held, held <= 0, lev)
    bals = svc.balances.get(venue)
    if bals is None:
        return SellPlan(None, False, lev)
    return SellPlan(bals.get(symbol.base, (Decimal(0), Decimal(0)))[0], False, lev)
