"""USDT-M futures matching: accounts, margin, leverage and margin type, orders and fills.

Orders fill against the simulated futures book (market orders walk the levels: slippage; a
market order that runs out of book fills the rest one tick further away), with the taker fee;
`binance_futures_engine` adds resting-limit fills on trades (maker fee), conditional (algo)
orders and liquidation. Margin maths live in `binance_futures_models`. Every change is reported
to listeners as a `FuturesEvent`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from peers.exchange_sim.binance_auth import BinanceError
from peers.exchange_sim.binance_futures_models import (
    ZERO,
    AlgoOrder,
    Bracket,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    MarginType,
    OrderStatus,
    Position,
    brackets_for,
)
from peers.exchange_sim.binance_rules import SymbolRules, check_price, check_qty

MAKER_FEE = Decimal("0.0002")
TAKER_FEE = Decimal("0.0005")

Book = tuple[list[tuple[float, float]], list[tuple[float, float]]]


@dataclass(frozen=True, slots=True)
class FuturesEvent:
    """kind: ORDER (order + exec type [+ fill]), ACCOUNT (reason, symbols), ALGO, CONFIG."""

    kind: str
    account: FuturesAccount
    order: FuturesOrder | None = None
    exec_type: str = ""
    fill: FuturesFill | None = None
    algo: AlgoOrder | None = None
    reason: str = ""
    symbol: str = ""


def margin_insufficient() -> BinanceError:
    return BinanceError(-2019, "Margin is insufficient.")


class FuturesMatching:
    """Accounts, margin queries, configuration, order placement and taker fills."""

    def __init__(
        self,
        rules: dict[str, SymbolRules],
        now_ms: Callable[[], int],
        mark: Callable[[str], float],
        last: Callable[[str], float | None],
        book: Callable[[str], Book],
        maker_fee: Decimal = MAKER_FEE,
        taker_fee: Decimal = TAKER_FEE,
    ) -> None:
        self.rules = rules
        self.now_ms = now_ms
        self._mark = mark
        self._last = last
        self._book = book
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self.brackets: dict[str, tuple[Bracket, ...]] = {
            s: brackets_for(r.max_leverage) for s, r in rules.items()
        }
        self.accounts: dict[str, FuturesAccount] = {}
        self.listeners: list[Callable[[FuturesEvent], None]] = []
        self._order_ids = itertools.count(8_389_765_000_000_001)
        self._algo_ids = itertools.count(1_000_000_001)
        self._trade_ids = itertools.count(6_100_000_001)

    # --- accounts and prices -----------------------------------------------------------------

    def account(self, api_key: str, wallet: Decimal = Decimal(10_000)) -> FuturesAccount:
        acct = self.accounts.get(api_key)
        if acct is None:
            acct = self.accounts[api_key] = FuturesAccount(api_key, wallet, update_ms=self.now_ms())
        return acct

    def mark(self, symbol: str) -> Decimal:
        return self.rules[symbol].round_price(self._mark(symbol))

    def _emit(self, event: FuturesEvent) -> None:
        for cb in self.listeners:
            cb(event)

    def cross_upnl(self, acct: FuturesAccount) -> Decimal:
        return sum(
            (p.upnl(self.mark(s)) for s, p in acct.positions.items() if p.margin_type == "CROSSED"),
            ZERO,
        )

    def cross_initial(self, acct: FuturesAccount) -> Decimal:
        return sum(
            (
                p.initial_margin(self.mark(s))
                for s, p in acct.positions.items()
                if p.margin_type == "CROSSED"
            ),
            ZERO,
        )

    def available(self, acct: FuturesAccount) -> Decimal:
        avail = (
            acct.cross_wallet()
            + self.cross_upnl(acct)
            - self.cross_initial(acct)
            - acct.order_margin()
        )
        return max(ZERO, avail)

    def liquidation_price(self, acct: FuturesAccount, pos: Position) -> Decimal:
        mark = self.mark(pos.symbol)
        if pos.margin_type == "ISOLATED":
            backing = pos.isolated_wallet
        else:
            others = [p for s, p in acct.positions.items() if s != pos.symbol and p.amt]
            backing = acct.cross_wallet() + sum(
                (
                    p.upnl(self.mark(p.symbol))
                    - p.maint_margin(self.mark(p.symbol), self.brackets[p.symbol])
                    for p in others
                    if p.margin_type == "CROSSED"
                ),
                ZERO,
            )
        return pos.liquidation_price(backing, mark, self.brackets[pos.symbol])

    # --- configuration -----------------------------------------------------------------------

    def set_leverage(self, acct: FuturesAccount, symbol: str, leverage: int) -> Position:
        if not 1 <= leverage <= self.rules[symbol].max_leverage:
            raise BinanceError(-4028, f"Leverage {leverage} is not valid")
        pos = acct.position(symbol)
        if pos.amt and leverage < pos.leverage:
            need = pos.initial_margin(self.mark(symbol)) * (Decimal(pos.leverage) / leverage - 1)
            if need > self.available(acct):
                raise BinanceError(
                    -2027, "Exceeded the maximum allowable position at current leverage."
                )
        pos.leverage = leverage
        self._emit(FuturesEvent("CONFIG", acct, symbol=symbol))
        return pos

    def set_margin_type(self, acct: FuturesAccount, symbol: str, margin_type: str) -> None:
        pos = acct.position(symbol)
        if margin_type not in ("ISOLATED", "CROSSED"):
            raise BinanceError(-4044, "The margin type is invalid.")
        if pos.margin_type == margin_type:
            raise BinanceError(-4046, "No need to change margin type.")
        if pos.amt or acct.open_orders(symbol):
            raise BinanceError(
                -4048, "Margin type cannot be changed if there exists position or open orders."
            )
        pos.margin_type = MarginType(margin_type)

    # --- orders ------------------------------------------------------------------------------

    def place(
        self,
        acct: FuturesAccount,
        symbol: str,
        side: str,
        order_type: str,
        qty: Decimal,
        price: Decimal | None,
        *,
        time_in_force: str = "GTC",
        reduce_only: bool = False,
        client_id: str,
        orig_type: str | None = None,
        close_position: bool = False,
    ) -> FuturesOrder:
        rules = self.rules[symbol]
        if any(o.client_id == client_id for o in acct.open_orders()):
            raise BinanceError(-4116, "ClientOrderId is duplicated.")
        market = order_type == "MARKET"
        check_qty(rules, qty, market, futures=True)
        pos = acct.position(symbol)
        signed = qty if side == "BUY" else -qty
        if reduce_only:
            if not pos.amt or (pos.amt > 0) == (signed > 0):
                raise BinanceError(-2022, "ReduceOnly Order is rejected.")
            qty = min(qty, abs(pos.amt))
            signed = qty if side == "BUY" else -qty
        ref_price = price if price is not None else self.mark(symbol)
        if not market:
            assert price is not None
            check_price(rules, price, futures=True)
        if not reduce_only and qty * ref_price < rules.min_notional:
            raise BinanceError(
                -4164,
                f"Order's notional must be no smaller than {rules.min_notional} "
                "(unless you choose reduce only).",
            )
        opening = self._opening_qty(pos, signed)
        if opening > 0:
            fee = opening * ref_price * self.taker_fee
            if opening * ref_price / pos.leverage + fee > self.available(acct):
                raise margin_insufficient()
        now = self.now_ms()
        bids, asks = self._book(symbol)
        levels = asks if side == "BUY" else bids
        if (
            not market
            and time_in_force == "GTX"
            and levels
            and self._crosses(side, price, levels[0][0])
        ):
            raise BinanceError(
                -5022,
                "Due to the order could not be executed as maker, the Post Only order will be "
                "rejected.",
            )
        order = FuturesOrder(
            order_id=next(self._order_ids), client_id=client_id, symbol=symbol, side=side,
            type=order_type, orig_type=orig_type or order_type, qty=qty, price=price or ZERO,
            time_in_force=time_in_force if not market else "GTC", reduce_only=reduce_only,
            close_position=close_position, time_ms=now, update_ms=now,
        )  # fmt: skip
        acct.orders[order.order_id] = order
        self._emit(FuturesEvent("ORDER", acct, order, "NEW"))
        self._take(acct, order, levels)
        if order.remaining > 0 and (market or time_in_force in ("IOC", "FOK")):
            self._finish(acct, order, OrderStatus.EXPIRED)
        return order

    @staticmethod
    def _opening_qty(pos: Position, signed: Decimal) -> Decimal:
        if not pos.amt or (pos.amt > 0) == (signed > 0):
            return abs(signed)
        return max(ZERO, abs(signed) - abs(pos.amt))

    @staticmethod
    def _crosses(side: str, limit: Decimal | None, level: float) -> bool:
        if limit is None:
            return True
        lv = Decimal(str(level))
        return lv <= limit if side == "BUY" else lv >= limit

    def _take(
        self, acct: FuturesAccount, order: FuturesOrder, levels: list[tuple[float, float]]
    ) -> None:
        """Fill `order` as a taker against book levels (market: all; limit: up to its price)."""
        limit = order.price if order.type == "LIMIT" else None
        if order.time_in_force == "FOK":
            avail = sum(
                (Decimal(str(q)) for p, q in levels if self._crosses(order.side, limit, p)), ZERO
            )
            if avail < order.remaining:
                return
        rules = self.rules[order.symbol]
        last_price: Decimal | None = None
        for p, q in levels:
            if order.remaining <= 0 or not self._crosses(order.side, limit, p):
                break
            last_price = rules.round_price(p)
            self._fill(acct, order, last_price, min(order.remaining, Decimal(str(q))), maker=False)
        if order.type == "MARKET" and order.remaining > 0:
            # The book ran out: the rest fills one tick further away (thin-book slippage).
            base = last_price if last_price is not None else self.mark(order.symbol)
            price = base + rules.tick * order.signed_side
            self._fill(acct, order, price, order.remaining, maker=False)

    def _fill(
        self, acct: FuturesAccount, order: FuturesOrder, price: Decimal, qty: Decimal, maker: bool
    ) -> None:
        pos = acct.position(order.symbol)
        if order.reduce_only:
            qty = (
                min(qty, abs(pos.amt))
                if pos.amt and (pos.amt > 0) != (order.side == "BUY")
                else ZERO
            )
            if qty <= 0:
                self._finish(acct, order, OrderStatus.EXPIRED)
                return
        fee = qty * price * (self.maker_fee if maker else self.taker_fee)
        realized = self._apply_to_position(acct, pos, qty * order.signed_side, price)
        acct.wallet = max(ZERO, acct.wallet + realized - fee)
        now = self.now_ms()
        order.executed += qty
        order.cum_quote += qty * price
        order.realized_pnl += realized
        order.commission += fee
        order.update_ms = pos.update_ms = acct.update_ms = now
        order.status = OrderStatus.FILLED if order.remaining <= 0 else OrderStatus.PARTIALLY_FILLED
        fill = FuturesFill(next(self._trade_ids), price, qty, fee, realized, maker, now)
        acct.fills.setdefault(order.order_id, []).append(fill)
        self._emit(FuturesEvent("ORDER", acct, order, "TRADE", fill))
        self._emit(FuturesEvent("ACCOUNT", acct, reason="ORDER", symbol=order.symbol))

    def _apply_to_position(
        self, acct: FuturesAccount, pos: Position, signed: Decimal, price: Decimal
    ) -> Decimal:
        """Move the position by `signed` at `price`; return the realised PnL."""
        realized = ZERO
        if pos.amt and (pos.amt > 0) != (signed > 0):
            closing = min(abs(signed), abs(pos.amt))
            direction = 1 if pos.amt > 0 else -1
            realized = closing * (price - pos.entry) * direction
            if pos.margin_type == "ISOLATED":
                pos.isolated_wallet -= pos.isolated_wallet * closing / abs(pos.amt)
            pos.amt += closing * -direction
            signed += closing * direction
            if not pos.amt:
                pos.entry = ZERO
                pos.isolated_wallet = ZERO
        if signed:
            new_amt = pos.amt + signed
            pos.entry = (abs(pos.amt) * pos.entry + abs(signed) * price) / abs(new_amt)
            pos.amt = new_amt
            if pos.margin_type == "ISOLATED":
                pos.isolated_wallet += abs(signed) * price / pos.leverage
        return realized

    def _finish(self, acct: FuturesAccount, order: FuturesOrder, status: OrderStatus) -> None:
        order.status = status
        order.update_ms = self.now_ms()
        self._emit(FuturesEvent("ORDER", acct, order, status.value))

    def cancel(self, acct: FuturesAccount, order: FuturesOrder) -> FuturesOrder:
        if not order.is_open:
            raise BinanceError(-2011, "Unknown order sent.")
        self._finish(acct, order, OrderStatus.CANCELED)
        return order

    def find(
        self, acct: FuturesAccount, symbol: str, order_id: int | None, client_id: str | None
    ) -> FuturesOrder | None:
        if order_id is not None:
            o = acct.orders.get(order_id)
            return o if o is not None and o.symbol == symbol else None
        for o in sorted(acct.orders.values(), key=lambda x: -x.order_id):
            if o.client_id == client_id and o.symbol == symbol:
                return o
        return None
