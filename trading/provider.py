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
from core.numbers import Money
from core.orders import Brackets, OrderRequest, OrderType, Position
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from trading.executor import MANUAL, OrderService, RenderFn, SubmitResult
from trading.futures import FuturesManager
from trading.gateway import BotGateway
from trading.pnl import PositionState, day_key, day_start, unrealized
from trading.store import StoredOrder

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


@dataclass(frozen=True, slots=True)
class DayPnl:
    day: str
    realized_krw: Decimal
    fees_krw: Decimal
    trades: int


class TradingProvider:
    def __init__(
        self, svc: OrderService, futures: FuturesManager, kv: KeyValueStore, render: RenderFn
    ) -> None:
        self.svc = svc
        self.futures = futures
        self.kv = kv
        self.render = render

    @property
    def paper(self) -> bool:
        return self.svc.paper

    def gateway(self, brackets: Mapping[str, Brackets] | None = None) -> BotGateway:
        """The `OrderGateway` strategy bots trade through (`strategies.gateway.adapt`)."""
        return BotGateway(self.svc, self.futures, self.render, brackets)

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
                shares.settle(p.instrument, p.qty)
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
                    qty=numbers.grouped(p.qty),
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
            quote = "KRW" if venue is Venue.UPBIT else "USDT"
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

    async def trades(self, n: int) -> list[tuple[str, str]]:
        rows = await self.svc.store.fills(limit=n, paper=self.paper)
        out = []
        for r in rows:
            f = r.fill
            line = Text.of(
                "trading.trade_line",
                day=day_key(f.ts, self.svc.risk.tz),
                venue=f.instrument.venue,
                side=f.side,
                qty=numbers.grouped(f.qty),
                symbol=f.instrument.symbol,
                price=numbers.price(f.price),
                fee=Money(f.fee, f.fee_asset),
                pnl=Money(r.realized_pnl, f.instrument.symbol.quote, signed=True),
            )
            out.append((f.fill_id, self.render(line)))
        return out

    async def daily(self, days: int) -> list[DayPnl]:
        """Realised PnL per local day, fees included, in KRW (today first)."""
        tz = self.svc.risk.tz
        since = day_start(self.svc.clock.now(), tz, days - 1)
        buckets: dict[str, list[Decimal]] = {}
        for r in await self.svc.store.fills(since=since, limit=100_000, paper=self.paper):
            rate = await self.krw_rate(r.fill.instrument.symbol.quote) or ZERO
            f = r.fill
            fee_q = f.fee * f.price if f.fee_asset == f.instrument.symbol.base else f.fee
            b = buckets.setdefault(day_key(f.ts, tz), [ZERO, ZERO, ZERO])
            b[0] += r.realized_pnl * rate
            b[1] += fee_q * rate
            b[2] += 1
        out = []
        for i in range(days):
            key = day_key(day_start(self.svc.clock.now(), tz, i) + 3600, tz)
            b = buckets.get(key, [ZERO, ZERO, ZERO])
            out.append(DayPnl(key, b[0], b[1], int(b[2])))
        return out

    async def manual_order(
        self, venue: Venue, symbol: Symbol, side: Side, qty: Decimal | None, amount: Decimal | None
    ) -> SubmitResult:
        """/buy and /sell on a venue: market orders nobody manages (no bot).

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
            if pos is None or not reduces:
                if qty is None and amount is not None:
                    try:
                        qty = await self._futures_qty(inst, side, amount)
                    except TradingError as exc:
                        return SubmitResult(False, exc.reason)
                if qty is None:
                    return SubmitResult(False, Text.of("trading.futures_size"))
                return await self.futures.open(symbol, side, qty, reason=MANUAL)
            if qty is None:
                example = numbers.grouped(abs(pos.qty))
                return SubmitResult(
                    False, Text.of("trading.close_qty", base=symbol.base, example=example)
                )
            if qty >= abs(pos.qty):
                return await self.futures.close(symbol, reason=MANUAL)
            req = OrderRequest(
                inst, side, OrderType.MARKET, qty=qty, reason=MANUAL, reduce_only=True
            )
            return await self.svc.submit(req)
        req = OrderRequest(inst, side, OrderType.MARKET, qty=qty, quote_amount=amount,
                           reason=MANUAL)  # fmt: skip
        return await self.svc.submit(req)

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
                res = await self.svc.submit(sell)
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
        return [
            await self.svc.cancel(s.order.client_id)
            for s in await self.svc.store.open_orders(self.paper)
            if s.order.client_id not in keep
        ]
