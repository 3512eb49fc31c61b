"""Binance's live brokers: spot (ccxt `binance`) and USDT-M futures (ccxt `binanceusdm`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.account import AccountTrade
from core.broker import PlaceRequest, VenueOrder
from core.errors import NotFound, Rejected, Retryable, TradingError
from core.market import Side
from core.orders import OrderStatus, OrderType, Position
from core.symbols import Instrument, Symbol
from core.text import Text
from exchanges.ccxt.broker import ZERO, CcxtBroker, dec


class BinanceBroker(CcxtBroker):
    """Binance refuses a signed request stamped more than 1 s ahead of its clock or older than
    `recvWindow` (-1021). ccxt signs with `milliseconds() - options["timeDifference"]`, so
    `sync_time` measures that difference from the venue's own server time (an unsigned GET of
    `/api/v3/time` or `/fapi/v1/time`): at start, periodically (the app's time-sync loop), and
    at once when a request is refused for its timestamp."""

    async def start(self) -> None:
        await super().start()
        await self.sync_time()

    async def sync_time(self) -> float:
        diff_ms = await self.call(self.ex.load_time_difference)
        return float(diff_ms) / 1000

    async def clock_refused(self, exc: Exception, write: bool) -> TradingError:
        try:
            offset = await self.sync_time()
        except TradingError:
            return await super().clock_refused(exc, write)
        return Retryable(
            Text.of("trading.why.clock", venue=self.venue, seconds=f"{offset:+.1f}"),
            retry_after=0.5,
        )


class BinanceSpotBroker(BinanceBroker):
    pass


class BinanceFuturesBroker(BinanceBroker):
    """USDT-M: `BTC/USDT:USDT`; STOP_MARKET / TAKE_PROFIT_MARKET go to /fapi/v1/algoOrder."""

    def ccxt_symbol(self, symbol: Symbol) -> str:
        return f"{symbol.base}/{symbol.quote}:{symbol.quote}"

    def order_params(self, req: PlaceRequest) -> dict[str, Any]:
        params: dict[str, Any] = {"newClientOrderId": req.client_id}
        if req.reduce_only:
            params["reduceOnly"] = True
        if req.conditional:
            assert req.trigger_price is not None
            key = "stopLossPrice" if req.type is OrderType.STOP_MARKET else "takeProfitPrice"
            params = {"clientAlgoId": req.client_id, key: float(req.trigger_price)}
            params["reduceOnly"] = True
        return params

    async def place(self, req: PlaceRequest) -> VenueOrder:
        vo = await super().place(req)
        if req.conditional:
            return replace(vo, client_id=req.client_id, type=req.type)
        return vo

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:
            return await super().fetch(symbol, client_id, conditional)
        sym = self.ccxt_symbol(symbol)
        raw = await self.call(
            lambda: self.ex.fetch_order("", sym, {"clientAlgoId": client_id, "trigger": True})
        )
        info = raw.get("info") or {}
        algo = info.get("algoStatus")
        typ = (
            OrderType.STOP_MARKET
            if info.get("orderType") == "STOP_MARKET"
            else OrderType.TAKE_PROFIT_MARKET
        )
        base = self.parse_order(raw, symbol)
        base = replace(base, client_id=client_id, type=typ, filled_qty=ZERO, fills=())
        if algo in ("NEW", "TRIGGERED", None):
            return replace(base, status=OrderStatus.OPEN)
        if algo in ("CANCELED", "EXPIRED"):
            return replace(base, status=OrderStatus.CANCELLED, reason=algo.lower())
        # FINISHED: the triggered market order carries our id; its state is the truth.
        try:
            actual = await super().fetch(symbol, client_id, False)
        except NotFound:
            return replace(base, status=OrderStatus.OPEN)
        return replace(actual, type=typ, trigger_price=base.trigger_price)

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:
            return await super().cancel(symbol, client_id, conditional)
        sym = self.ccxt_symbol(symbol)
        await self.call(
            lambda: self.ex.cancel_order("", sym, {"clientAlgoId": client_id, "trigger": True}),
            write=True,
        )
        return await self.fetch(symbol, client_id, True)

    async def account_trades(self, symbol: Symbol, since: float) -> list[AccountTrade]:
        """`/fapi/v1/userTrades` from `since`: every trade on the account, the venue's own
        orders (liquidation, ADL) and other apps' included. The rows carry no client id: each
        gets `venue-<orderId>` (ours are told apart by trade id, already recorded)."""
        sym = self.ccxt_symbol(symbol)
        raws = await self.call(lambda: self.ex.fetch_my_trades(sym, int(since * 1000)))
        out = []
        for t in raws:
            order_id = str(t.get("order") or "")
            side = Side(t.get("side") or "buy")
            order = VenueOrder(
                f"venue-{order_id}", order_id, symbol, side, OrderType.MARKET, OrderStatus.FILLED,
                ZERO, ZERO,
            )  # fmt: skip
            pnl = dec((t.get("info") or {}).get("realizedPnl")) or ZERO
            out.append(AccountTrade(self.parse_fill(t, order), order_id, pnl))
        out.sort(key=lambda a: a.fill.ts)
        return out

    async def positions(self) -> list[Position]:
        raws = await self.call(lambda: self.ex.fetch_positions())
        out = []
        for p in raws:
            sym = self.symbol_of(p.get("symbol", ""))
            contracts = dec(p.get("contracts")) or ZERO
            if sym is None or contracts == 0:
                continue
            qty = contracts if p.get("side") == "long" else -contracts
            out.append(
                Position(
                    Instrument(self.venue, sym),
                    qty,
                    dec(p.get("entryPrice")) or ZERO,
                    int(p.get("leverage") or 1),
                    paper=False,
                )
            )
        return out

    async def set_leverage(self, symbol: Symbol, leverage: int) -> None:
        await self.call(lambda: self.ex.set_leverage(leverage, self.ccxt_symbol(symbol)))

    async def set_margin_mode(self, symbol: Symbol, mode: str) -> None:
        try:
            await self.call(lambda: self.ex.set_margin_mode(mode, self.ccxt_symbol(symbol)))
        except Rejected as exc:
            why = exc.reason if isinstance(exc.reason, str) else ""  # venue errors are str
            if "-4046" not in why and "No need" not in why:
                raise

    async def listen_key(self) -> str:
        raw = await self.call(lambda: self.ex.fapiPrivatePostListenKey())
        return str(raw["listenKey"])

    async def keepalive_listen_key(self) -> None:
        await self.call(lambda: self.ex.fapiPrivatePutListenKey())
