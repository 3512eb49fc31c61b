"""A paper `HedgeGateway`: both legs fill at once, in the same quantity, on the shared fill model
(`strategies.hedge.fills`), at the coin's latest reading. For paper mode and the tests until the
trading layer's two-leg executor is wired; open hedges are kept in memory (a paper bot's hedges
do not outlive the process, like the paper broker's orders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from core.fills import FillModel
from core.hedge import HedgeDirection, HedgeOutcome, HedgeRequest, HedgeResult, LegFill
from core.text import Text
from strategies.hedge.fills import LegPrices, hedge_qty, leg_prices
from strategies.hedge.policy import PremiumReading

_Q = Decimal("0.00000001")


def _d(value: float) -> Decimal:
    return Decimal(repr(value))


@dataclass(frozen=True, slots=True)
class _Held:
    req: HedgeRequest
    result: HedgeResult
    entry: LegPrices
    qty: float


class PaperHedgeGateway:
    def __init__(
        self,
        prices: Callable[[str], PremiumReading | None],
        model: FillModel,
        now: Callable[[], float],
    ) -> None:
        self._prices = prices
        self._model = model
        self._now = now
        self._open: dict[str, _Held] = {}
        self.closed: list[tuple[HedgeResult, HedgeResult]] = []  # (open, close), oldest first

    async def submit(self, req: HedgeRequest) -> HedgeResult:
        reading = self._prices(req.coin)
        if reading is None:
            why = Text.of("hedge.no_price", coin=req.coin)
            return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=why)
        forward = req.direction is HedgeDirection.FORWARD
        px = leg_prices(self._model, forward, req.opening, reading.upbit_krw, reading.binance_usdt)
        if req.opening:
            if req.hedge_id in self._open:  # a retry of an open that went through
                return self._open[req.hedge_id].result
            qty = float(_d(hedge_qty(float(req.size_krw or 0), px.spot)).quantize(_Q))
            if qty <= 0:
                why = Text.of("hedge.no_price", coin=req.coin)
                return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=why)
            result = self._result(req, HedgeOutcome.OPENED, px, qty, reading.ts)
            self._open[req.hedge_id] = _Held(req, result, px, qty)
            return result
        held = self._open.pop(req.hedge_id, None)
        if held is None:
            why = Text.of("hedge.not_open", hedge=req.hedge_id)
            return HedgeResult(req.hedge_id, HedgeOutcome.REFUSED, reason=why)
        result = self._result(req, HedgeOutcome.CLOSED, px, held.qty, reading.ts)
        self.closed.append((held.result, result))
        return result

    def _result(
        self, req: HedgeRequest, outcome: HedgeOutcome, px: LegPrices, qty: float, ts: float
    ) -> HedgeResult:
        q = _d(qty)
        spot_fee = _d(qty * px.spot * px.spot_fee_rate)
        fut_fee = _d(qty * px.futures * px.futures_fee_rate)
        details = {"coin": req.coin, "direction": req.direction.value, "ts": repr(ts)}
        return HedgeResult(
            req.hedge_id,
            outcome,
            spot=LegFill("upbit", q, _d(px.spot), spot_fee),
            futures=LegFill("binance_futures", q, _d(px.futures), fut_fee),
            details=details,
        )

    async def open_hedges(self, bot: str) -> list[HedgeResult]:
        return [h.result for h in self._open.values() if h.req.bot == bot]
