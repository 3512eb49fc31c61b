"""Binance's live brokers: spot (ccxt `binance`) and USDT-M futures (ccxt `binanceusdm`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from loguru import logger

from core.account import AccountTrade
from core.broker import EndedBy, PlaceRequest, VenueOrder
from core.clock import Clock
from core.errors import NotFound, Rejected, Retryable, TradingError
from core.market import Side
from core.orders import OrderStatus, OrderType, Position
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from exchanges.binance.algo import AlgoState, algo_state, trigger_ms
from exchanges.ccxt.broker import ZERO, CcxtBroker, dec
from exchanges.ccxt.gate import RateGate


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
    """Spot: a STOP_MARKET of ours is Binance's STOP_LOSS (market once triggered), an ordinary
    order on `/api/v3/order` (ccxt turns `type=market` + `stopLossPrice` into it); it locks the
    coins it would sell while it waits. Take-profits are not placed on spot (a second sell
    order could not lock the same coins; that needs an OCO)."""

    def order_params(self, req: PlaceRequest) -> dict[str, Any]:
        params = super().order_params(req)
        if req.type is OrderType.STOP_MARKET:
            assert req.trigger_price is not None
            params["stopLossPrice"] = float(req.trigger_price)
        elif req.conditional:
            raise Rejected(f"{req.type.value} is not placed on {self.venue.label}.")
        return params

    def parse_order(self, raw: dict[str, Any], symbol: Symbol) -> VenueOrder:
        vo = super().parse_order(raw, symbol)
        if (raw.get("info") or {}).get("type") == "STOP_LOSS":
            return replace(vo, type=OrderType.STOP_MARKET)
        return vo


class BinanceFuturesBroker(BinanceBroker):
    """USDT-M: `BTC/USDT:USDT`; STOP_MARKET / TAKE_PROFIT_MARKET go to /fapi/v1/algoOrder.

    `stuck_after`: seconds an algo order may stay triggered without an order in the matching
    engine before it is reported as ended by the venue (`EndedBy.STUCK`, see `algo.py`)."""

    def __init__(
        self, venue: Venue, ex: Any, gate: RateGate, clock: Clock, *, stuck_after: float = 30.0
    ) -> None:
        super().__init__(venue, ex, gate, clock)
        self.stuck_after = stuck_after
        self._forwarding: dict[str, float] = {}  # client id -> when we first saw it triggered

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
        return await self.with_average(vo)

    async def with_average(self, vo: VenueOrder) -> VenueOrder:
        """Since July 2026 the new-order and cancel replies carry no `avgPrice`/`cumQuote`, so
        ccxt gives no average: take it from the order's trades (userTrades), else from the
        order query. Still None only when both fail; the caller must treat that as unknown."""
        if vo.filled_qty <= 0 or vo.avg_price is not None:
            return vo
        try:
            fills = await self.fills(vo)
        except TradingError as exc:
            logger.warning("{}: trades not fetched for its average: {}", vo.client_id, exc.reason)
            fills = []
        qty = sum((f.qty for f in fills), ZERO)
        if qty > 0:
            avg = sum((f.qty * f.price for f in fills), ZERO) / qty
            return replace(vo, avg_price=avg, fills=tuple(fills))
        try:
            queried = await super().fetch(vo.symbol, vo.client_id, False)
        except TradingError as exc:
            logger.warning("{}: no average price: {}", vo.client_id, exc.reason)
            return vo
        return replace(vo, avg_price=queried.avg_price)

    async def fetch(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:
            return await self.with_average(await super().fetch(symbol, client_id, conditional))
        sym = self.ccxt_symbol(symbol)
        raw = await self.call(
            lambda: self.ex.fetch_order("", sym, {"clientAlgoId": client_id, "trigger": True})
        )
        vo = await self._algo(symbol, client_id, raw)
        if vo.status is not OrderStatus.OPEN:
            self._forwarding.pop(client_id, None)  # settled: no longer timed
        return vo

    async def _algo(self, symbol: Symbol, client_id: str, raw: dict[str, Any]) -> VenueOrder:
        """Our view of an algo order (what each status means: `algo.py`)."""
        info = raw.get("info") or {}
        status = info.get("algoStatus")
        typ = (
            OrderType.STOP_MARKET
            if info.get("orderType") == "STOP_MARKET"
            else OrderType.TAKE_PROFIT_MARKET
        )
        base = self.parse_order(raw, symbol)
        base = replace(base, client_id=client_id, type=typ, filled_qty=ZERO, fills=())
        state = algo_state(status)
        if state is AlgoState.WAITING:
            return replace(base, status=OrderStatus.OPEN)
        if state is AlgoState.CANCELLED:
            why = EndedBy.EXPIRED if status == "EXPIRED" else "canceled"
            return replace(base, status=OrderStatus.CANCELLED, reason=why)
        if state is AlgoState.REJECTED:
            return replace(base, status=OrderStatus.REJECTED, reason=EndedBy.REJECTED)
        if state is AlgoState.CHILD:
            # The triggered market order carries our id; its state is the truth.
            try:
                actual = await super().fetch(symbol, client_id, False)
            except NotFound:
                if status == "FINISHED":  # ended in the matching engine, but no order there
                    return replace(base, status=OrderStatus.REJECTED, reason=EndedBy.NO_ORDER)
            else:
                actual = await self.with_average(actual)
                return replace(actual, type=typ, trigger_price=base.trigger_price)
        if self._stuck(client_id, info):  # TRIGGERING, or TRIGGERED with no order to be seen
            logger.warning("{} {} for over {:.0f}s: stuck", client_id, status, self.stuck_after)
            return replace(base, status=OrderStatus.REJECTED, reason=EndedBy.STUCK)
        return replace(base, status=OrderStatus.OPEN)

    def _stuck(self, client_id: str, info: dict[str, Any]) -> bool:
        """Triggered and still without an order after `stuck_after`: by the venue's trigger
        time (on its clock, as ccxt corrects ours), or since we first saw it triggered."""
        now = self.clock.now()
        first = self._forwarding.setdefault(client_id, now)
        waited = now - first
        at = trigger_ms(info)
        if at:
            venue_now_ms = now * 1000 - float(self.ex.options.get("timeDifference") or 0)
            waited = max(waited, (venue_now_ms - at) / 1000)
        return waited >= self.stuck_after

    async def cancel(self, symbol: Symbol, client_id: str, conditional: bool) -> VenueOrder:
        if not conditional:  # the cancel reply lost avgPrice too (2026)
            return await self.with_average(await super().cancel(symbol, client_id, conditional))
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
                    liquidation_price=dec(p.get("liquidationPrice")) or None,
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
