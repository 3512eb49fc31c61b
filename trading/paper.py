"""Paper broker: the `Broker` interface over live market data, no real orders.

Fill model: the backtest's, `core.fills` (`fill_price`, `fee`, `FEE_RATES`), computed by
the same float arithmetic and converted to Decimal once, at this boundary (prices then go on the
venue's tick grid, fees to 8 decimals). Market orders fill at the top of book (ask for buys, bid
for sells) moved by `slippage_bps`; limit orders that cross on arrival fill at the touch as
takers; resting limit orders fill at their price, as makers, when a quote or trade crosses them.
Taker fees: Upbit 0.05 %, Binance spot 0.1 % (charged in the asset received), USDT-M futures
0.05 % (maker 0.02 %, for resting limit orders only, which the backtest does not have).
Futures keep a USDT wallet, isolated-style margin per position (notional / leverage) and
STOP_MARKET / TAKE_PROFIT_MARKET triggers on the mark (or last) price.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from loguru import logger

from core.broker import PlaceRequest, UpdateListener, VenueOrder
from core.clock import Clock
from core.errors import NotFound, Rejected
from core.fills import fill_price
from core.market import Side
from core.orders import Balance, Fill, OrderStatus, OrderType, Position
from core.rounding import MarketRules, upbit_rules
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.paper_account import FEES, PaperAccount, PaperOrder, dec, paper_fee
from trading.pnl import PositionState
from trading.prices import MarketEvent, PriceBook

__all__ = ["FEES", "PaperBroker", "default_rules", "paper_fee"]
ZERO = Decimal(0)

RulesSource = Callable[[Symbol], Awaitable[MarketRules]]


def default_rules(venue: Venue, symbol: Symbol) -> MarketRules:
    """Rules when the venue's own cannot be loaded (paper only)."""
    maker, taker = FEES[venue]
    if venue.krw:
        return upbit_rules(symbol.base, symbol.quote, taker)
    return MarketRules(
        base=symbol.base,
        quote=symbol.quote,
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.00001") if venue is Venue.BINANCE_SPOT else Decimal("0.001"),
        min_notional=Decimal(5),
        taker_fee=taker,
        maker_fee=maker,
    )


