"""Accounting commands over the one trade book: /positions, /trades, /profit, /performance,
/stats, /daily, /weekly, /monthly (Freqtrade's set). Each asks `facade.trading` and renders;
every PnL figure comes from `trading.trades`, so these agree with the fill notices, the bots'
replies, /bots and the report.

Money goes through `amount`, `signed` and `percent`, thin wrappers over the one formatter
(`bot.i18n.money`, `core.numbers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.commands import hedge
from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.core import no_args, parse_count
from bot.commands.kimp_watch import funding_short
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, tr
from bot.notify.stop_watch import SPOT
from bot.providers import TradingView
from core import numbers
from core.symbols import Venue
from trading.accounting import Group, by_coin, by_reason, summarize

if TYPE_CHECKING:
    from trading.accounting import PositionRow, ProfitSummary, TradeRow


# --- money as these views show it: through the one formatter (bot.i18n.money) ---------------
def amount(m: Messages, value: Decimal | None, quote: str = "KRW") -> str:
    """An amount in its currency: KRW whole, others to the cent; `?` when unknown."""
    return m.money(value, quote)


def signed(m: Messages, value: Decimal | None, quote: str = "KRW") -> str:
    """A PnL with its sign: +1,234원 / -0.50 USDT; `?` when unknown."""
    return m.pnl(value, quote)


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{numbers.percent(value)}%"


def by_quote(m: Messages, values: dict[str, Decimal]) -> str:
    """Realised PnL per currency (a bot on Binance earns USDT): `+1,234원 · -0.50 USDT`."""
    return " · ".join(signed(m, v, q) for q, v in values.items()) or signed(m, Decimal(0))


# --- helpers ---------------------------------------------------------------------------------
def _trading(ctx: CommandContext) -> TradingView:
    provider = ctx.service.trading
    if provider is None:
        raise CommandError(tr(ctx.service.settings.language, "trading.not_running"))
    return provider


def owner_name(m: Messages, owner: str | None) -> str:
    return owner if owner is not None else m("acct.manual")


def _when(ctx: CommandContext, ts: float) -> str:
    """A row's time; the title names the zone (`times in KST`)."""
    return datetime.fromtimestamp(ts, ctx.service.settings.tz).strftime("%m-%d %H:%M")


def _tz(ctx: CommandContext) -> str:
    return datetime.now(ctx.service.settings.tz).strftime("%Z")


def _hold(m: Messages, seconds: float | None) -> str:
    if seconds is None:
        return m("acct.none")
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return m("acct.hold_days", d=days, h=hours)
    return m("acct.hold", h=hours, m=mins)


def _summary(m: Messages, s: ProfitSummary) -> str:

    def coin(c: tuple[str, Decimal] | None) -> str:
        return f"{c[0]} {signed(m, c[1])}" if c is not None else m("acct.none")

    body = m(
        "acct.profit_body",
        realized=signed(m, s.realized_krw),
        closed_pnl=signed(m, s.closed_krw),
        roi=percent(s.roi_pct),
        win_rate=percent(s.win_rate_pct).lstrip("+"),
        wins=s.wins,
        losses=s.losses,
        closed=s.closed,
        pf=f"{s.profit_factor:.2f}" if s.profit_factor is not None else m("acct.none"),
        best=coin(s.best),
        worst=coin(s.worst),
        hold=_hold(m, s.avg_hold_s),
        dd=amount(m, s.max_drawdown_krw),
        open=s.open,
    )
    return body + (m("acct.unpriced", n=s.unpriced) if s.unpriced else "")


def _groups(m: Messages, groups: list[Group], label: str = "") -> str:
    if not groups:
        return m("acct.no_closed")
    return "\n".join(
        m(
            "acct.group_line",
            name=m(f"{label}{g.key}") if label else g.key,
            trades=g.trades,
            wins=g.wins,
            pnl=signed(m, g.realized_krw),
            roi=percent(g.roi_pct),
        )
        for g in groups
    )


def _service_stop(m: Messages, row: PositionRow, stops: Mapping[str, float | None]) -> str:
    """Where a bot's spot stop-loss lives: on Binance spot a STOP_LOSS order on the venue
    (`trading.spot_stops`); on Upbit only the bot enforces it, not a venue order: say so."""
    pct = stops.get(row.owner) if row.owner is not None else None
    if pct is None:
        return ""
    if row.instrument.venue is Venue.BINANCE_SPOT:
        return m("acct.venue_stop", pct=f"{pct:g}")
    if row.instrument.venue not in SPOT:
        return ""
    return m("acct.service_stop", pct=f"{pct:g}")


