"""The trading provider the command handlers and reports talk to (`facade.trading`).

Business queries only: no transport, no formatting beyond plain text lines. Refusal reasons come
back as they are (`str | Text`) for the command to word; the injected `render` (the app's
renderer) words only what leaves as plain text: /status lines and a bot's refusal reason, which
the strategies record as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from core import numbers
from core.errors import Rejected, Retryable, TradingError
from core.market import Side
from core.orders import Brackets, OrderRequest, OrderType, Position
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.accounting import ExitReason, PositionRow, TradeRow
from trading.executor import MANUAL, OrderService, RenderFn, SubmitResult
from trading.futures import FuturesManager
from trading.gateway import BotGateway
from trading.intent import SellPlan, sell_plan
from trading.periods import period_key, period_start
from trading.pnl import PositionState, unrealized
from trading.spot_stops import SpotStops
from trading.store import StoredOrder
from trading.trades import OURS, Trade

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class BalancesAge:
    """How current one venue's balances are: `as_of` (epoch s, None if never fetched) and, when
    the last refresh failed, why (`unreachable`: network, 5xx, rate limit)."""

    as_of: float | None
    old: bool  # older than `BALANCES_MAX_AGE`
    error: str | Text | None = None
    unreachable: bool = False


BALANCES_MAX_AGE = 60.0  # s: balances older than this are shown with their time
MARK_MAX_AGE = 30.0  # s: an older price values no position (its PnL shows as unknown)


@dataclass(frozen=True, slots=True)
class DayPnl:
    day: str
    realized_krw: Decimal
    fees_krw: Decimal
    trades: int


class TradingProvider:
    def __init__(
        self,
        svc: OrderService,
        futures: FuturesManager,
        kv: KeyValueStore,
        render: RenderFn,
        spot_stops: SpotStops | None = None,
    ) -> None:
        self.svc = svc
        self.futures = futures
        self.spot_stops = spot_stops
        self.kv = kv
        self.render = render

    @property
    def paper(self) -> bool:
        return self.svc.paper

    def gateway(self, brackets: Mapping[str, Brackets] | None = None) -> BotGateway:
        """The `OrderGateway` strategy bots trade through (`strategies.gateway.adapt`)."""
        return BotGateway(self.svc, self.futures, brackets, spot_stops=self.spot_stops)

    def open_positions(self, bot: str | None = None) -> list[Position]:
        """Open positions (of one bot, when given), as the order layer holds them now."""
        out: list[Position] = []
        shares = self.svc.shares
        for p in self.svc.positions.values():
            if p.qty == 0:
                continue
            if bot is None:
                out.append(p)
            elif not shares.known(p.instrument):  # no fills on record: the label decides
                if p.bot == bot:
                    out.append(p)
            else:  # the bot's own share of it, never the user's coins beside it
                self.svc.trades.settle(p.instrument, p.qty, self.svc.clock.now())
                share = shares.of(p.instrument, bot)
                if share != 0:
                    out.append(replace(p, qty=share, bot=bot))
        return out

    async def status_lines(self) -> list[str]:
        mode = Text.of("trading.mode_paper" if self.paper else "trading.mode_live")
        lines = [self.render(Text.of("trading.status_mode", mode=mode))]
        lines += [self.render(line) for line in self.svc.risk.status_lines()]
        for p in self.svc.positions.values():
            if p.qty != 0:
                line = Text.of(
                    "trading.status_position",
                    venue=p.instrument.venue,
                    symbol=p.instrument.symbol,
                    qty=numbers.quantity(p.qty),
                )
                lines.append(self.render(line))
        return lines

    async def krw_rate(self, quote: str) -> Decimal | None:
        try:
            return await self.svc.to_krw(quote)
        except Exception:
            return None

    async def balances(self) -> dict[Venue, list[tuple[str, Decimal, Decimal, Decimal | None]]]:
        """Per venue: (asset, free, locked, value in KRW or None when no price)."""
        out: dict[Venue, list[tuple[str, Decimal, Decimal, Decimal | None]]] = {}
        for venue in self.svc.brokers:
            await self.svc.refresh_balances(venue)
            quote = venue.quote
            rate = await self.krw_rate(quote)
            rows = []
            for asset, (free, locked) in sorted(self.svc.balances.get(venue, {}).items()):
                total = free + locked
                if asset == quote:
                    value = total * rate if rate is not None else None
                else:
                    price = self.svc.prices.price(Instrument(venue, Symbol(asset, quote)))
                    value = total * price * rate if price is not None and rate else None
                rows.append((asset, free, locked, value))
            out[venue] = rows
        return out

    def balances_age(self) -> dict[Venue, BalancesAge]:
        """Per venue, how current the balances `balances()` just returned are (call it after)."""
        out = {}
        now = self.svc.clock.now()
        for venue in self.svc.brokers:
            at = self.svc.balances_at.get(venue)
            err = self.svc.balance_errors.get(venue)
            old = at is None or now - at > BALANCES_MAX_AGE
            if err is None:
                out[venue] = BalancesAge(at, old)
            else:
                unreachable = isinstance(err, Retryable)
                out[venue] = BalancesAge(at, old, err.reason, unreachable)
        return out

    async def positions(self) -> list[tuple[Position, Decimal | None, Decimal | None]]:
        """(position, mark price, unrealised PnL in quote)."""
        out = []
        for p in await self.svc.store.positions(self.paper):
            mark = self.svc.prices.price(p.instrument)
            upnl = unrealized(PositionState(p.qty, p.entry_price), mark) if mark else None
            out.append((p, mark, upnl))
        return out

    async def position_rows(self) -> list[PositionRow]:
        """Open positions per owner (a bot's share, the user's), with the open trade's realised
        PnL so far: never a closed position's."""
        out = []
        now = self.svc.clock.now()
        liq = await self._liquidation_prices()
        for p in await self.svc.store.positions(self.paper):
            inst = p.instrument
            self.svc.trades.settle(inst, p.qty, now)
            holders = self.svc.shares.holders(inst) or {p.bot: p.qty}
            mark = self._mark(inst, now)
            for owner, qty in holders.items():
                t = self.svc.trades.open_trade(inst, owner)
                out.append(PositionRow(inst, owner, qty, p.entry_price, mark, p.leverage,
                                       t.realized if t else ZERO, t.id if t else None,
                                       liq.get(inst)))  # fmt: skip
        return out

    def _mark(self, inst: Instrument, now: float) -> Decimal | None:
        """The price a position is valued at: the futures mark price (what the venue values
        it at), else the mid; None when the newest price is older than `MARK_MAX_AGE`."""
        top = self.svc.prices.top(inst)
        if top is None or now - top.ts > MARK_MAX_AGE:
            return None
        if inst.venue is Venue.BINANCE_FUTURES and top.mark > 0:
            return Decimal(repr(top.mark))
        return self.svc.prices.price(inst)

    async def _liquidation_prices(self) -> dict[Instrument, Decimal]:
        """The futures venue's liquidation prices, asked now (it alone knows the maintenance
        margin tiers); none when it cannot answer: /positions then shows none."""
        broker = self.svc.brokers.get(Venue.BINANCE_FUTURES)
        held = any(
            i.venue is Venue.BINANCE_FUTURES and p.qty for i, p in self.svc.positions.items()
        )
        if broker is None or not held:
            return {}
        try:
            return {
                p.instrument: p.liquidation_price
                for p in await broker.positions()
                if p.liquidation_price is not None
            }
        except TradingError:
            return {}

    async def order(self, client_id: str) -> StoredOrder | None:
        """One order by our client id (/cancel shows it before asking)."""
        return await self.svc.store.get(client_id)

    async def cancel(self, client_id: str) -> SubmitResult:
        """Cancel one order through the order service (venue first, then our record)."""
        return await self.svc.cancel(client_id)

    async def orders(self, open_only: bool = True, limit: int = 20) -> list[StoredOrder]:
        if open_only:
            return await self.svc.store.open_orders(self.paper)
        return await self.svc.store.recent_orders(limit, self.paper)

    async def periods(self, unit: str, n: int) -> list[DayPnl]:
        """Realised PnL per calendar day, week (Monday first) or month in the configured time
        zone, fees included, in KRW, the current one first: the same fills, and so the same
        figures, as every other view."""
        tz, now = self.svc.risk.tz, self.svc.clock.now()
        starts = [period_start(now, tz, unit, i) for i in range(n)]
        buckets: dict[str, list[Decimal]] = {}
        for r in await self.svc.store.fills(since=starts[-1], limit=1_000_000, paper=self.paper):
            rate = await self.krw_rate(r.fill.instrument.symbol.quote) or ZERO
            f = r.fill
            fee_q = f.fee * f.price if f.fee_asset == f.instrument.symbol.base else f.fee
            b = buckets.setdefault(period_key(f.ts, tz, unit), [ZERO, ZERO, ZERO])
            b[0] += r.realized_pnl * rate
            b[1] += fee_q * rate
            b[2] += 1
        out = []
        for start in starts:
            key = period_key(start, tz, unit)
            b = buckets.get(key, [ZERO, ZERO, ZERO])
            out.append(DayPnl(key, b[0], b[1], int(b[2])))
        return out

    # --- the trade book (trading.trades): the one source of trade PnL -----------------------
    async def trade_rows(
        self, days: float | None = None, open_too: bool = True, last: int | None = None
    ) -> list[TradeRow]:
        """Trades closed in the last `days` (all without; and the open ones), oldest first,
        with KRW rates and exit reasons; only the `last` ones when given."""
        book = self.svc.trades
        since = self.svc.clock.now() - days * 86400 if days is not None else 0.0
        picked = [t for t in book.closed if t.closed is not None and t.closed >= since]
        if open_too:
            picked += book.open_trades()
        rates: dict[str, Decimal | None] = {}
        out = []
        ordered = sorted(picked, key=lambda t: (t.closed or float("inf"), t.id))
        for t in ordered[-last:] if last else ordered:
            quote = t.instrument.symbol.quote
            if quote not in rates:
                rates[quote] = await self.krw_rate(quote)
            out.append(TradeRow(t, rates[quote], await self._reason(t)))
        return out

    def owner_pnl(self) -> dict[str | None, dict[str, Decimal]]:
        """Every owner's realised PnL so far (a bot's name, None for the user), per quote
        currency: closed trades, partial exits and entry fees of open ones."""
        out: dict[str | None, dict[str, Decimal]] = {}
        for b in self.svc.trades.bookings:
            per = out.setdefault(b.owner, {})
            quote = b.instrument.symbol.quote
            per[quote] = per.get(quote, ZERO) + b.realized
        return out

    def open_trade(self, inst: Instrument, owner: str | None) -> Trade | None:
        return self.svc.trades.open_trade(inst, owner)

    async def _reason(self, t: Trade) -> ExitReason | None:
        if t.closed is None:
            return None
        cid = t.exit_client_id
        if cid is None:
            return ExitReason.OTHER
        if not cid.startswith(OURS):
            return ExitReason.LIQUIDATION
        stored = await self.svc.store.get(cid)
        if stored is None:
            return ExitReason.OTHER
        o = stored.order
        why = (o.reason or "").lower()
        if o.type is OrderType.STOP_MARKET or why.startswith("stop-loss"):
            return ExitReason.STOP_LOSS
        if o.type is OrderType.TAKE_PROFIT_MARKET or why.startswith("take-profit"):
            return ExitReason.TAKE_PROFIT
        if o.bot is None:
            return ExitReason.MANUAL
        if why.startswith("forced exit"):
            return ExitReason.FORCED_EXIT
        return ExitReason.SIGNAL

    async def manual_order(
        self,
        venue: Venue,
        symbol: Symbol,
        side: Side,
        qty: Decimal | None,
        amount: Decimal | None,
        *,
        closes: bool | None = None,
        stop_loss: str | None = None,
    ) -> SubmitResult:
        """/buy and /sell on a venue: market orders nobody manages (no bot).

        `stop_loss` (Binance spot buys): a price, or `N%` below the fill; the holding's stop-loss
        is placed on the venue once the buy fills (`trading.spot_stops`).

        `closes`: on futures, whether the user confirmed an order that reduces the position
        (None: whether it does now). One that no longer can is refused, never turned around.

        On futures, an order against the open position reduces it; one that closes all of it goes
        through `FuturesManager.close`, which cancels the position's stop-loss / take-profit
        first (left resting, they would later act on a position that no longer exists). A
        partial close keeps them: they are reduce-only, so they can close at most what is left.
        """
        inst = Instrument(venue, symbol)
        if venue is Venue.BINANCE_FUTURES:
            pos = self.svc.positions.get(inst)
            reduces = pos is not None and (
                (pos.qty > 0 and side is Side.SELL) or (pos.qty < 0 and side is Side.BUY)
            )
            if closes is None:
                closes = reduces  # what the user was shown: no confirmed plan says otherwise
            if closes:
                gone = SubmitResult(False, Text.of("reason.position_gone", symbol=symbol))
                if qty is None:
                    if pos is None or pos.qty == 0:
                        return gone
                    example = numbers.quantity(abs(pos.qty))
                    return SubmitResult(
                        False, Text.of("trading.close_qty", base=symbol.base, example=example)
                    )
                # Serialised with every other exit of the position and decided on it as it is
                # then: another exit (a bot's, a stop, a second command) may have closed it,
                # and an order meant to close a long must never open a short.
                done = await self.futures.reduce(symbol, side, qty, MANUAL)
                return gone if done is None else done
            if qty is None and amount is not None:
                try:
                    qty = await self._futures_qty(inst, side, amount)
                except TradingError as exc:
                    return SubmitResult(False, exc.reason)
            if qty is None:
                return SubmitResult(False, Text.of("trading.futures_size"))
            return await self.futures.open(symbol, side, qty, reason=MANUAL)
        req = OrderRequest(inst, side, OrderType.MARKET, qty=qty, quote_amount=amount,
                           reason=MANUAL)  # fmt: skip
        if stop_loss is not None:
            if self.spot_stops is None or venue is not Venue.BINANCE_SPOT or side is not Side.BUY:
                return SubmitResult(False, Text.of("trading.stop_venue", venue=venue))
            if stop_loss.endswith("%"):
                pct = Decimal(stop_loss.removesuffix("%"))
                return await self.spot_stops.buy(req, stop_loss_pct=pct)
            return await self.spot_stops.buy(req, stop_loss=Decimal(stop_loss))
        return await self._spot_submit(req)

    async def _spot_submit(self, req: OrderRequest) -> SubmitResult:
        """A spot order; a Binance spot sell cancels the holding's venue stop first (it locks
        the coins) and the stop is re-sized to what is left after it."""
        stops = self.spot_stops
        if (
            stops is not None
            and req.instrument.venue is Venue.BINANCE_SPOT
            and req.side is Side.SELL
        ):
            return await stops.sell(req)
        return await self.svc.submit(req)

    def sell_plan(self, venue: Venue, symbol: Symbol) -> SellPlan:
        """What `/sell` on a venue would do (sell a holding, close a long, open a short)."""
        return sell_plan(self.svc, self.futures, venue, symbol)

    async def _futures_qty(self, inst: Instrument, side: Side, amount: Decimal) -> Decimal:
        """A futures entry given as a USDT notional: its quantity at the current price
        (validation rounds it down to the lot size)."""
        ref = self.svc.prices.price(inst, side)
        if ref is None:
            if Venue.BINANCE_FUTURES not in self.svc.brokers:
                raise Rejected(Text.of("reason.futures_not_configured"))
            ref = await self.svc.brokers[Venue.BINANCE_FUTURES].last_price(inst.symbol)
        return amount / ref

    async def flatten(self) -> list[tuple[Instrument, SubmitResult]]:
        """Close every open position at market through the order path (the kill switch's
        `flatten`): a futures position through `FuturesManager.close` (its stop-loss /
        take-profit cancelled first), a spot holding by a market sell of what is recorded."""
        out: list[tuple[Instrument, SubmitResult]] = []
        for p in [p for p in self.svc.positions.values() if p.qty != 0]:
            inst = p.instrument
            if inst.venue is Venue.BINANCE_FUTURES:
                res = await self.futures.close(inst.symbol, reason=MANUAL)
            elif p.qty > 0:
                sell = OrderRequest(inst, Side.SELL, OrderType.MARKET, qty=p.qty, reason=MANUAL)
                res = await self._spot_submit(sell)
            else:
                continue  # spot cannot be short
            out.append((inst, res))
        return out

    async def set_kill_switch(self, on: bool, cancel_orders: bool) -> list[SubmitResult]:
        """On: new entries refused; with `cancel_orders`, every open order is cancelled except
        the stop-loss / take-profit orders protecting open positions (those positions stay
        open, protected). Returns the cancellations."""
        self.svc.risk.set_kill_switch(on)
        await self.kv.set("trading.killswitch", "on" if on else "off")
        if not (on and cancel_orders):
            return []
        keep = await self.futures.protection.protective_ids()
        if self.spot_stops is not None:
            keep |= await self.spot_stops.protective_ids()
        return [
            await self.svc.cancel(s.order.client_id)
            for s in await self.svc.store.open_orders(self.paper)
            if s.order.client_id not in keep
        ]
