"""Per-coin kimp alerting: /watch, /unwatch, /kimpmute (what an alert's buttons run), the
per-coin form of /kimpalert, and the lines /kimp <coin> and /positions show about a coin's
rules and its perpetual's funding. Thin handlers over the kimp provider, pure renderers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, tr
from bot.i18n.when import clock, duration
from bot.providers import KimpView
from core import numbers

if TYPE_CHECKING:
    from datetime import tzinfo

    from alerts.funding import FundingView

# How long "/kimpmute <coin> <span>" mutes: the buttons send 1h and today; typed, any of these.
_SPANS = {"m": 60.0, "h": 3600.0, "d": 86400.0}
MAX_MUTE = 30 * 86400.0


def _svc(ctx: CommandContext) -> KimpView:
    svc = ctx.service.kimp
    if svc is None:
        raise CommandError(tr(ctx.service.settings.language, "kimpcmd.not_running"))
    return svc


def coin_arg(raw: str, language: str) -> str:
    """A coin as typed (btc, KRW-BTC, BTC/KRW, BTCUSDT) -> BTC; a clear error otherwise."""
    coin = raw.strip().upper().removeprefix("KRW-").removesuffix("/KRW")
    if coin.endswith("USDT") and len(coin) > 4:
        coin = coin.removesuffix("USDT")
    if not coin.isalnum() or len(coin) > 15:
        raise CommandError(tr(language, "kimpcmd.bad_coin", raw=raw))
    return coin


def _known(svc: KimpView, coin: str, m: Messages) -> str:
    if coin == "USDT" or not svc.is_known(coin):
        raise CommandError(m("kimpcmd.not_tracked", coin=coin))
    return coin


def funding_lines(f: FundingView | None, tz: tzinfo, m: Messages) -> list[str]:
    """`/kimp <coin>`: the perpetual's mark, funding rate and next funding time, with its age."""
    if f is None:
        return [m("watch.no_funding")]
    when = clock(f.next_funding_ts, tz, "%H:%M") if f.next_funding_ts > 0 else "?"
    return [
        m(
            "watch.funding",
            rate=f"{numbers.percent(f.funding_rate * 100, 4)}%",
            next=when,
            mark=numbers.price(f.mark),
            age=duration(m.language, f.age),
        )
    ]


def funding_short(f: FundingView | None, tz: tzinfo, m: Messages) -> str:
    """One /positions row's tail: " · funding +0.0100% at 17:00 KST" (empty when unknown)."""
    if f is None:
        return ""
    when = clock(f.next_funding_ts, tz, "%H:%M") if f.next_funding_ts > 0 else "?"
    return m("watch.funding_short", rate=f"{numbers.percent(f.funding_rate * 100, 4)}%", next=when)


def rule_lines(svc: KimpView, coin: str, tz: tzinfo, m: Messages) -> list[str]:
    """`/kimp <coin>`: on the watchlist or not, its thresholds (own or global), a mute, the floor."""
    rule = svc.coin_rule(coin)
    high, low = svc.coin_levels(coin)
    own = rule.high_pct is not None or rule.low_pct is not None
    out = [
        m(
            "watch.levels_own" if own else "watch.levels_global",
            high=f"{high:+g}",
            low=f"{low:+g}",
        )
    ]
    watched = svc.watchlist()
    if coin in watched:
        out.append(m("watch.on_list"))
    elif watched:
        out.append(m("watch.off_list"))
    if svc.is_muted(coin):
        out.append(m("watch.muted_until", until=clock(rule.muted_until, tz)))
    if svc.below_floor(coin):
        volume = svc.coin_volume(coin)
        floor = m.money(svc.kimp_config.min_volume_krw, "KRW")
        out.append(m("watch.below_floor", volume=m.money(volume, "KRW"), floor=floor))
    return out


def _watch_list(svc: KimpView, m: Messages) -> Reply:
    coins = svc.watchlist()
    if not coins:
        return Reply(m("watch.list_empty"))
    return Reply(m("watch.list", n=len(coins), coins=", ".join(coins)))


def _mute_span(raw: str, m: Messages) -> float | None:
    """Seconds for "30m", "1h", "2d", "off" (0); None for "today"; a clear error otherwise."""
    word = raw.strip().lower()
    if word in ("off", "0", "unmute", "해제"):
        return 0.0
    if word in ("today", "오늘"):
        return None
    unit = _SPANS.get(word[-1:])
    try:
        n = float(word[:-1]) if unit else math.nan
    except ValueError:
        n = math.nan
    if unit is None or not math.isfinite(n) or n <= 0 or n * unit > MAX_MUTE:
        raise CommandError(m("watch.bad_span", raw=raw))
    return n * unit


