"""The seam between bots and the order layer.

Bots never talk to an exchange: they hand an `OrderRequest` to an `OrderGateway` and book the
`OrderResult` that comes back (both typed in `core.orders`, shared with the trading
layer). The trading provider hands out its gateway explicitly (`adapt`). `PaperGateway` is a
minimal stand-in with the shared fill model, used by the backtests and when no order layer is
installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal

from core import numbers
from core.fills import FillModel, fee, fill_price
from core.market import Side
from core.orders import Brackets, GatewaySource, OrderGateway, OrderRequest, OrderResult
from core.positions import PositionBook
from core.symbols import Instrument


def _dec(x: float) -> Decimal:
    return Decimal(repr(x))


class PaperGateway:
    """Fills market orders at once at the last price the bot saw, with the shared fill model."""

    def __init__(self, price_of: Callable[[Instrument], float | None], fills: FillModel) -> None:
        self._price_of = price_of
        self._fills = fills
        self._ids = itertools.count(1)
        self.requests: list[OrderRequest] = []

    async def submit(self, req: OrderRequest) -> OrderResult:
        return self.fill(req)

    def fill(self, req: OrderRequest) -> OrderResult:
        """Synchronous fill (the event-driven backtest calls this directly)."""
        self.requests.append(req)
        ref = self._price_of(req.instrument)
        if ref is None:
            return OrderResult.refused("no price yet for " + str(req.instrument))
        direction = 1 if req.side is Side.BUY else -1
        price = fill_price(ref, direction, self._fills.slippage_bps)
        if req.quote_amount is not None and not req.reduce_only:
            qty = float(req.quote_amount) / price  # a market buy spends a quote amount
        elif req.qty is not None:
            qty = float(req.qty)
        else:
            return OrderResult.refused("order has neither qty nor quote_amount")
        if qty <= 0:
            return OrderResult.refused("order size is zero")
        f = fee(qty * price, self._fills.fee_rate(req.instrument.venue))
        return OrderResult(
            True,
            client_id=f"paper-{next(self._ids)}",
            filled_qty=_dec(qty),
            avg_price=_dec(price),
            fee=_dec(f),
        )


def held_by_bot(trading: PositionBook | None, bot: str) -> list[str]:
    """Open positions the order layer attributes to `bot` (none without an order layer)."""
    if trading is None:
        return []
    return [
        f"{p.instrument.symbol} {numbers.grouped(p.qty)}"
        for p in trading.open_positions(bot=bot)
        if p.bot == bot and p.qty != 0
    ]


def adapt(trading: object, brackets: Mapping[str, Brackets] | None = None) -> OrderGateway | None:
    """The order layer's gateway for bots, or None when no order layer is installed.

    `trading` is the provider on the facade; it hands out its gateway explicitly
    (`GatewaySource`), with the bots' stop-loss / take-profit distances for futures entries.
    A bare `OrderGateway` (a test's fake order layer) is used as it is.
    """
    if isinstance(trading, GatewaySource):
        return trading.gateway(brackets)
    if isinstance(trading, OrderGateway):
        return trading
    return None


__all__ = ["OrderGateway", "OrderResult", "PaperGateway", "adapt", "held_by_bot"]