class PaperBroker:
    """One paper venue. Feed it market events with `on_market` (the executor's bus loop does)."""

    paper = True

    def __init__(
        self,
        venue: Venue,
        prices: PriceBook,
        clock: Clock,
        *,
        balances: dict[str, Decimal],
        slippage_bps: float = 5.0,
        rules_source: RulesSource | None = None,
        leverage: int = 10,
    ) -> None:
        self.venue = venue
        self._prices = prices
        self._clock = clock
        self._slip_bps = float(slippage_bps)
        self._rules_source = rules_source
        self._rules: dict[Symbol, MarketRules] = {}
        self._account = PaperAccount(venue, clock, balances, leverage)
        self._orders: dict[str, PaperOrder] = {}
        self._ids = itertools.count(1)
        self._listener: UpdateListener | None = None
        self.maker, self.taker = self._account.maker, self._account.taker

    # --- Broker interface ---------------------------------------------------------------
    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def set_listener(self, listener: UpdateListener) -> None:
        self._listener = listener

    async def rules(self, symbol: Symbol) -> MarketRules:
        rules = self._rules.get(symbol)
        if rules is None:
            rules = default_rules(self.venue, symbol)
            if self._rules_source is not None:
                try:
                    live = await self._rules_source(symbol)
                    rules = replace(live, maker_fee=self.maker, taker_fee=self.taker)
                except Exception as exc:  # the venue's rules are a nicety in paper mode
                    logger.warning(
                        "paper {}: using default rules for {} ({})", self.venue, symbol, exc
                    )
            self._rules[symbol] = rules
        return rules

    async def last_price(self, symbol: Symbol) -> Decimal:
        price = self._prices.price(Instrument(self.venue, symbol))
        if price is None:
            raise Rejected(Text.of("paper.no_price", symbol=symbol, venue=self.venue))
        return price

    async def place(self, req: PlaceRequest) -> VenueOrder:
        if req.client_id in self._orders:
            raise Rejected(f"Duplicate client order id {req.client_id}.")
        po = PaperOrder(req, f"paper-{next(self._ids)}")
        rules = await self.rules(req.symbol)
        inst = Instrument(self.venue, req.symbol)
        if req.conditional:
            self._orders[req.client_id] = po
            return self._view(po)
        if req.type is OrderType.MARKET:
            price = self._market_price(inst, req.side)
            self._account.execute(po, rules, price, taker=True)
            self._orders[req.client_id] = po
            return self._view(po)
        assert req.price is not None and req.qty is not None
        top = self._prices.top(inst)
        crosses = top is not None and (
            (req.side is Side.BUY and 0 < top.ask <= float(req.price))
            or (req.side is Side.SELL and top.bid >= float(req.price) > 0)
        )
        if crosses:
            assert top is not None
            price = Decimal(repr(top.ask if req.side is Side.BUY else top.bid))
            self._account.execute(po, rules, price, taker=True)
        else:
            self._account.lock(po, rules)
        self._orders[req.client_id] = po
        return self._view(po)

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        po = self._orders.get(client_id)
        if po is None:
            raise NotFound(f"no paper order {client_id}")
        return self._view(po)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        po = self._orders.get(client_id)
        if po is None:
            raise NotFound(f"no paper order {client_id}")
        if po.status.is_final:
            raise Rejected(f"The order is already {po.status.value}.")
        self._account.unlock(po)
        po.status = OrderStatus.CANCELLED
        return self._view(po)

    async def fills(self, order: VenueOrder) -> list[Fill]:
        po = self._orders.get(order.client_id)
        return list(po.fills) if po else []

    async def open_orders(self) -> list[VenueOrder]:
        return [self._view(p) for p in self._orders.values() if not p.status.is_final]

    async def balances(self) -> list[Balance]:
        return self._account.balances()

    async def positions(self) -> list[Position]:
        return self._account.positions()

    async def set_leverage(self, symbol: Symbol, leverage: int) -> None:
        self._account.set_leverage(symbol, leverage)

    # --- restore after a restart ----------------------------------------------------------
    def restore(self, orders: list[tuple[PlaceRequest, str]], positions: list[Position]) -> None:
        """Re-rest open paper orders (funds are already locked in the saved balances)."""
        for req, xid in orders:
            self._orders[req.client_id] = PaperOrder(req, xid)
        for p in positions:
            if p.instrument.venue is self.venue and self.venue is Venue.BINANCE_FUTURES:
                st = PositionState(p.qty, p.entry_price)
                self._account.restore_position(p.instrument.symbol, st, p.leverage)

    def set_locked(self, locked: dict[str, Decimal]) -> None:
        self._account.set_locked(locked)

    # --- market data -------------------------------------------------------------------------
    def on_market(self, ev: MarketEvent) -> None:
        """Fill resting orders the market has crossed (call after the price book is updated)."""
        if ev.instrument.venue is not self.venue:
            return
        sym = ev.instrument.symbol
        for po in list(self._orders.values()):
            if po.status.is_final or po.req.symbol != sym:
                continue
            if po.req.conditional:
                self._maybe_trigger(po)
            elif po.req.type is OrderType.LIMIT:
                self._maybe_fill_limit(po, ev)

    def _maybe_fill_limit(self, po: PaperOrder, ev: MarketEvent) -> None:
        from core.market import Quote, Trade

        assert po.req.price is not None
        limit = float(po.req.price)
        buy = po.req.side is Side.BUY
        if isinstance(ev, Quote):
            hit = (0 < ev.ask <= limit) if buy else (ev.bid >= limit > 0)
        elif isinstance(ev, Trade):
            hit = ev.price < limit if buy else ev.price > limit
        else:
            return
        if hit:
            self._account.unlock(po)
            self._account.execute(po, self._rules[po.req.symbol], po.req.price, taker=False)
            self._emit(po)

    def _maybe_trigger(self, po: PaperOrder) -> None:
        inst = Instrument(self.venue, po.req.symbol)
        top = self._prices.top(inst)
        if top is None or po.req.trigger_price is None:
            return
        ref = top.mark or top.last or (top.bid + top.ask) / 2
        if ref <= 0:
            return
        trig = float(po.req.trigger_price)
        sell = po.req.side is Side.SELL
        if po.req.type is OrderType.STOP_MARKET:
            hit = ref <= trig if sell else ref >= trig
        else:
            hit = ref >= trig if sell else ref <= trig
        if not hit:
            return
        if po.req.reduce_only and self._account.held(po.req.symbol) == 0:
            po.status, po.reason = OrderStatus.CANCELLED, "reduce-only: no position left"
        else:
            price = self._market_price(inst, po.req.side)
            self._account.execute(po, self._rules[po.req.symbol], price, taker=True)
        self._emit(po)

    # --- internals ------------------------------------------------------------------------
    def _emit(self, po: PaperOrder) -> None:
        if self._listener is not None:
            self._listener(self._view(po))

    def _market_price(self, inst: Instrument, side: Side) -> Decimal:
        top = self._prices.top(inst)
        if top is None:
            raise Rejected(Text.of("paper.no_price", symbol=inst.symbol, venue=inst.venue))
        raw = top.ask if side is Side.BUY else top.bid
        raw = raw or top.last or top.mark
        if raw <= 0:
            raise Rejected(Text.of("paper.no_price", symbol=inst.symbol, venue=inst.venue))
        return dec(fill_price(raw, 1 if side is Side.BUY else -1, self._slip_bps))

    def _view(self, po: PaperOrder) -> VenueOrder:
        r = po.req
        return VenueOrder(
            client_id=r.client_id,
            exchange_id=po.exchange_id,
            symbol=r.symbol,
            side=r.side,
            type=r.type,
            status=po.status,
            qty=r.qty if r.qty is not None else po.filled,
            filled_qty=po.filled,
            avg_price=po.avg,
            price=r.price,
            trigger_price=r.trigger_price,
            fills=tuple(po.fills),
            reason=po.reason,
        )
