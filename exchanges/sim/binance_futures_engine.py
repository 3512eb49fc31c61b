"""USDT-M futures matching, positions, conditional (algo) orders and liquidation.

Orders fill against the simulated futures book (market orders walk the levels: slippage), resting
limit orders fill at their price when futures trades or the book cross them (maker fee), algo
orders trigger on the mark price (`workingType=MARK_PRICE`) or the last trade price (the default
`CONTRACT_PRICE`) and then execute a reduce-only market order. Margin maths live in
`binance_futures_models`. Every change is reported to listeners as a `FuturesEvent`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from exchanges.sim.binance_auth import BinanceError
from exchanges.sim.binance_futures_models import (
    ZERO,
    AlgoOrder,
    AlgoStatus,
    Bracket,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    MarginType,
    OrderStatus,
    Position,
    brackets_for,
)
from exchanges.sim.binance_rules import SymbolRules, check_price, check_qty

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


class FuturesEngine:
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

    # --- algo orders -------------------------------------------------------------------------

    def place_algo(
        self,
        acct: FuturesAccount,
        symbol: str,
        side: str,
        order_type: str,
        qty: Decimal | None,
        trigger: Decimal,
        *,
        close_position: bool,
        reduce_only: bool,
        working_type: str,
        client_algo_id: str,
        price_protect: bool = False,
    ) -> AlgoOrder:
        rules = self.rules[symbol]
        if any(a.client_algo_id == client_algo_id for a in acct.open_algos()):
            raise BinanceError(-4116, "ClientOrderId is duplicated.")
        check_price(rules, trigger, futures=True)
        if close_position:
            if qty is not None or reduce_only:
                raise BinanceError(-1106, "Parameter 'quantity' sent when not required.")
        else:
            if qty is None:
                raise BinanceError(
                    -1102,
                    "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
                )
            check_qty(rules, qty, True, futures=True)
            if not reduce_only and qty * trigger < rules.min_notional:
                raise BinanceError(
                    -4164,
                    f"Order's notional must be no smaller than {rules.min_notional} (unless you choose reduce only).",
                )
        now = self.now_ms()
        algo = AlgoOrder(
            algo_id=next(self._algo_ids), client_algo_id=client_algo_id, symbol=symbol, side=side,
            order_type=order_type, qty=qty or ZERO, trigger_price=trigger,
            close_position=close_position, reduce_only=reduce_only, working_type=working_type,
            price_protect=price_protect, create_ms=now, update_ms=now,
        )  # fmt: skip
        ref = self._trigger_ref(algo)
        if ref is not None and algo.should_trigger(ref):
            raise BinanceError(-2021, "Order would immediately trigger.")
        acct.algos[algo.algo_id] = algo
        self._emit(FuturesEvent("ALGO", acct, algo=algo))
        return algo

    def cancel_algo(self, acct: FuturesAccount, algo: AlgoOrder) -> AlgoOrder:
        if not algo.is_open:
            raise BinanceError(-2011, "Unknown order sent.")
        algo.status = AlgoStatus.CANCELED
        algo.update_ms = self.now_ms()
        self._emit(FuturesEvent("ALGO", acct, algo=algo))
        return algo

    def _trigger_ref(self, algo: AlgoOrder) -> Decimal | None:
        if algo.working_type == "MARK_PRICE":
            return self.mark(algo.symbol)
        last = self._last(algo.symbol)
        return (
            self.rules[algo.symbol].round_price(last)
            if last is not None
            else self.mark(algo.symbol)
        )

    def _trigger(self, acct: FuturesAccount, algo: AlgoOrder) -> None:
        now = self.now_ms()
        algo.status = AlgoStatus.TRIGGERED
        algo.trigger_ms = algo.update_ms = now
        self._emit(FuturesEvent("ALGO", acct, algo=algo))
        pos = acct.position(algo.symbol)
        closing = pos.amt and (pos.amt > 0) != (algo.side == "BUY")
        qty = abs(pos.amt) if algo.close_position else algo.qty
        if (algo.close_position or algo.reduce_only) and not closing:
            algo.status = AlgoStatus.EXPIRED
            self._emit(FuturesEvent("ALGO", acct, algo=algo))
            return
        try:
            order = self.place(
                acct, algo.symbol, algo.side, "MARKET", qty, None,
                reduce_only=algo.reduce_only or algo.close_position,
                client_id=algo.client_algo_id, orig_type=algo.order_type,
                close_position=algo.close_position,
            )  # fmt: skip
        except BinanceError:
            algo.status = AlgoStatus.EXPIRED
        else:
            order.stop_price = algo.trigger_price
            order.working_type = algo.working_type
            algo.actual_order_id = order.order_id
            algo.actual_price = order.avg_price
            algo.status = AlgoStatus.FINISHED
        algo.update_ms = self.now_ms()
        self._emit(FuturesEvent("ALGO", acct, algo=algo))

    # --- market driven updates -----------------------------------------------------------------

    def on_trade(self, symbol: str, price: float) -> None:
        """A futures trade printed: fill crossed resting limits, check contract-price triggers."""
        px = Decimal(str(price))
        for acct in list(self.accounts.values()):
            for order in acct.open_orders(symbol):
                if order.type == "LIMIT" and (
                    (order.side == "BUY" and px <= order.price)
                    or (order.side == "SELL" and px >= order.price)
                ):
                    self._fill(acct, order, order.price, order.remaining, maker=True)
            self._check_algos(acct, symbol, "CONTRACT_PRICE", self.rules[symbol].round_price(px))

    def on_mark(self, symbol: str) -> None:
        """The mark moved: mark-price triggers and the liquidation check."""
        mark = self.mark(symbol)
        for acct in list(self.accounts.values()):
            self._check_algos(acct, symbol, "MARK_PRICE", mark)
            self._check_liquidation(acct)

    def _check_algos(self, acct: FuturesAccount, symbol: str, working: str, price: Decimal) -> None:
        for algo in acct.open_algos(symbol):
            if algo.working_type == working and algo.should_trigger(price):
                self._trigger(acct, algo)

    def _check_liquidation(self, acct: FuturesAccount) -> None:
        cross: list[Position] = []
        for sym, pos in list(acct.positions.items()):
            if not pos.amt:
                continue
            mark = self.mark(sym)
            if pos.margin_type == "ISOLATED":
                if pos.isolated_wallet + pos.upnl(mark) <= pos.maint_margin(
                    mark, self.brackets[sym]
                ):
                    self._liquidate(acct, [pos])
            else:
                cross.append(pos)
        if cross:
            maint = sum(
                (p.maint_margin(self.mark(p.symbol), self.brackets[p.symbol]) for p in cross), ZERO
            )
            if acct.cross_wallet() + self.cross_upnl(acct) <= maint:
                self._liquidate(acct, cross)

    def _liquidate(self, acct: FuturesAccount, positions: list[Position]) -> None:
        """Close at the mark; losses are capped at the margin backing the positions."""
        isolated = positions[0].margin_type == "ISOLATED"
        for pos in positions:
            for order in acct.open_orders(pos.symbol):
                self._finish(acct, order, OrderStatus.CANCELED)
            mark = self.mark(pos.symbol)
            cap = pos.isolated_wallet if isolated else acct.cross_wallet()
            now = self.now_ms()
            order = FuturesOrder(
                order_id=next(self._order_ids), client_id=f"autoclose-{now}", symbol=pos.symbol,
                side="SELL" if pos.amt > 0 else "BUY", type="LIQUIDATION", orig_type="LIQUIDATION",
                qty=abs(pos.amt), price=mark, time_in_force="IOC", reduce_only=True,
                close_position=False, time_ms=now, update_ms=now,
            )  # fmt: skip
            acct.orders[order.order_id] = order
            qty = abs(pos.amt)
            realized = max(-cap, pos.upnl(mark))
            pos.amt, pos.entry, pos.isolated_wallet, pos.update_ms = ZERO, ZERO, ZERO, now
            acct.wallet = max(ZERO, acct.wallet + realized)
            order.executed, order.cum_quote, order.realized_pnl = qty, qty * mark, realized
            order.status = OrderStatus.FILLED
            fill = FuturesFill(next(self._trade_ids), mark, qty, ZERO, realized, False, now)
            acct.fills.setdefault(order.order_id, []).append(fill)
            self._emit(FuturesEvent("ORDER", acct, order, "CALCULATED", fill))
            self._emit(FuturesEvent("ACCOUNT", acct, reason="ORDER", symbol=pos.symbol))
