"""The order gateway strategy bots trade through (`TradingProvider.gateway()`).

Every bot order goes through the `OrderService` (validation, risk limits, intent written before
sending, paper or live). Futures entries go through `FuturesManager.open`, so leverage is set
and the bot's stop-loss / take-profit are placed on the venue as reduce-only orders once the
entry fills; a futures exit cancels them first. A bot only books what actually filled: the
answer waits (briefly) for the fill, and a market order still unfilled after `fill_wait` is
cancelled and refused, so the bot and the account never disagree about a position.

Binance spot (with `spot_stops`): a bot's market buy carries its stop-loss percentage, placed on
the venue as a STOP_LOSS once the buy fills (`trading.spot_stops`); its sells cancel that stop
first (it locks the coins), and a sell of a holding the stop already sold answers with the
stop's fill, like a futures exit after its bracket triggered.

A bot's exit (a futures reduce-only order, a spot sell) is sized to the bot's own share of the
position (`trading.shares`), never the user's coins or contracts beside it (a futures exit is cut
under the position's exit lock, in `FuturesManager.close`): a bot whose share is flat is answered
"nothing to sell" and nothing is sent; validation puts the size on the lot grid (rounding down,
so never past the share).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from core.errors import TradingError
from core.market import Side
from core.orders import Brackets, Order, OrderRequest, OrderResult, OrderStatus, OrderType
from core.symbols import Venue
from core.text import Text
from trading.executor import OrderService, SubmitResult
from trading.futures import FuturesManager
from trading.spot_stops import SpotStops

ZERO = Decimal(0)


class BotGateway:
    """`OrderGateway` over the order layer. `brackets`: per bot name, SL/TP in percent."""

    def __init__(
        self,
        svc: OrderService,
        futures: FuturesManager,
        brackets: Mapping[str, Brackets] | None = None,
        *,
        fill_wait: float = 10.0,
        spot_stops: SpotStops | None = None,
    ) -> None:
        self.svc = svc
        self.futures = futures
        self.spot_stops = spot_stops
        self.brackets = dict(brackets or {})
        self.fill_wait = fill_wait
        self._booked: set[str] = set()  # bracket fills already reported to a bot

    async def submit(self, req: OrderRequest) -> OrderResult:
        if self._exit(req) and req.instrument.venue is not Venue.BINANCE_FUTURES:
            sized = await self._to_share(req)
            if isinstance(sized, OrderResult):
                return sized
            req = sized
        try:
            if req.instrument.venue is Venue.BINANCE_FUTURES and req.type is OrderType.MARKET:
                res = await (self._futures_exit(req) if req.reduce_only else self._entry(req))
                if isinstance(res, OrderResult):
                    return res
            elif self._spot_stopped(req):
                res = await self._spot(req)
                if isinstance(res, OrderResult):
                    return res
            else:
                res = await self.svc.submit(req)
        except TradingError as exc:  # e.g. no price to size a futures entry
            return OrderResult.refused(exc.reason)  # a `Text`: the decision log words it
        return await self._result(res)

    def _exit(self, req: OrderRequest) -> bool:
        """A bot's order that gives back what it holds: a futures reduce-only, a spot sell."""
        if req.bot is None or req.type is not OrderType.MARKET:
            return False
        if req.instrument.venue is Venue.BINANCE_FUTURES:
            return req.reduce_only
        return req.side is Side.SELL

    def _share(self, req: OrderRequest) -> Decimal:
        return self.svc.share_of(req.instrument, req.bot) if req.bot is not None else ZERO

    async def _to_share(self, req: OrderRequest) -> OrderRequest | OrderResult:
        """A spot exit cut to the bot's share, or the answer when it holds none (any more).
        (A futures exit is cut under the position's exit lock: `FuturesManager.close`.)"""
        share = self._share(req)
        if share == 0 or (share > 0) == (req.side is Side.BUY):
            # Its stop-loss / take-profit may have closed it on the venue: that fill is the exit.
            done = await self._bracket_fill(req)
            if done is not None:
                return done
            return OrderResult.refused(
                Text.of("reason.bot_nothing_to_sell", bot=req.bot, symbol=req.instrument.symbol)
            )
        qty = abs(share) if req.qty is None else min(req.qty, abs(share))
        return replace(req, qty=qty, quote_amount=None)

    def _spot_stopped(self, req: OrderRequest) -> bool:
        return (
            self.spot_stops is not None
            and req.instrument.venue is Venue.BINANCE_SPOT
            and req.type is OrderType.MARKET
        )

    async def _spot(self, req: OrderRequest) -> SubmitResult | OrderResult:
        assert self.spot_stops is not None
        if req.side is Side.BUY:
            b = self.brackets.get(req.bot or "")
            pct = b.stop_loss_pct if b is not None else None
            return await self.spot_stops.buy(req, stop_loss_pct=pct)
        if not self._holds(req):  # the venue's stop sold it already: that fill is the exit
            done = await self._bracket_fill(req)
            if done is not None:
                return done
        return await self.spot_stops.sell(req)

    async def _entry(self, req: OrderRequest) -> SubmitResult | OrderResult:
        qty = req.qty
        if qty is None:
            if req.quote_amount is None:
                return OrderResult.refused("A futures entry needs a quantity or an amount.")
            ref = self.svc.prices.price(req.instrument, req.side)
            if ref is None:
                ref = await self.svc.brokers[Venue.BINANCE_FUTURES].last_price(
                    req.instrument.symbol
                )
            qty = req.quote_amount / ref  # validation rounds it down to the lot size
        return await self.futures.open(
            req.instrument.symbol, req.side, qty, leverage=req.leverage,
            brackets=self.brackets.get(req.bot or ""), bot=req.bot, reason=req.reason,
        )  # fmt: skip

    async def _futures_exit(self, req: OrderRequest) -> SubmitResult | OrderResult:
        if not self._holds(req):
            # The venue closed it already: the bot's stop-loss or take-profit triggered.
            done = await self._bracket_fill(req)
            if done is not None:
                return done
        res = await self.futures.close(
            req.instrument.symbol, bot=req.bot, qty=req.qty, reason=req.reason, own_share=True
        )
        if not res.accepted and not self._holds(req):
            # Closing cancelled a bracket that had just triggered: that fill is the exit.
            return await self._bracket_fill(req) or res
        return res

    def _holds(self, req: OrderRequest) -> bool:
        return self._share(req) != 0

    async def _bracket_fill(self, req: OrderRequest) -> OrderResult | None:
        """The stop-loss / take-profit fill that closed this bot's latest entry, if any."""
        for stored in await self.svc.store.recent_orders(200, self.svc.paper):
            o = stored.order
            if (
                o.instrument == req.instrument
                and o.bot == req.bot
                and o.type is OrderType.MARKET
                and not o.reduce_only
                and o.status is OrderStatus.FILLED
            ):
                for kid in await self.svc.store.children(o.client_id):
                    k = kid.order
                    if k.status is OrderStatus.FILLED and k.client_id not in self._booked:
                        self._booked.add(k.client_id)
                        return await self._filled(k)
                return None  # the latest entry was not closed by its brackets
        return None

    async def _result(self, res: SubmitResult) -> OrderResult:
        if not res.accepted or res.order is None:
            return OrderResult.refused(res.reason or "refused")
        order = await self._await_fill(res.order)
        if order.avg_price is None and order.filled_qty > 0:
            # Upbit answers a filled market sell without an average price: its fills have it.
            rows = await self.svc.store.fills_of(order.client_id)
            qty = sum((r.fill.qty for r in rows), ZERO)
            if qty > 0:
                avg = sum((r.fill.qty * r.fill.price for r in rows), ZERO) / qty
                order = replace(order, avg_price=avg)
        if order.filled_qty <= 0 or order.avg_price is None:
            return OrderResult.refused(
                f"order {order.client_id} was not filled ({order.status.value}"
                + (f": {order.reason})" if order.reason else ")")
            )
        return await self._filled(order)

    async def _await_fill(self, order: Order) -> Order:
        """A market order is final at once in paper mode and on Binance; Upbit reports the
        fill a moment later (the tracker polls). Unfilled in time: cancel, take what filled."""
        waited = 0.0
        while not order.status.is_final and waited < self.fill_wait:
            self.svc.on_change()
            await self.svc.clock.sleep(0.05)
            waited += 0.05
            stored = await self.svc.store.get(order.client_id)
            order = stored.order if stored is not None else order
        if not order.status.is_final:
            cancelled = await self.svc.cancel(order.client_id)
            order = cancelled.order or order
        return order

    async def _filled(self, order: Order) -> OrderResult:
        """What the account got: quantity net of a fee taken in the bought asset, fee in quote."""
        qty, fee = order.filled_qty, ZERO
        base = order.instrument.symbol.base
        rows = await self.svc.store.fills_of(order.client_id)
        exited = self.svc.trades.exited([r.fill for r in rows], order.bot)
        realized = sum((t.realized for t in exited), ZERO) if exited else None
        for row in rows:
            f = row.fill
            if f.fee_asset == base:
                qty -= f.fee
                fee += f.fee * f.price
            else:
                fee += f.fee
        return OrderResult(True, client_id=order.client_id, filled_qty=qty,
                           avg_price=order.avg_price, fee=fee, realized=realized)  # fmt: skip
