"""Trading commands: balances, positions, orders, trades, PnL, manual orders, kill switch.

Handlers parse, ask `facade.trading` (what they use is declared by bot.providers.TradingView)
and render text.
`/buy` and `/sell` name a venue (an order nobody manages) or a bot (its forced entry or exit,
through `facade.bots`, see bot.commands.forced).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.commands import forced
from bot.commands.base import CommandContext, CommandError, Reply, sane_decimal
from bot.commands.core import no_args, parse_count
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, render, tr, word
from bot.i18n.when import clock
from bot.providers import BotControl, TradingView
from core import numbers
from core.market import Side
from core.symbols import Symbol, Venue
from strategies.runner import BotError
from trading.executor import SubmitResult

if TYPE_CHECKING:
    from trading.provider import BalancesAge

_VENUES = {
    "upbit": Venue.UPBIT, "up": Venue.UPBIT,
    "binance": Venue.BINANCE_SPOT, "spot": Venue.BINANCE_SPOT,
    "futures": Venue.BINANCE_FUTURES, "fut": Venue.BINANCE_FUTURES, "usdm": Venue.BINANCE_FUTURES,
}  # fmt: skip
_QUOTE = {Venue.UPBIT: "KRW", Venue.BINANCE_SPOT: "USDT", Venue.BINANCE_FUTURES: "USDT"}


def _trading(ctx: CommandContext) -> TradingView:
    provider = ctx.service.trading
    if provider is None:
        raise CommandError(tr(ctx.service.settings.language, "trading.not_running"))
    return provider


def _bot_named(ctx: CommandContext) -> tuple[BotControl, str] | None:
    """The bot `/buy` or `/sell` names (with its manager), or None for the venue form. A venue
    name wins over a bot of the same name."""
    if not ctx.args or ctx.args[0].lower() in _VENUES:
        return None
    bots = ctx.service.bots
    names = sorted(bots.definitions) if bots is not None else []
    if bots is not None and ctx.args[0] in names:
        return bots, ctx.args[0]
    t = Messages(ctx.service.settings.language)
    also = t("trading.or_bot", names=", ".join(names)) if names else ""
    raise CommandError(t("trading.unknown_venue", venue=ctx.args[0], also=also))


_EXAMPLE = {"buy": "/buy upbit BTC 50000KRW", "sell": "/sell upbit BTC 0.01"}


def parse_order_args(
    args: list[str], command: str = "buy", language: str = "en"
) -> tuple[Venue, Symbol, Decimal | None, Decimal | None]:
    """`upbit BTC 0.01` (quantity) or `upbit BTC 50000KRW` (amount to spend); `command` (buy or
    sell) names the example in the answer to a bad line."""
    t = Messages(language)
    if len(args) != 3:
        bot_form = "/buy <bot> [coin] [amount]" if command == "buy" else "/sell <bot> [coin]"
        example = _EXAMPLE.get(command, _EXAMPLE["buy"])
        raise CommandError(t("trading.order_args", example=example, bot_form=bot_form))
    venue = _VENUES.get(args[0].lower())
    if venue is None:
        raise CommandError(t("trading.unknown_venue", venue=args[0], also=""))
    coin = args[1].upper().split("/")[0]
    if not coin.isalnum():
        raise CommandError(t("arg.bad_coin", coin=args[1]))
    quote = _QUOTE[venue]
    raw = args[2].upper()
    is_amount = raw.endswith(quote)
    text = raw.removesuffix(quote).replace(",", "")
    try:
        Decimal(text)
    except InvalidOperation:
        raise CommandError(t("trading.not_number", raw=args[2], quote=quote)) from None
    value = sane_decimal(text)
    if value is None:
        raise CommandError(t("arg.bad_amount", raw=args[2]))
    if value <= 0:
        raise CommandError(t("trading.size_positive"))
    sym = Symbol(coin, quote)
    return (venue, sym, None, value) if is_amount else (venue, sym, value, None)


def _result_text(res: SubmitResult, language: str = "en") -> str:
    t = Messages(language)
    if not res.accepted:
        return t("trading.refused", reason=t.render(res.reason))
    o = res.order
    assert o is not None, "an accepted order result carries its order"
    notes = "".join("\n" + t.render(n) for n in res.notes)
    mode = t("order.paper") if o.paper else ""
    side, status = t.word(o.side), t.word(o.status)
    return t(
        "trading.result",
        mode=mode,
        side=side,
        symbol=o.instrument.symbol,
        status=status,
        id=o.client_id,
        notes=notes,
    )


def _balances_mark(m: Messages, age: BalancesAge, tz: tzinfo) -> str:
    """ "as of HH:MM, venue unreachable" (or why not refreshed) on balances that are not current."""
    if age.as_of is None:
        if age.error is None:
            return ""
        if age.unreachable:
            return m("trading.balances_none")
        return m("trading.balances_none_why", reason=m.render(age.error))
    when = datetime.fromtimestamp(age.as_of, tz)
    recent = datetime.now(tz) - when < timedelta(hours=20)
    time = clock(age.as_of, tz, "%H:%M" if recent else "%m-%d %H:%M")
    if age.error is not None:
        if age.unreachable:
            return m("trading.balances_unreachable", time=time)
        return m("trading.balances_failed", time=time, reason=m.render(age.error))
    return m("trading.balances_old", time=time) if age.old else ""


def register_trading(registry: CommandRegistry) -> None:
    @registry.command("balance", "Balances per venue with KRW value and total", "/balance")
    async def balance(ctx: CommandContext) -> Reply:
        no_args(ctx)
        m = Messages(ctx.service.settings.language)
        t = _trading(ctx)
        lines, total = [], Decimal(0)
        balances = await t.balances()
        ages = t.balances_age()
        tz = ctx.service.settings.tz
        for venue, rows in balances.items():
            age = ages.get(venue)
            mark = _balances_mark(m, age, tz) if age is not None else ""
            lines.append(f"{m.word(venue)}:" + (f" {mark}" if mark else ""))
            for asset, free, locked, krw in rows:
                lock = m("trading.in_orders", qty=numbers.grouped(locked)) if locked else ""
                lines.append(f"  {asset:<6} {numbers.grouped(free)}{lock}  ≈ {m.money(krw, 'KRW')}")
                total += krw or 0
        paper = m("trading.paper_mark") if t.paper else ""
        lines.append(m("trading.total", total=m.money(total, "KRW")) + paper)
        return Reply.table(m("trading.balances"), "\n".join(lines), refresh="/balance")

    @registry.command("positions", "Open positions with unrealised PnL", "/positions")
    async def positions(ctx: CommandContext) -> Reply:
        no_args(ctx)
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).positions()
        if not rows:
            return Reply(m("trading.no_positions"))
        lines = []
        for p, mark, upnl in rows:
            lev = f" {p.leverage}x" if p.instrument.venue is Venue.BINANCE_FUTURES else ""
            lines.append(
                m(
                    "trading.position_line",
                    venue=m.word(p.instrument.venue),
                    symbol=p.instrument.symbol,
                    lev=lev,
                    qty=numbers.grouped(p.qty),
                    entry=numbers.price(p.entry_price),
                    mark="?" if mark is None else numbers.price(mark),
                    upnl=m.pnl(upnl, p.instrument.symbol.quote),
                    rpnl=m.pnl(p.realized_pnl, p.instrument.symbol.quote),
                )
            )
        return Reply.table(m("trading.positions"), "\n".join(lines), refresh="/positions")

    @registry.command("orders", "Open orders (or /orders all for recent ones)", "/orders [all]")
    async def orders(ctx: CommandContext) -> Reply:
        if ctx.args and (len(ctx.args) > 1 or ctx.args[0].lower() != "all"):
            raise CommandError(tr(ctx.service.settings.language, "trading.orders_args"))
        m = Messages(ctx.service.settings.language)
        show_all = bool(ctx.args)
        rows = await _trading(ctx).orders(open_only=not show_all)
        if not rows:
            return Reply(m("trading.no_open_orders") if not show_all else m("trading.no_orders"))
        lines = [
            f"{s.order.client_id} {m.word(s.order.instrument.venue)} {m.word(s.order.side)} "
            f"{numbers.grouped(s.order.qty)} {s.order.instrument.symbol} {m.word(s.order.type)}"
            + (f" @ {numbers.price(s.order.price)}" if s.order.price else "")
            + m(
                "trading.order_filled",
                status=m.word(s.order.status),
                filled=numbers.grouped(s.order.filled_qty),
            )
            for s in rows
        ]
        return Reply.table(
            m("trading.orders"), "\n".join(lines), refresh="/orders all" if show_all else "/orders"
        )

    @registry.command("trades", "Recent fills", "/trades [n]")
    async def trades(ctx: CommandContext) -> Reply:
        n = parse_count(ctx, default=10, maximum=100, what="arg.trades")
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).trades(n)
        if not rows:
            return Reply(m("trading.no_trades"))
        title = m("trading.last_trades", n=len(rows))
        return Reply.table(title, "\n".join(text for _, text in rows))

    async def _pnl(ctx: CommandContext, days: int, title: str) -> Reply:
        """`title` is a catalog key, formatted with `days`."""
        m = Messages(ctx.service.settings.language)
        rows = await _trading(ctx).daily(days)
        lines = [
            m(
                "trading.pnl_line",
                day=d.day,
                realized=m.pnl(d.realized_krw, "KRW"),
                fees=m.money(d.fees_krw, "KRW"),
                fills=d.trades,
            )
            for d in rows
        ]
        total = sum((d.realized_krw for d in rows), Decimal(0))
        lines.append(m("trading.pnl_total", total=m.pnl(total, "KRW")))
        return Reply.table(m(title, days=days), "\n".join(lines))

    @registry.command("profit", "Realised PnL over the last days", "/profit [days]")
    async def profit(ctx: CommandContext) -> Reply:
        days = parse_count(ctx, default=30, maximum=365, what="arg.days")
        return await _pnl(ctx, days, "trading.profit_title")

    @registry.command("daily", "PnL per day", "/daily [n]")
    async def daily(ctx: CommandContext) -> Reply:
        return await _pnl(ctx, parse_count(ctx, 7, 90, "arg.days"), "trading.daily_title")

    @registry.command("weekly", "PnL of the last 7 days", "/weekly")
    async def weekly(ctx: CommandContext) -> Reply:
        no_args(ctx)
        return await _pnl(ctx, 7, "trading.weekly_title")

    @registry.command("monthly", "PnL of the last 30 days", "/monthly")
    async def monthly(ctx: CommandContext) -> Reply:
        no_args(ctx)
        return await _pnl(ctx, 30, "trading.monthly_title")

    @registry.command(
        "buy",
        "Market buy on a venue, or a bot's forced entry",
        "/buy <upbit|binance|futures> <coin> <qty|amountKRW> | /buy <bot> [coin] [amount]",
        "/buy upbit BTC 50000KRW buys on a venue (a size in the coin, or an amount in KRW/USDT); "
        "nobody manages that position. /buy <bot> [coin] [amount] is the bot's forced entry: a "
        "long now, with the bot's stake (or the amount given, in its quote currency), leverage "
        "and SL/TP; the bot then manages the exit. The bot must be running and not paused.",
    )
    async def buy(ctx: CommandContext) -> Reply:
        named = _bot_named(ctx)
        if named is not None:
            manager, bot = named
            d = manager.definitions[bot]
            coin, stake = forced.parse_buy(d, ctx.args[1:], ctx.service.settings.language)
            try:
                done = await manager.force_entry(bot, coin, stake)
            except BotError as exc:
                raise CommandError(render(ctx.service.settings.language, exc.text)) from None
            return Reply(forced.render_entry(done, d, stake, ctx.service.settings.language))
        venue, sym, qty, amount = parse_order_args(ctx.args, "buy", ctx.service.settings.language)
        res = await _trading(ctx).manual_order(venue, sym, Side.BUY, qty, amount)
        return Reply(_result_text(res, ctx.service.settings.language))

    @registry.command(
        "sell",
        "Market sell on a venue, or a bot's forced exit (asks to confirm)",
        "/sell <venue> <coin> <qty> | /sell <bot> [coin]",
        "/sell upbit BTC 0.01 sells on a venue. /sell <bot> [coin] is the bot's forced exit: "
        "its position closed at market through the bot (futures: its SL/TP cancelled first), "
        "which books the trade. Both ask to confirm.",
    )
    async def sell(ctx: CommandContext) -> Reply:
        named = _bot_named(ctx)
        if named is not None:
            return await _force_exit(ctx, *named)
        language = ctx.service.settings.language
        venue, sym, qty, amount = parse_order_args(ctx.args, "sell", language)
        if qty is None:
            raise CommandError(tr(language, "trading.sell_qty"))
        _trading(ctx)

        async def act(c: CommandContext) -> Reply:
            res = await _trading(c).manual_order(venue, sym, Side.SELL, qty, amount)
            return Reply(_result_text(res, language))

        what = tr(
            language,
            "trading.sell_question",
            qty=numbers.grouped(qty),
            symbol=sym,
            venue=word(language, venue),
        )
        return registry.ask_confirmation(ctx, what, act)

    async def _force_exit(ctx: CommandContext, manager: BotControl, bot: str) -> Reply:
        language = ctx.service.settings.language
        coin = forced.parse_sell(manager.definitions[bot], ctx.args[1:], language)
        try:
            inst, pos = await manager.held_position(bot, coin)
        except BotError as exc:
            raise CommandError(render(language, exc.text)) from None

        async def act(c: CommandContext) -> Reply:
            try:
                done = await manager.force_exit(bot, coin)
            except BotError as exc:  # e.g. the bot's own exit got there first
                return Reply(f"❌ {render(language, exc.text)}")
            return Reply(forced.render_exit(done, c.service.settings.language))

        running = bot in manager.runners
        question = forced.exit_question(bot, inst, pos, running, ctx.service.settings.language)
        return registry.ask_confirmation(ctx, question, act)

    @registry.command("cancel", "Cancel an open order (asks to confirm)", "/cancel <order id>")
    async def cancel(ctx: CommandContext) -> Reply:
        language = ctx.service.settings.language
        if len(ctx.args) != 1:
            raise CommandError(tr(language, "trading.cancel_args"))
        cid = ctx.args[0]
        stored = await _trading(ctx).order(cid)
        if stored is None:
            raise CommandError(tr(language, "trading.no_order", id=cid))

        async def act(c: CommandContext) -> Reply:
            res = await _trading(c).cancel(cid)
            done = tr(language, "trading.cancelled", id=cid)
            return Reply(done if res.accepted else f"❌ {render(language, res.reason)}")

        return registry.ask_confirmation(ctx, tr(language, "trading.cancel_question", id=cid), act)

    @registry.command(
        "killswitch",
        "Stop new entries and bots; 'cancel' also cancels open orders; 'flatten' also closes "
        "every position at market; 'off' resets",
        "/killswitch [cancel|flatten|off]",
    )
    async def killswitch(ctx: CommandContext) -> Reply:
        m = Messages(ctx.service.settings.language)
        arg = ctx.args[0].lower() if ctx.args else ""
        if arg not in ("", "cancel", "flatten", "off") or len(ctx.args) > 1:
            raise CommandError(tr(ctx.service.settings.language, "trading.killswitch_args"))
        t0 = _trading(ctx)

        async def act(c: CommandContext) -> Reply:
            t = _trading(c)
            if arg == "off":
                await t.set_kill_switch(False, False)
                return Reply(m("trading.kill_off"))
            bots = c.service.bots
            if bots is not None:
                await bots.stop_all()
            results = await t.set_kill_switch(True, arg in ("cancel", "flatten"))
            done = sum(1 for r in results if r.accepted)
            extra = ""
            if arg == "flatten":
                extra = m("trading.kill_cancelled", done=done, total=len(results))
                closed = await t.flatten()
                ok = sum(1 for _, r in closed if r.accepted)
                extra += m("trading.kill_flattened", done=ok, total=len(closed))
                for inst, r in closed:
                    if not r.accepted:
                        extra += "\n" + m(
                            "trading.kill_not_closed",
                            symbol=inst.symbol,
                            venue=m.word(inst.venue),
                            reason=m.render(r.reason),
                        )
            elif arg == "cancel":
                extra = m("trading.kill_cancelled", done=done, total=len(results))
                kept = len(await t.orders()) - (len(results) - done)
                if kept > 0:
                    extra += m("trading.kill_kept", kept=kept)
            return Reply(m("trading.kill_on", extra=extra))

        if arg == "cancel":
            held = [p for p in t0.open_positions() if p.instrument.venue is Venue.BINANCE_FUTURES]
            what = m("trading.kill_q_cancel_keep", positions=len(held))
        elif arg == "flatten":
            what = m("trading.kill_q_flatten", positions=len(t0.open_positions()))
        else:
            what = m({"off": "trading.kill_q_off", "": "trading.kill_q"}[arg])
        return registry.ask_confirmation(ctx, what, act)
