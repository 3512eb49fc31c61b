"""The seam between bots and the order layer.

Bots never talk to an exchange: they hand an `OrderRequest` to an `OrderGateway` and book what
comes back. The real order layer (risk checks, rounding, live or paper execution) implements
this protocol, or is wrapped by `adapt`. `PaperGateway` is a minimal stand-in with the shared
fill model, used by the backtest parity tests and when no order layer is installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from bot.domain.market import Side
from bot.domain.orders import OrderRequest
from bot.domain.symbols import Instrument
from strategies.fills import FillModel, fee, fill_price


@dataclass(frozen=True, slots=True)
class OrderResult:
    """What happened to a request. `accepted=False` carries the order layer's reason."""

    accepted: bool
    reason: str = ""
    client_id: str | None = None
    filled_qty: Decimal = Decimal(0)
    avg_price: Decimal | None = None
    fee: Decimal = Decimal(0)

    @classmethod
    def refused(cls, reason: str) -> OrderResult:
        return cls(False, reason)


@runtime_checkable
class OrderGateway(Protocol):
    async def submit(self, req: OrderRequest) -> OrderResult:
        """Validate (risk checks) and execute a market order; never raises for a refusal."""
        ...


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


class _CallableGateway:
    """Wraps an order layer object exposing `submit`/`place_order`/`place` (OrderRequest)."""

    def __init__(self, target: Any, method: str) -> None:
        self._fn = getattr(target, method)

    async def submit(self, req: OrderRequest) -> OrderResult:
        try:
            out = await self._fn(req)
        except Exception as exc:  # the order layer's refusal or failure, told to the bot
            return OrderResult.refused(f"{type(exc).__name__}: {exc}")
        if isinstance(out, OrderResult):
            return out
        order = out
        if hasattr(out, "accepted"):  # the order layer's own result type: (accepted, reason, order)
            if not out.accepted:
                return OrderResult.refused(str(getattr(out, "reason", "refused")))
            order = getattr(out, "order", None)
        filled = getattr(order, "filled_qty", None)
        avg = getattr(order, "avg_price", None)
        if filled is None or avg is None or Decimal(filled) <= 0:
            status = getattr(getattr(order, "status", None), "value", "unknown")
            return OrderResult.refused(f"order accepted but not filled yet (status {status})")
        return OrderResult(
            True,
            client_id=getattr(order, "client_id", None),
            filled_qty=Decimal(filled),
            avg_price=Decimal(avg),
            fee=Decimal(getattr(order, "fee", 0) or 0),
        )


def held_by_bot(trading: Any, bot: str) -> list[str]:
    """Open positions the trading provider attributes to `bot` (empty if it cannot say)."""
    if trading is None:
        return []
    fn = getattr(trading, "open_positions", None)
    try:
        positions = fn(bot=bot) if callable(fn) else getattr(trading, "positions", {})
        items = positions.values() if isinstance(positions, dict) else positions
        return [
            f"{p.instrument.symbol} {p.qty}"
            for p in items
            if getattr(p, "bot", None) == bot and getattr(p, "qty", 0) != 0
        ]
    except Exception:  # a provider without that view: nothing to warn about
        return []


def adapt(trading: Any) -> OrderGateway | None:
    """The adapter point: turn the trading provider on the facade into an `OrderGateway`."""
    if trading is None:
        return None
    for name in ("submit", "submit_order", "place_order", "place"):
        if callable(getattr(trading, name, None)):
            return _CallableGateway(trading, name)
    return None
