"""Trading commands: balances, orders, manual orders, kill switch (the accounting views are
bot.commands.accounting).

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
from bot.commands.accounting import register_accounting
from bot.commands.base import CommandContext, CommandError, Reply, sane_decimal
from bot.commands.core import no_args
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, render, tr
from bot.i18n.when import clock
from bot.providers import BotControl, TradingView
from core import numbers
from core.market import Side
from core.symbols import Symbol, Venue
from strategies.runner import BotError
from trading.executor import SubmitResult

if TYPE_CHECKING:
    from trading.intent import SellPlan
    from trading.provider import BalancesAge

_VENUES = {
    "upbit": Venue.UPBIT, "up": Venue.UPBIT, "bithumb": Venue.BITHUMB, "bt": Venue.BITHUMB,
    "binance": Venue.BINANCE_SPOT, "spot": Venue.BINANCE_SPOT,
    "futures": Venue.BINANCE_FUTURES, "fut": Venue.BINANCE_FUTURES, "usdm": Venue.BINANCE_FUTURES,
}  # fmt: skip
_QUOTE = {v: v.quote for v in Venue}


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


def parse_stop(args: list[str], language: str = "en") -> tuple[list[str], str | None]:
    """`sl=<price>` or `sl=<n>%` at the end of a /buy line: the other arguments and the stop
    ("" none; a price, or a percentage below the fill ending in %)."""
    t = Messages(language)
    rest = [a for a in args if not a.lower().startswith("sl=")]
    given = [a for a in args if a.lower().startswith("sl=")]
    if not given:
        return rest, None
    if len(given) > 1:
        raise CommandError(t("trading.bad_stop", raw=" ".join(given)))
    raw = given[0][3:].strip()
    pct = raw.endswith("%")
    value = sane_decimal(raw.removesuffix("%").replace(",", ""))
    if value is None or value <= 0 or (pct and value >= 100):
        raise CommandError(t("trading.bad_stop", raw=given[0]))
    return rest, f"{value}%" if pct else str(value)


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


def _sell_question(
    language: str, plan: SellPlan, venue: Venue, sym: Symbol, qty: Decimal
) -> tuple[str, bool]:
    """(the confirmation question of a manual sell, saying what it really does; True) or (why
    it is refused before anything is asked; False): a spot sell of more than is held."""
    m = Messages(language)
    where = m.word(venue)
    if plan.opens_short:
        held = plan.held or Decimal(0)
        key = "trading.sell_adds_short" if held < 0 else "trading.sell_opens_short"
        return m(key, qty=numbers.quantity(qty), base=sym.base, symbol=sym, venue=where, lev=plan.leverage,
                 short=numbers.quantity(-held)), True  # fmt: skip
    if venue is not Venue.BINANCE_FUTURES and plan.held is not None and qty > plan.held:
        why = m(
            "reason.no_coin",
            base=sym.base,
            qty=numbers.quantity(qty),
            free=numbers.quantity(plan.held),
        )
        return m("trading.refused", reason=why), False
    return m("trading.sell_question", qty=numbers.quantity(qty), symbol=sym, venue=where), True


def register_trading(registry: CommandRegistry) -> None:
    register_accounting(registry)  # /positions, /trades, /profit, ... over the trade book

    @registry.command("balance", "Balances per venue with KRW value and total", "/balance")
    async def balance(ctx: CommandContext) -> Reply:
        no_args(ctx)
        m = Messages(ctx.service.settings.language)
        t = _trading(ctx)
        lines, total, unpriced = [], Decimal(0), []
        balances = await t.balances()
        ages = t.balances_age()
        tz = ctx.service.settings.tz
        for venue, rows in balances.items():
            age = ages.get(venue)
            mark = _balances_mark(m, age, tz) if age is not None else ""
            lines.append(f"{m.word(venue)}:" + (f" {mark}" if mark else ""))
            for asset, free, locked, krw in rows:
                lock = m("trading.in_orders", qty=numbers.quantity(locked)) if locked else ""
                lines.append(
                    f"  {asset:<6} {numbers.quantity(free)}{lock}  ≈ {m.money(krw, 'KRW')}"
                )
                total += krw or 0
                if krw is None and (free or locked):
                    unpriced.append(f"{asset} ({m.word(venue)})")
        paper = m("trading.paper_mark") if t.paper else ""
        lines.append(m("trading.total", total=m.money(total, "KRW")) + paper)
        if unpriced:  # a total that silently leaves coins out reads as the whole account
            lines.append(m("trading.total_unpriced", assets=", ".join(unpriced)))
        return Reply.table(m("trading.balances"), "\n".join(lines), refresh="/balance")

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
            f"{numbers.quantity(s.order.qty)} {s.order.instrument.symbol} {m.word(s.order.type)}"
            + (f" @ {numbers.price(s.order.price)}" if s.order.price else "")
            # a stop-loss / take-profit shows the price it fires at
            + (
                m("order.trigger", price=numbers.price(s.order.trigger_price))
                if s.order.trigger_price
                else ""
            )
            + m(
                "trading.order_filled",
                status=m.word(s.order.status),
                filled=numbers.quantity(s.order.filled_qty),
            )
            for s in rows
        ]
        return Reply.table(
            m("trading.orders"), "\n".join(lines), refresh="/orders all" if show_all else "/orders"
        )

    @registry.command(
        "buy",
        "Market buy on a venue, or a bot's forced entry",
        "/buy <upbit|binance|futures> <coin> <qty|amountKRW> [sl=<price|N%>] | "
        "/buy <bot> [coin] [amount]",
        "/buy upbit BTC 50000KRW buys on a venue (a size in the coin, or an amount in KRW/USDT); "
        "nobody manages that position. On Binance spot, sl=58000 or sl=3% puts a stop-loss sell "
        "(STOP_LOSS) for the bought coins on the venue once the buy fills, kept while you hold "
        "them. /buy <bot> [coin] [amount] is the bot's forced entry: a "
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
        language = ctx.service.settings.language
        args, stop = parse_stop(ctx.args, language)
        venue, sym, qty, amount = parse_order_args(args, "buy", language)
        if stop is not None and venue is not Venue.BINANCE_SPOT:
            raise CommandError(
                tr(language, "trading.stop_venue", venue=Messages(language).word(venue))
            )
        res = await _trading(ctx).manual_order(venue, sym, Side.BUY, qty, amount, stop_loss=stop)
        return Reply(_result_text(res, language))

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
        plan = _trading(ctx).sell_plan(venue, sym)
        what, ask = _sell_question(language, plan, venue, sym, qty)
        if not ask:
            return Reply(what)

        async def act(c: CommandContext) -> Reply:
            # What was confirmed: closing a long (refused if it is gone by now), or a short.
            closes = not plan.opens_short if venue is Venue.BINANCE_FUTURES else None
            res = await _trading(c).manual_order(venue, sym, Side.SELL, qty, amount, closes=closes)
            return Reply(_result_text(res, language))

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