def register_accounting(registry: CommandRegistry) -> None:
    @registry.command(
        "positions", "Open positions per owner: value, PnL %, futures margin", "/positions"
    )
    async def positions(ctx: CommandContext) -> Reply:
        no_args(ctx)
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).position_rows()
        if not rows:
            return Reply(m("trading.no_positions"))
        lines = []
        kimp = ctx.service.kimp  # the perpetual's funding rate and next funding, when it runs
        bots = ctx.service.bots
        stops = {n: d.stop_loss_pct for n, d in bots.definitions.items()} if bots else {}
        for r in rows:
            quote = r.instrument.symbol.quote
            futures = r.instrument.venue is Venue.BINANCE_FUTURES
            funding = ""
            if futures and kimp is not None:
                view = kimp.funding(r.instrument.symbol.base)
                funding = funding_short(view, kimp.kimp_config.tz, m)
            lines.append(
                m(
                    "acct.position_line",
                    id=r.trade_id if r.trade_id is not None else "-",
                    owner=owner_name(m, r.owner),
                    venue=m.word(r.instrument.venue),
                    symbol=r.instrument.symbol,
                    lev=f" {r.leverage}x" if futures else "",
                    qty=numbers.quantity(r.qty),
                    entry=numbers.price(r.entry_price),
                    mark=numbers.price(r.mark) if r.mark is not None else "?",
                    value=amount(m, r.value, quote),
                    upnl=signed(m, r.unrealized, quote),
                    pct=percent(r.unrealized_pct),
                    rpnl=signed(m, r.realized, quote),
                    margin=m("acct.margin", margin=amount(m, r.margin, quote)) if futures else "",
                    liq=(
                        m("acct.liq", price=numbers.price(r.liquidation_price))
                        if r.liquidation_price is not None
                        else ""
                    )
                    + funding
                    + _service_stop(m, r, stops),
                )
            )
        lines += await hedge.position_lines(ctx)  # which of those legs are hedges
        return Reply.table(m("trading.positions"), "\n".join(lines), refresh="/positions")

    @registry.command("trades", "Recent trades with id, time, owner and PnL", "/trades [n]")
    async def trades(ctx: CommandContext) -> Reply:
        n = parse_count(ctx, default=10, maximum=100, what="arg.trades")
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).trade_rows(last=n)
        if not rows:
            return Reply(m("trading.no_trades"))
        lines = []
        for r in reversed(rows):
            t, quote = r.trade, r.trade.instrument.symbol.quote
            state = m(f"acct.reason.{r.reason}") if r.reason is not None else m("acct.open")
            lines.append(
                m(
                    "acct.trade_line",
                    id=t.id,
                    opened=_when(ctx, t.opened),
                    owner=owner_name(m, t.owner),
                    symbol=t.instrument.symbol,
                    venue=m.word(t.instrument.venue),
                    side=m("forced.long" if t.side > 0 else "forced.short"),
                    qty=numbers.quantity(t.qty),
                    entry=numbers.price(t.entry_price),
                    exit=numbers.price(t.exit_price) if t.exit_price is not None else "…",
                    pnl=signed(m, t.realized, quote),
                    pct=percent(t.realized / t.cost * 100 if t.cost else None),
                    state=state,
                )
            )
        title = m("acct.trades_title", n=len(rows), tz=_tz(ctx))
        return Reply.table(title, "\n".join(lines), refresh="/trades")

    async def _window(ctx: CommandContext, default: int) -> tuple[int, list[TradeRow]]:
        days = parse_count(ctx, default=default, maximum=3650, what="arg.days")
        rows = await _trading(ctx).trade_rows(days=days)
        return days, rows

    @registry.command(
        "profit",
        "Summary: PnL, ROI, win rate, profit factor, best/worst coin, holding time, drawdown",
        "/profit [days]",
    )
    async def profit(ctx: CommandContext) -> Reply:
        m = Messages(ctx.service.settings.language)
        days, rows = await _window(ctx, 30)
        body = _summary(m, summarize(rows))
        hedges = await hedge.profit_line(ctx, days)
        return Reply.table(
            m("acct.profit_title", days=days), body + (f"\n{hedges}" if hedges else "")
        )

    @registry.command("performance", "PnL per coin (closed trades)", "/performance [days]")
    async def performance(ctx: CommandContext) -> Reply:
        m = Messages(ctx.service.settings.language)
        days, rows = await _window(ctx, 30)
        return Reply.table(m("acct.perf_title", days=days), _groups(m, by_coin(rows)))

    @registry.command("stats", "Closed trades per exit reason", "/stats [days]")
    async def stats(ctx: CommandContext) -> Reply:
        m = Messages(ctx.service.settings.language)
        days, rows = await _window(ctx, 30)
        return Reply.table(
            m("acct.stats_title", days=days), _groups(m, by_reason(rows), "acct.reason.")
        )

    async def _periods(ctx: CommandContext, unit: str, n: int, title: str) -> Reply:
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).periods(unit, n)
        lines = [
            m(
                "acct.period_line",
                period=d.day,
                realized=signed(m, d.realized_krw),
                fees=amount(m, d.fees_krw),
                fills=d.trades,
            )
            for d in rows
        ]
        total = sum((d.realized_krw for d in rows), Decimal(0))
        lines.append(m("acct.period_total", total=signed(m, total)))
        return Reply.table(m(title, n=n, tz=_tz(ctx)), "\n".join(lines))

    @registry.command("daily", "PnL per calendar day", "/daily [n]")
    async def daily(ctx: CommandContext) -> Reply:
        return await _periods(ctx, "day", parse_count(ctx, 7, 90, "arg.days"), "acct.daily_title")

    @registry.command("weekly", "PnL per calendar week (Monday first)", "/weekly [n]")
    async def weekly(ctx: CommandContext) -> Reply:
        n = parse_count(ctx, 4, 52, "arg.weeks")
        return await _periods(ctx, "week", n, "acct.weekly_title")

    @registry.command("monthly", "PnL per calendar month", "/monthly [n]")
    async def monthly(ctx: CommandContext) -> Reply:
        n = parse_count(ctx, 3, 36, "arg.months")
        return await _periods(ctx, "month", n, "acct.monthly_title")
