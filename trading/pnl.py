"""Position and PnL maths, fees included. Pure functions over Decimal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.market import Side

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionState:
    qty: Decimal  # signed: > 0 long, < 0 short (spot positions are >= 0)
    entry_price: Decimal


@dataclass(frozen=True, slots=True)
class FillEffect:
    position: PositionState
    realized: Decimal  # realised PnL of this fill in the quote currency, fee subtracted
    fee_quote: Decimal


def fee_in_quote(fee: Decimal, fee_asset: str, base: str, price: Decimal) -> Decimal:
    """A fee charged in the base coin (Binance spot buys) valued at the fill price."""
    return fee * price if fee_asset == base else fee


def apply_fill(
    pos: PositionState,
    side: Side,
    qty: Decimal,
    price: Decimal,
    fee: Decimal,
    fee_asset: str,
    base: str,
) -> FillEffect:
    """The position after one fill, and the realised PnL (average-cost method).

    A fee paid in the base coin reduces what a buy adds to the position; its value is counted
    in the realised PnL like any other fee.
    """
    fee_q = fee_in_quote(fee, fee_asset, base, price)
    signed = qty if side is Side.BUY else -qty
    base_fee_adjust = fee if fee_asset == base else ZERO
    if side is Side.BUY:
        signed -= base_fee_adjust
    realized = -fee_q
    cur, entry = pos.qty, pos.entry_price
    if cur == 0 or (cur > 0) == (signed > 0):
        new_qty = cur + signed
        new_entry = (
            (abs(cur) * entry + abs(signed) * price) / abs(new_qty) if new_qty != 0 else ZERO
        )
        return FillEffect(PositionState(new_qty, new_entry), realized, fee_q)
    closing = min(abs(signed), abs(cur))
    direction = Decimal(1) if cur > 0 else Decimal(-1)
    realized += (price - entry) * closing * direction
    new_qty = cur + signed
    if new_qty == 0:
        new_entry = ZERO
    elif (new_qty > 0) == (cur > 0):
        new_entry = entry  # partly closed: entry unchanged
    else:
        new_entry = price  # flipped: the rest opened at this price
    return FillEffect(PositionState(new_qty, new_entry), realized, fee_q)


def unrealized(pos: PositionState, mark: Decimal) -> Decimal:
    return (mark - pos.entry_price) * pos.qty if pos.qty else ZERO


def day_start(ts: float, tz: ZoneInfo, days_back: int = 0) -> float:
    """Epoch seconds of local midnight of the day `ts` falls in, `days_back` days earlier."""
    local = datetime.fromtimestamp(ts, tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days_back)
    return midnight.timestamp()


def day_key(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d")
