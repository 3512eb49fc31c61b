"""Account-side futures REST handlers: algo (conditional) orders, positions, balances and
listenKeys. Mixed into `BinanceFuturesVenue`, which owns the engine, rules and user streams."""

from __future__ import annotations

import random
from typing import Any

from peers.exchange_sim.binance_auth import BinanceError, Call
from peers.exchange_sim.binance_futures_engine import FuturesEngine
from peers.exchange_sim.binance_futures_models import AlgoOrder, FuturesAccount
from peers.exchange_sim.binance_futures_user import UserStreams
from peers.exchange_sim.binance_futures_wire import (
    account_json,
    algo_json,
    balance_row,
    position_v2,
    position_v3,
)
from peers.exchange_sim.binance_market_data import lookup
from peers.exchange_sim.binance_rules import SymbolRules
from peers.exchange_sim.binance_spot_orders import check_client_id, new_client_id


class FuturesAccountRoutes:
    engine: FuturesEngine
    rules: dict[str, SymbolRules]
    user: UserStreams
    _rng: random.Random

    def account(self, c: Call) -> FuturesAccount:
        assert c.api_key is not None
        return self.engine.account(c.api_key)

    # --- algo orders -------------------------------------------------------------------------

    async def new_algo(self, c: Call) -> Any:
        p = c.params
        algo_type = p.req("algoType").upper()
        if algo_type != "CONDITIONAL":
            raise BinanceError(-1130, "Invalid data sent for a parameter. (algoType)")
        r = lookup(self.rules, p.get("symbol"))
        side = p.req("side").upper()
        if side not in ("BUY", "SELL"):
            raise BinanceError(-1117, "Invalid side.")
        otype = p.req("type").upper()
        if otype not in ("STOP_MARKET", "TAKE_PROFIT_MARKET"):
            # STOP / TAKE_PROFIT (limit) and TRAILING_STOP_MARKET are not simulated
            raise BinanceError(-1116, "Invalid orderType.")
        trigger = p.dec("triggerPrice", required=True)
        assert trigger is not None
        working = (p.get("workingType") or "CONTRACT_PRICE").upper()
        if working not in ("MARK_PRICE", "CONTRACT_PRICE"):
            raise BinanceError(-1130, "Invalid data sent for a parameter. (workingType)")
        client_id = p.get("clientAlgoId")
        if client_id is not None:
            check_client_id("clientAlgoId", client_id)
        algo = self.engine.place_algo(
            self.account(c), r.symbol, side, otype, p.dec("quantity"), trigger,
            close_position=p.boolean("closePosition"), reduce_only=p.boolean("reduceOnly"),
            working_type=working, client_algo_id=client_id or new_client_id(self._rng),
            price_protect=p.boolean("priceProtect"),
        )  # fmt: skip
        return algo_json(algo, r)

    def _find_algo(self, c: Call) -> AlgoOrder:
        algo_id = c.params.integer("algoId")
        client_id = c.params.get("clientAlgoId")
        if algo_id is None and client_id is None:
            raise BinanceError(
                -1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!"
            )
        algos = self.account(c).algos
        found = algos.get(algo_id) if algo_id is not None else next(
            (a for a in sorted(algos.values(), key=lambda a: -a.algo_id) if a.client_algo_id == client_id),
            None,
        )  # fmt: skip
        if found is None:
            raise BinanceError(-2013, "Order does not exist.")
        return found

    async def get_algo(self, c: Call) -> Any:
        algo = self._find_algo(c)
        return algo_json(algo, self.rules[algo.symbol])

    async def cancel_algo(self, c: Call) -> Any:
        try:
            algo = self._find_algo(c)
        except BinanceError as err:
            if err.code == -2013:
                raise BinanceError(-2011, "Unknown order sent.") from None
            raise
        self.engine.cancel_algo(self.account(c), algo)
        return {
            "algoId": algo.algo_id,
            "clientAlgoId": algo.client_algo_id,
            "code": "200",
            "msg": "success",
        }

    async def open_algos(self, c: Call) -> Any:
        symbol = c.params.get("symbol")
        sym = lookup(self.rules, symbol).symbol if symbol else None
        return [algo_json(a, self.rules[a.symbol]) for a in self.account(c).open_algos(sym)]

    async def all_algos(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        return [algo_json(a, r) for a in self.account(c).algos.values() if a.symbol == r.symbol]

    async def cancel_all_algos(self, c: Call) -> Any:
        r = lookup(self.rules, c.params.get("symbol"))
        acct = self.account(c)
        for algo in acct.open_algos(r.symbol):
            self.engine.cancel_algo(acct, algo)
        return {"code": 200, "msg": "The operation of cancel all open order is done."}

    # --- positions and balances --------------------------------------------------------------

    async def position_risk_v2(self, c: Call) -> Any:
        acct = self.account(c)
        symbol = c.params.get("symbol")
        selected = [lookup(self.rules, symbol)] if symbol else list(self.rules.values())
        return [position_v2(self.engine, acct, acct.position(r.symbol), r) for r in selected]

    async def position_risk_v3(self, c: Call) -> Any:
        acct = self.account(c)
        symbol = c.params.get("symbol")
        selected = [lookup(self.rules, symbol)] if symbol else list(self.rules.values())
        return [
            position_v3(self.engine, acct, acct.positions[r.symbol], r)
            for r in selected
            if r.symbol in acct.positions
            and (acct.positions[r.symbol].amt or acct.open_orders(r.symbol))
        ]

    async def balance(self, c: Call) -> Any:
        return [balance_row(self.engine, self.account(c))]

    async def account_v2(self, c: Call) -> Any:
        return account_json(self.engine, self.account(c), self.rules, v3=False)

    async def account_v3(self, c: Call) -> Any:
        return account_json(self.engine, self.account(c), self.rules, v3=True)

    # --- listen keys -------------------------------------------------------------------------

    async def listen_key_new(self, c: Call) -> Any:
        assert c.api_key is not None
        return {"listenKey": self.user.create(c.api_key)}

    async def listen_key_keepalive(self, c: Call) -> Any:
        assert c.api_key is not None
        return {"listenKey": self.user.keepalive(c.api_key, c.params.get("listenKey"))}

    async def listen_key_close(self, c: Call) -> Any:
        assert c.api_key is not None
        self.user.close(c.api_key, c.params.get("listenKey"))
        return {}
