"""Spot matching engine shared by the simulated Upbit and Binance spot venues.

Market orders walk the market model's current book (so they pay slippage); limit orders that
cross take liquidity the same way and the rest rests until the market trades through them.
Funds are locked when an order is placed, so balances never go negative. Venue-specific
validation (tick size, minimum total) is done by the venue before calling `place`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import MarketEvent, MarketModel, SimBook, SimTrade

ZERO = Decimal(0)


class SimReject(Exception):
    """An order or query the venue must refuse; `code` is venue-neutral (the venue maps it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(slots=True)
class Balance:
    free: Decimal = ZERO
    locked: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


class SpotAccount:
    """One API key's balances (plus Upbit's average buy price per asset)."""

    def __init__(self, key: str, balances: dict[str, Decimal | str | float] | None = None) -> None:
        self.key = key
        self.balances: dict[str, Balance] = {}
        self.avg_buy_price: dict[str, Decimal] = {}
        for asset, amount in (balances or {}).items():
            self.deposit(asset, Decimal(str(amount)))

    def balance(self, asset: str) -> Balance:
        bal = self.balances.get(asset)
        if bal is None:
            bal = self.balances[asset] = Balance()
        return bal

    def deposit(self, asset: str, amount: Decimal) -> None:
        if amount < 0:
            raise ValueError("deposit must be >= 0")
        self.balance(asset).free += amount

    def lock(self, asset: str, amount: Decimal) -> None:
        bal = self.balance(asset)
        if amount > bal.free:
            raise SimReject("insufficient_funds", f"insufficient {asset}: need {amount}")
        bal.free -= amount
        bal.locked += amount

    def unlock(self, asset: str, amount: Decimal) -> None:
        bal = self.balance(asset)
        amount = min(amount, bal.locked)
        bal.locked -= amount
        bal.free += amount

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        bal = self.balance(asset)
        if amount > bal.locked:  # rounding dust: never let a balance go negative
            amount = bal.locked
        bal.locked -= amount


@dataclass(slots=True)
class SimFill:
    trade_id: int
    trade_uuid: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    fee: Decimal
    fee_asset: str
    ts_ms: int
    is_maker: bool


@dataclass(slots=True)
class SimOrder:
    seq: int
    uuid: str
    account: str
    venue: str
    market: str
    base: str
    quote: str
    side: str  # "buy" | "sell"
    ord_type: str  # "limit" | "market"
    price: Decimal | None
    qty: Decimal | None
    quote_amount: Decimal | None
    client_id: str | None
    time_in_force: str
    created_ms: int
    state: str = "new"  # new | partially_filled | filled | canceled | expired
    executed_qty: Decimal = ZERO
    executed_quote: Decimal = ZERO
    fee_paid: Decimal = ZERO
    fee_asset: str = ""
    locked_asset: str = ""
    locked: Decimal = ZERO  # still locked for this order
    reserved_fee: Decimal = ZERO
    updated_ms: int = 0
    fills: list[SimFill] = field(default_factory=list)
    # A stop order (Binance spot STOP_LOSS / STOP_LOSS_LIMIT): waits, its asset locked, until a
    # trade prints at or through `stop_price`, then works as a market / limit order.
    stop_price: Decimal | None = None
    working_ms: int = -1  # when it started working (-1: a stop not triggered yet)

    @property
    def is_open(self) -> bool:
        return self.state in ("new", "partially_filled")

    @property
    def remaining_qty(self) -> Decimal:
        return (self.qty or ZERO) - self.executed_qty

    @property
    def avg_price(self) -> Decimal:
        return self.executed_quote / self.executed_qty if self.executed_qty else ZERO


OrderListener = Callable[[SimOrder, SimFill | None], None]


class SpotEngine:
    """Orders, fills and balances of one spot venue (see module docstring).

    `fee_in_quote=True` is Upbit's model (the fee is added to what a buy costs and taken from
    what a sell receives, always in the quote currency); False is Binance's (the fee is taken
    from the asset received).
    """

    def __init__(
        self,
        venue: str,
        fee_rate: Decimal,
        clock: SimClock,
        market: MarketModel,
        *,
        fee_in_quote: bool = False,
        maker_fee_rate: Decimal | None = None,
        client_id_scope: str = "all",  # "all": never reusable (Upbit) | "open": open orders only
    ) -> None:
        self.venue = venue
        self.fee_rate = fee_rate
        self.maker_fee_rate = fee_rate if maker_fee_rate is None else maker_fee_rate
        self.clock = clock
        self.market = market
        self.fee_in_quote = fee_in_quote
        self.client_id_scope = client_id_scope
        self._steps: dict[str, Decimal] = {}
        self.accounts: dict[str, SpotAccount] = {}
        self.orders: dict[int, SimOrder] = {}
        self._by_uuid: dict[str, SimOrder] = {}
        self._by_client: dict[tuple[str, str], SimOrder] = {}
        self._resting: dict[str, list[SimOrder]] = {}
        self._stops: dict[str, list[SimOrder]] = {}  # stop orders waiting for their trigger
        self._listeners: list[OrderListener] = []
        self._rng = random.Random(f"{market.seed}:{venue}:orders")
        self._seq = 0
        self._trade_seq = 0
        market.add_listener(self.on_market_event)

    # ----------------------------------------------------------------- accounts / listeners
    def open_account(self, key: str, balances: dict[str, Decimal | str | float]) -> SpotAccount:
        acct = self.accounts[key] = SpotAccount(key, balances)
        return acct

    def account(self, key: str) -> SpotAccount:
        acct = self.accounts.get(key)
        if acct is None:
            acct = self.accounts[key] = SpotAccount(key)
        return acct

    def add_order_listener(self, cb: OrderListener) -> None:
        """`cb(order, None)` on every state change without a fill (placed, canceled, expired,
        closed as filled after its last fill), `cb(order, fill)` on every fill (the order's
        state is already updated: `filled` if that fill completed it)."""
        self._listeners.append(cb)

    def _notify(self, order: SimOrder, fill: SimFill | None) -> None:
        for cb in self._listeners:
            cb(order, fill)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # ----------------------------------------------------------------- placing
    def place(
        self,
        account: SpotAccount,
        market: str,
        side: str,
        ord_type: str,
        price: Decimal | None = None,
        qty: Decimal | None = None,
        quote_amount: Decimal | None = None,
        client_id: str | None = None,
        time_in_force: str = "GTC",
        stop_price: Decimal | None = None,
    ) -> SimOrder:
        """Place an order; raises SimReject (insufficient_funds, duplicate_client_id, ...).
        With `stop_price` it waits (locked) for a trade at or through it (see `_trigger`)."""
        spec = self.market.market_spec(self.venue, market)
        if side not in ("buy", "sell") or ord_type not in ("limit", "market"):
            raise SimReject("invalid_order", f"bad side/type {side}/{ord_type}")
        if client_id is not None and self._client_taken(account.key, client_id):
            raise SimReject("duplicate_client_id", f"client id {client_id!r} already used")
        if ord_type == "limit" and (price is None or qty is None or price <= 0 or qty <= 0):
            raise SimReject("invalid_order", "limit orders need a positive price and quantity")
        if ord_type == "market":
            if side == "sell" and (qty is None or qty <= 0):
                raise SimReject("invalid_order", "market sells need a positive quantity")
            if side == "buy" and not ((qty and qty > 0) or (quote_amount and quote_amount > 0)):
                raise SimReject("invalid_order", "market buys need a quantity or a quote amount")
        now = self.clock.now_ms()
        self._seq += 1
        order = SimOrder(
            self._seq, self._uuid(), account.key, self.venue, market, spec.base, spec.quote,
            side, ord_type, price, qty, quote_amount, client_id, time_in_force.upper(), now,
            updated_ms=now, stop_price=stop_price, working_ms=-1 if stop_price else now,
        )  # fmt: skip
        book = self.market.book(self.venue, market)
        self._lock_for(account, order, book)
        self.orders[order.seq] = order
        self._by_uuid[order.uuid] = order
        if client_id is not None:
            self._by_client[(account.key, client_id)] = order
        self._notify(order, None)
        if stop_price is not None:
            self._stops.setdefault(market, []).append(order)
            return order
        self._work(account, order, book)
        return order

    def _work(self, account: SpotAccount, order: SimOrder, book: SimBook) -> None:
        """Take liquidity, then rest or close (a new order, or a stop that just triggered)."""
        market = order.market
        if order.time_in_force == "FOK" and not self._fok_possible(order, book):
            self._close(account, order, "expired")
            return
        self._take(account, order, book)
        if order.is_open:
            if order.ord_type == "market" or order.time_in_force in ("IOC", "FOK"):
                # A buy by quote amount is done once the left-over cannot buy one more step.
                by_quote = order.qty is None and order.executed_qty > 0
                done = self._done(order) or by_quote
                self._close(account, order, "filled" if done else "expired")
            else:
                self._resting.setdefault(market, []).append(order)

    def _client_taken(self, key: str, client_id: str) -> bool:
        existing = self._by_client.get((key, client_id))
        if existing is None:
            return False
        return self.client_id_scope == "all" or existing.is_open

    def _buy_cost(self, quote: Decimal) -> Decimal:
        return quote * (1 + self.fee_rate) if self.fee_in_quote else quote

    def _lock_for(self, account: SpotAccount, order: SimOrder, book: SimBook) -> None:
        if order.side == "sell":
            order.locked_asset = order.base
            amount = order.qty or ZERO
        else:
            order.locked_asset = order.quote
            if order.ord_type == "limit":
                notional = (order.price or ZERO) * (order.qty or ZERO)
            elif order.quote_amount is not None:
                notional = order.quote_amount
            else:  # market buy by quantity: lock the cost of walking the book, with headroom
                notional = _walk_cost(book.asks, order.qty or ZERO) * Decimal("1.01")
            amount = self._buy_cost(notional)
            if self.fee_in_quote:
                order.reserved_fee = amount - notional
        try:
            account.lock(order.locked_asset, amount)
        except SimReject:
            self._seq -= 1
            raise
        order.locked = amount

    def _fok_possible(self, order: SimOrder, book: SimBook) -> bool:
        levels = book.asks if order.side == "buy" else book.bids
        avail = ZERO
        for p, q in levels:
            dp = Decimal(str(p))
            if order.price is not None and (
                dp > order.price if order.side == "buy" else dp < order.price
            ):
                break
            avail += Decimal(str(q))
        return avail >= (order.qty or ZERO)

    def _take(self, account: SimAccountLike, order: SimOrder, book: SimBook) -> None:
        """Fill against the book as taker, up to the limit price (market orders: no limit)."""
        levels = book.asks if order.side == "buy" else book.bids
        for p, q in levels:
            dp, dq = Decimal(str(p)), Decimal(str(q))
            if order.price is not None and (
                dp > order.price if order.side == "buy" else dp < order.price
            ):
                break
            if order.side == "buy" and order.quote_amount is not None and order.qty is None:
                # Buying with a quote amount fills whole quantity steps of the market: Binance
                # LOT_SIZE stepSize (what is left of the amount is not spent), Upbit 1e-8.
                step = self._qty_step(order.market)
                budget = order.quote_amount - order.executed_quote
                take = min(dq, (budget / dp / step).to_integral_value(ROUND_DOWN) * step)
            else:
                take = min(dq, order.remaining_qty)
            if take <= 0:
                break
            self._fill(account, order, dp, take, is_maker=False)
            if self._done(order):
                break

    def _qty_step(self, market: str) -> Decimal:
        step = self._steps.get(market)
        if step is None:
            qty_step = self.market.market_spec(self.venue, market).qty_step
            step = self._steps[market] = Decimal(str(qty_step))
        return step

    def _done(self, order: SimOrder) -> bool:
        if order.qty is not None:
            return order.remaining_qty <= 0
        budget = (order.quote_amount or ZERO) - order.executed_quote
        return budget <= 0

    # ----------------------------------------------------------------- fills
    def _fill(self, account: SimAccountLike, order: SimOrder, price: Decimal, qty: Decimal,
              is_maker: bool) -> None:  # fmt: skip
        assert isinstance(account, SpotAccount)
        rate = self.maker_fee_rate if is_maker else self.fee_rate
        quote = price * qty
        self._trade_seq += 1
        now = self.clock.now_ms()
        if order.side == "buy":
            fee = quote * rate if self.fee_in_quote else qty * rate
            fee_asset = order.quote if self.fee_in_quote else order.base
            if order.ord_type == "limit":  # release the lock at the limit price
                release = self._buy_cost((order.price or price) * qty)
            else:
                release = quote + (fee if self.fee_in_quote else ZERO)
            release = min(release, order.locked)
            account.spend_locked(order.quote, release)
            order.locked -= release
            spent = quote + (fee if self.fee_in_quote else ZERO)
            if release > spent:
                account.balance(order.quote).free += release - spent
            received = qty - (ZERO if self.fee_in_quote else fee)
            self._update_avg(account, order.base, received, quote)
            account.balance(order.base).free += received
        else:
            fee = quote * rate
            fee_asset = order.quote
            account.spend_locked(order.base, qty)
            order.locked -= qty
            account.balance(order.quote).free += quote - fee
        fill = SimFill(self._trade_seq, self._uuid(), price, qty, quote, fee, fee_asset, now,
                       is_maker)  # fmt: skip
        order.fills.append(fill)
        order.executed_qty += qty
        order.executed_quote += quote
        order.fee_paid += fee
        order.fee_asset = fee_asset
        order.updated_ms = now
        if self._done(order):
            self._close(account, order, "filled", notify=False)  # the fill event says it
        else:
            order.state = "partially_filled"
        self._notify(order, fill)

    @staticmethod
    def _update_avg(account: SpotAccount, asset: str, qty: Decimal, cost: Decimal) -> None:
        held = account.balance(asset).total
        avg = account.avg_buy_price.get(asset, ZERO)
        total = held + qty
        if total > 0:
            account.avg_buy_price[asset] = (avg * held + cost) / total

    def _close(
        self, account: SimAccountLike, order: SimOrder, state: str, notify: bool = True
    ) -> None:
        assert isinstance(account, SpotAccount)
        if order.locked > 0:
            account.unlock(order.locked_asset, order.locked)
            order.locked = ZERO
        order.state = state
        order.updated_ms = self.clock.now_ms()
        for waiting in (self._resting.get(order.market), self._stops.get(order.market)):
            if waiting and order in waiting:
                waiting.remove(order)
        if notify:
            self._notify(order, None)

    # ----------------------------------------------------------------- resting orders
    def on_market_event(self, event: MarketEvent) -> None:
        if event.venue != self.venue:
            return
        if isinstance(event, SimTrade) and self._stops.get(event.market):
            self._trigger(event)
        resting = self._resting.get(event.market)
        if not resting:
            return
        for order in list(resting):
            if not order.is_open or order.price is None:
                continue
            account = self.accounts[order.account]
            if isinstance(event, SimTrade):
                tp = Decimal(str(event.price))
                crossed = tp < order.price if order.side == "buy" else tp > order.price
                touched = tp == order.price
                if crossed:
                    self._fill(account, order, order.price, order.remaining_qty, is_maker=True)
                elif touched and event.is_buyer_maker == (order.side == "buy"):
                    take = min(order.remaining_qty, Decimal(str(event.qty)))
                    self._fill(account, order, order.price, take, is_maker=True)
            else:
                top = event.asks if order.side == "buy" else event.bids
                if top:
                    bp = Decimal(str(top[0][0]))
                    if (bp <= order.price) if order.side == "buy" else (bp >= order.price):
                        self._fill(account, order, order.price, order.remaining_qty, True)

    def _trigger(self, trade: SimTrade) -> None:
        """Stops whose price this trade reached start working (a sell stop at or below its
        stop price, a buy stop at or above), against the book as it is now."""
        price = Decimal(str(trade.price))
        waiting = self._stops[trade.market]
        for order in list(waiting):
            assert order.stop_price is not None
            hit = price <= order.stop_price if order.side == "sell" else price >= order.stop_price
            if not hit or not order.is_open:
                continue
            waiting.remove(order)
            order.working_ms = order.updated_ms = self.clock.now_ms()
            account = self.accounts[order.account]
            self._work(account, order, self.market.book(self.venue, order.market))

    def pending_stops(self, account: SpotAccount) -> list[SimOrder]:
        """Stop orders of `account` still waiting for their trigger."""
        return [o for w in self._stops.values() for o in w if o.account == account.key]

    # ----------------------------------------------------------------- queries / cancel
    def get(self, account: SpotAccount, order_id: int | str | None = None,
            client_id: str | None = None) -> SimOrder:  # fmt: skip
        order: SimOrder | None = None
        if order_id is not None:
            if isinstance(order_id, int) or (isinstance(order_id, str) and order_id.isdigit()):
                order = self.orders.get(int(order_id))
            else:
                order = self._by_uuid.get(order_id)
        elif client_id is not None:
            order = self._by_client.get((account.key, client_id))
        if order is None or order.account != account.key:
            raise SimReject("order_not_found", "order does not exist")
        return order

    def cancel(self, account: SpotAccount, order_id: int | str | None = None,
               client_id: str | None = None) -> SimOrder:  # fmt: skip
        order = self.get(account, order_id, client_id)
        if not order.is_open:
            raise SimReject("order_not_open", f"order is {order.state}")
        self._close(account, order, "canceled")
        return order

    def open_orders(self, account: SpotAccount, market: str | None = None) -> list[SimOrder]:
        return [o for o in self.all_orders(account, market) if o.is_open]

    def all_orders(self, account: SpotAccount, market: str | None = None) -> list[SimOrder]:
        return [
            o for o in self.orders.values()
            if o.account == account.key and (market is None or o.market == market)
        ]  # fmt: skip


SimAccountLike = SpotAccount


def _walk_cost(levels: list[tuple[float, float]], qty: Decimal) -> Decimal:
    cost = ZERO
    left = qty
    last = ZERO
    for p, q in levels:
        dp, dq = Decimal(str(p)), Decimal(str(q))
        take = min(left, dq)
        cost += take * dp
        left -= take
        last = dp
        if left <= 0:
            break
    return cost + left * last
