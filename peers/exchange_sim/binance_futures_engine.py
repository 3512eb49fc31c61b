"""The USDT-M futures engine: matching (`binance_futures_matching`) plus what the market does
to an account.

Resting limit orders fill at their price when futures trades cross them (maker fee), algo
orders trigger on the mark price (`workingType=MARK_PRICE`) or the last trade price (the default
`CONTRACT_PRICE`) and then execute a reduce-only market order, and positions whose margin no
longer covers maintenance are liquidated at the mark. Every change is reported to listeners as a
`FuturesEvent`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from peers.exchange_sim.binance_auth import BinanceError
from peers.exchange_sim.binance_futures_matching import FuturesEvent, FuturesMatching
from peers.exchange_sim.binance_futures_models import (
    ZERO,
    AlgoOrder,
    AlgoStatus,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    OrderStatus,
    Position,
)
from peers.exchange_sim.binance_rules import check_price, check_qty


class FuturesEngine(FuturesMatching):
    """`FuturesMatching` plus algo orders, price-driven fills and liquidation.

    `algo_fate`, when set, is asked at each trigger how that algo order ends instead of
    executing (`faults.ALGO_FATES`), or None for the normal path.
    """

    algo_fate: Callable[[], str | None] | None = None

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
        fate = self.algo_fate() if self.algo_fate is not None else None
        algo.trigger_ms = algo.update_ms = now
        if fate is not None:
            self._fail(acct, algo, fate)
            return
        algo.status = AlgoStatus.TRIGGERED
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

    def _fail(self, acct: FuturesAccount, algo: AlgoOrder, fate: str) -> None:
        """A triggered algo order that never executes (see the venue's ALGO_UPDATE statuses):
        it goes TRIGGERING, then REJECTED (e.g. the margin check), stays TRIGGERING (no order
        ever reaches the matching engine, and it can no longer be cancelled), or FINISHED with
        no order behind it."""
        algo.status = AlgoStatus.TRIGGERING
        self._emit(FuturesEvent("ALGO", acct, algo=algo))
        if fate == "triggering":
            return
        algo.status = AlgoStatus.REJECTED if fate == "rejected" else AlgoStatus.FINISHED
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
            # Binance first reports the liquidation order as NEW ("c" autoclose-XXX, "X" NEW),
            # then its CALCULATED execution (USDⓈ-M user data streams, "Event: Order Update")
            self._emit(FuturesEvent("ORDER", acct, order, "NEW"))
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