def register_watch(registry: CommandRegistry) -> None:
    @registry.command(
        "watch",
        "Watch coins for kimp alerts (once the list has coins, only they alert)",
        "/watch [coin ...]",
        "Without a coin: the watchlist. With coins: adds them. While the list is empty every "
        "coin above the volume floor (KIMP_MIN_VOLUME_KRW) alerts; BTC and the tether premium "
        "always do.",
    )
    async def watch(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        m = Messages(ctx.service.settings.language)
        if not ctx.args:
            return _watch_list(svc, m)
        coins = [_known(svc, coin_arg(a, m.language), m) for a in ctx.args]
        for coin in coins:
            await svc.watch(coin, True)
        lines = [m("watch.added", coins=", ".join(coins))]
        low = [c for c in coins if svc.below_floor(c)]
        if low:
            floor = m.money(svc.kimp_config.min_volume_krw, "KRW")
            lines.append(m("watch.added_below_floor", coins=", ".join(low), floor=floor))
        lines.append(_watch_list(svc, m).text)
        return Reply("\n".join(lines))

    @registry.command("unwatch", "Take coins off the kimp watchlist", "/unwatch <coin ...>")
    async def unwatch(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        m = Messages(ctx.service.settings.language)
        if not ctx.args:
            raise CommandError(m("watch.which_coin", command="/unwatch"))
        coins = [coin_arg(a, m.language) for a in ctx.args]
        listed = svc.watchlist()
        missing = [c for c in coins if c not in listed]
        if missing:
            raise CommandError(m("watch.not_on_list", coins=", ".join(missing)))
        for coin in coins:
            await svc.watch(coin, False)
        return Reply(m("watch.removed", coins=", ".join(coins)) + "\n" + _watch_list(svc, m).text)

    @registry.command(
        "kimpmute",
        "Mute one coin's kimp alerts for a while",
        "/kimpmute <coin> <1h | 30m | 2d | today | off>",
        "The buttons under a coin alert run it (a grouped notice's buttons name several coins: "
        "ADA,DOT,XRP). The coin's state still follows the premium; "
        "nothing about it is sent until the mute ends. Kept across restarts.",
    )
    async def kimpmute(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        m = Messages(ctx.service.settings.language)
        if len(ctx.args) != 2:
            raise CommandError(m("watch.mute_usage"))
        span = _mute_span(ctx.args[1], m)
        if "," in ctx.args[0]:  # a group notice's buttons: "/kimpmute ADA,DOT,XRP 1h"
            return await _mute_many(svc, ctx.args[0], span, m)
        coin = _known(svc, coin_arg(ctx.args[0], m.language), m)
        if span is None:
            rule = await svc.mute_today(coin)
        else:
            rule = await svc.mute_for(coin, span)
        if rule.muted_until <= 0:
            return Reply(m("watch.unmuted", coin=coin), in_place=False)
        until = clock(rule.muted_until, svc.kimp_config.tz)
        return Reply(m("watch.muted", coin=coin, until=until), in_place=False)


async def _mute_many(svc: KimpView, raw: str, span: float | None, m: Messages) -> Reply:
    """Mute (or unmute) several coins at once; coins no longer tracked are named, not fatal."""
    coins = list(dict.fromkeys(coin_arg(c, m.language) for c in raw.split(",") if c.strip()))
    known = [c for c in coins if c != "USDT" and svc.is_known(c)]
    if not known:
        raise CommandError(m("kimpcmd.not_tracked", coin=", ".join(coins)))
    until = 0.0
    for coin in known:
        rule = await (svc.mute_today(coin) if span is None else svc.mute_for(coin, span))
        until = rule.muted_until
    names = ", ".join(known)
    if until <= 0:
        text = m("watch.unmuted", coin=names)
    else:
        when = clock(until, svc.kimp_config.tz)
        text = m("watch.muted_many", coins=names, until=when, arg=",".join(known))
    skipped = [c for c in coins if c not in known]
    if skipped:
        text += "\n" + m("kimpcmd.not_tracked", coin=", ".join(skipped))
    return Reply(text, in_place=False)


async def coin_alert(ctx: CommandContext, svc: KimpView, m: Messages) -> Reply:
    """/kimpalert <coin> [high <pct> | low <pct> | reset]: a coin's own thresholds."""
    coin = _known(svc, coin_arg(ctx.args[0], m.language), m)
    args = [a.lower() for a in ctx.args[1:]]
    if args == ["reset"]:
        await svc.reset_coin_levels(coin)
    elif len(args) == 2 and args[0] in ("high", "low"):
        raw = ctx.args[2].rstrip("%")
        try:
            value = float(raw)
        except ValueError:
            raise CommandError(m("kimpcmd.not_number", raw=ctx.args[2])) from None
        if not math.isfinite(value) or abs(value) > 1000:
            raise CommandError(m("watch.bad_level", raw=ctx.args[2]))
        try:
            if args[0] == "high":
                await svc.set_coin_levels(coin, high=value)
            else:
                await svc.set_coin_levels(coin, low=value)
        except ValueError as exc:
            raise CommandError(m("kimpcmd.not_changed", error=exc)) from None
    elif args:
        raise CommandError(m("watch.alert_usage"))
    high, low = svc.coin_levels(coin)
    rule = svc.coin_rule(coin)
    own = rule.high_pct is not None or rule.low_pct is not None
    key = "watch.levels_own" if own else "watch.levels_global"
    return Reply(
        m("watch.coin_title", coin=coin) + "\n" + m(key, high=f"{high:+g}", low=f"{low:+g}")
    )
