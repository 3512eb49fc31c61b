"""/bots, /start, /stop, /pause, /resume: thin handlers over the bot manager (facade.bots, as
bot.providers.BotControl declares it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.commands.accounting import by_quote
from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, en, render, tr
from bot.i18n.when import zone_label
from bot.providers import BotControl, TradingView
from core import numbers
from core.text import Text
from strategies.gateway import held_by_bot
from strategies.runner import BotError

if TYPE_CHECKING:
    from strategies.runner import BotView
    from strategies.store import DecisionRow


def _manager(ctx: CommandContext) -> BotControl:
    manager = ctx.service.bots
    if manager is None:
        raise CommandError(tr(ctx.service.settings.language, "bots.not_running"))
    return manager


def _targets(ctx: CommandContext, manager: BotControl, verb: str) -> list[str]:
    t = Messages(ctx.service.settings.language)
    names = sorted(manager.definitions)
    if not ctx.args:
        listing = ", ".join(names) or t("bots.none_define")
        raise CommandError(t("bots.which", listing=listing))
    if len(ctx.args) > 1:
        raise CommandError(t("bots.one_name", command=verb))
    arg = ctx.args[0]
    if arg.lower() == "all":
        if not names:
            raise CommandError(t("bots.none_defined_all"))
        return names
    if arg not in manager.definitions:
        listing = ", ".join(names) or t("bots.none_defined")
        raise CommandError(t("bots.no_such", name=arg, listing=listing))
    return [arg]


def render_bots(
    views: list[BotView],
    language: str = "en",
    ledger: Mapping[str, tuple[list[str], str]] | None = None,
) -> str:
    """One line per bot. `ledger`: per bot, its positions and realised PnL as the order layer
    books them (`ledger_view`), which replace the bot's own in-memory figures: those are empty
    after a restart and know nothing of a stopped bot's position or a liquidation."""
    m = Messages(language)
    if not views:
        return m("bots.no_bots")
    lines = []
    for v in views:
        state = "paused" if v.paused and v.state.value == "running" else v.state.value
        key = f"bots.state.{state}"
        booked = (ledger or {}).get(v.name)
        if booked is None:  # no order layer: the bot's own paper book
            pos = m.render(Text.of("list", items=v.positions)) if v.positions else m("bots.flat")
            pnl = m.pnl(v.realized, v.exchange.quote)
        else:
            held, pnl = booked
            pos = "; ".join(held) or m("bots.flat")
        lines.append(
            m(
                "bots.line",
                name=v.name,
                state=m(key) if key in en.TEXTS else state,
                strategy=v.strategy,
                venue=m.word(v.exchange),
                symbols=v.symbols,
                timeframe=v.timeframe,
                pos=pos,
                pnl=pnl,
            )
        )
    return "\n".join(lines)


async def ledger_view(
    trading: TradingView | None, names: list[str], language: str
) -> dict[str, tuple[list[str], str]] | None:
    """Each bot's open positions, with their unrealised PnL at a fresh mark (`?` when the price
    is old), and its realised PnL, from the one trade book (None: no order layer, the bots
    trade on their own paper book)."""
    if trading is None:
        return None
    m = Messages(language)
    pnl = trading.owner_pnl()
    rows = await trading.position_rows()  # the same rows /positions shows
    out = {}
    for name in names:
        held = [
            m(
                "bots.held_upnl",
                symbol=r.instrument.symbol,
                side=m("forced.long" if r.qty > 0 else "forced.short"),
                qty=numbers.quantity(abs(r.qty)),
                upnl=m.pnl(r.unrealized, r.instrument.symbol.quote, r.unrealized_pct),
            )
            for r in rows
            if r.owner == name and r.qty
        ]
        out[name] = (held, by_quote(m, pnl.get(name, {})))
    return out


def render_decisions(rows: list[DecisionRow], language: str = "en", tz: tzinfo = UTC) -> str:
    """A bot's decisions, newest first, at the configured zone's time; the heading above them
    names the zone once (`bots.last_decisions`), so no row repeats it."""
    if not rows:
        return tr(language, "bots.no_decisions")
    out = []
    for r in rows:
        when = datetime.fromtimestamp(r.ts, tz).strftime("%m-%d %H:%M")
        mark = "✓" if r.taken else "✗"
        key = f"signalaction.{r.action}"
        action = tr(language, key) if key in en.TEXTS else r.action
        out.append(f"{when} {mark} {r.symbol} {action}: {render(language, r.reason)}")
    return "\n".join(out)


def register_bots(registry: CommandRegistry) -> None:
    @registry.command("bots", "Strategy bots and what they did", "/bots [bot]")
    async def bots(ctx: CommandContext) -> Reply:
        manager = _manager(ctx)
        m = Messages(ctx.service.settings.language)
        if ctx.args:
            (name,) = _targets(ctx, manager, "bots")
            (view,) = [v for v in await manager.views() if v.name == name]
            rows = await manager.store.decisions(name, limit=15)
            ledger = await ledger_view(ctx.service.trading, [name], m.language)
            body = (
                render_bots([view], m.language, ledger)
                + m("bots.last_decisions", zone=zone_label(datetime.now(ctx.service.settings.tz)))
                + render_decisions(rows, m.language, ctx.service.settings.tz)
            )
            return Reply.table(m("bots.title_one", name=name), body, refresh=f"/bots {name}")
        views = await manager.views()
        ledger = await ledger_view(ctx.service.trading, [v.name for v in views], m.language)
        body = render_bots(views, m.language, ledger)
        return Reply.table(m("bots.title"), body, refresh="/bots")

    async def _each(ctx: CommandContext, verb: str) -> Reply:
        manager = _manager(ctx)
        m = Messages(ctx.service.settings.language)
        out = []
        for name in _targets(ctx, manager, verb):
            try:
                if verb == "start":
                    out.append(m.render(await manager.start(name)))
                elif verb == "stop":
                    out.append(m.render(await manager.stop(name)))
                else:
                    out.append(m.render(await manager.set_paused(name, verb == "pause")))
            except BotError as exc:
                out.append(m.render(exc.text))
        return Reply("\n".join(out))

    @registry.command("start", "Start a strategy bot (it stays started after a restart)",
                      "/start <bot|all>")  # fmt: skip
    async def start(ctx: CommandContext) -> Reply:
        return await _each(ctx, "start")

    @registry.command("stop", "Stop a strategy bot; its open positions stay open",
                      "/stop <bot|all>")  # fmt: skip
    async def stop(ctx: CommandContext) -> Reply:
        manager = _manager(ctx)
        names = _targets(ctx, manager, "stop")
        held = []
        for name in names:
            language = ctx.service.settings.language
            held += [f"{name}: {render(language, p)}" for p in manager.open_positions(name)]
            held += [f"{name}: {p}" for p in held_by_bot(ctx.service.trading, name)]
        if held:
            question = tr(
                ctx.service.settings.language,
                "bots.stop_question",
                names=", ".join(names),
                held="; ".join(dict.fromkeys(held)),
            )
            return registry.ask_confirmation(ctx, question, lambda c: _each(c, "stop"))
        return await _each(ctx, "stop")

    @registry.command("pause", "Pause a bot: no new entries; its exits are still managed",
                      "/pause <bot|all>")  # fmt: skip
    async def pause(ctx: CommandContext) -> Reply:
        return await _each(ctx, "pause")

    @registry.command("resume", "Resume a paused bot", "/resume <bot|all>")
    async def resume(ctx: CommandContext) -> Reply:
        return await _each(ctx, "resume")
