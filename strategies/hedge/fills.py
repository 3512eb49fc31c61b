"""How a hedge's two legs fill on paper: the shared fill model (`core.fills`: slippage against
the taker, taker fee per venue) applied to each leg. The paper gateway and the replay call these
same functions, so a replay's trades cost what the paper bot's did.

Forward: buy the Upbit spot leg, short the Binance USDⓈ-M leg; reverse: the mirror image.
Closing takes the other side of each leg with the same quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.fills import FillModel
from core.symbols import Venue

SPOT, FUTURES = Venue.UPBIT, Venue.BINANCE_FUTURES


@dataclass(frozen=True, slots=True)
class LegPrices:
    spot: float  # KRW per coin, after slippage
    futures: float  # USDT per coin, after slippage
    spot_fee_rate: float
    futures_fee_rate: float


def leg_prices(
    model: FillModel, forward: bool, opening: bool, upbit_krw: float, binance_usdt: float
) -> LegPrices:
    """Fill prices of both legs: the spot leg buys when (forward and opening) or (reverse and
    closing); the futures leg always takes the other side."""
    spot_dir = 1 if forward == opening else -1
    return LegPrices(
        model.price(upbit_krw, spot_dir),
        model.price(binance_usdt, -spot_dir),
        model.fee_rate(SPOT),
        model.fee_rate(FUTURES),
    )


def hedge_qty(size_krw: float, spot_price: float) -> float:
    """The one coin quantity both legs take: the KRW size at the spot leg's fill price."""
    return size_krw / spot_price if spot_price > 0 else 0.0


def round_trip_krw(
    forward: bool,
    qty: float,
    entry: LegPrices,
    exit_: LegPrices,
    usdt_krw: float,
    funding_usdt: float = 0.0,
) -> tuple[float, float]:
    """(PnL, fees) of an opened and closed hedge in KRW, the futures leg converted at
    `usdt_krw` (Upbit's KRW-USDT when it closed). `funding_usdt` is what the futures leg
    received (positive) or paid while it was open."""
    d = 1 if forward else -1
    spot = d * qty * (exit_.spot - entry.spot)
    fut = -d * qty * (exit_.futures - entry.futures)
    spot_fees = qty * (entry.spot * entry.spot_fee_rate + exit_.spot * exit_.spot_fee_rate)
    fut_fees = qty * (
        entry.futures * entry.futures_fee_rate + exit_.futures * exit_.futures_fee_rate
    )
    fees = spot_fees + fut_fees * usdt_krw
    return spot + (fut + funding_usdt) * usdt_krw - fees, fees
