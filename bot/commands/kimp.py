"""/kimp, /kimpchart and /kimpalert: thin handlers over the kimp provider (facade.kimp, as
bot.providers.KimpView declares it), pure renderers."""

from __future__ import annotations

import math
import time
from dataclasses import asdict
from functools import partial
from typing import TYPE_CHECKING

from bot.chart_words import premium_words
from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.kimp_net import render_transfer
from bot.commands.kimp_venues import venue_reply
from bot.commands.kimp_watch import coin_alert, funding_lines, rule_lines
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages, tr
from bot.i18n.when import duration
from bot.notify.kimp_alerts import wallet_note
from bot.providers import KimpView
from core import numbers
from core.text import Text

if TYPE_CHECKING:
    from alerts.monitor import CoinPremium, TetherView
    from alerts.premium import Executable
    from alerts.service import Headline
    from alerts.wallet import WalletNote


def _svc(ctx: CommandContext) -> KimpView:
    svc = ctx.service.kimp
    if svc is None:
        raise CommandError(tr(ctx.service.settings.language, "kimpcmd.not_running"))
    return svc


def _pct(v: float | None) -> str:
    return numbers.NOT_A_NUMBER if v is None else f"{numbers.percent(v)}%"


def _rate(v: float | None) -> str:
    """USD/KRW to the won's hundredth, as the FX sources quote it."""
    return numbers.NOT_A_NUMBER if v is None else numbers.grouped(v, 2)


def _exe(pct: float | None, why: str | None) -> str:
    return f"{numbers.NOT_A_NUMBER} ({why})" if pct is None and why else _pct(pct)


def _oldest(c: CoinPremium) -> float | None:
    ages = [a for a in (c.ages.upbit, c.ages.binance, c.ages.usdt) if a is not None]
    return max(ages) if ages else None


def _flag(
    c: CoinPremium, wallet: dict[str, WalletNote] | None = None, m: Messages | None = None
) -> str:
    mark = " ⛔" if wallet and c.coin in wallet else ""
    if c.implausible:
        return mark + (m("kimpcmd.flag_implausible") if m is not None else " ⚠")
    if not c.suspended:
        return mark
    # A suspended figure may be old: never shown as if current, its oldest leg's age goes along.
    age = _oldest(c)
    old = (
        ""
        if m is None or age is None
        else " " + m("kimpcmd.figure_age", age=duration(m.language, age))
    )
    return mark + " ⏸" + old


def _tether_line(t: TetherView, language: str = "en") -> list[str]:
    m = Messages(language)
    krw, age = m.price(t.usdt_krw, "KRW"), duration(language, t.usdt_age)
    if t.fx_unavailable:
        return [
            m("kimpcmd.tether_na", krw=krw, age=age),
            m("kimpcmd.fx_na", why=m.render(t.fx_unavailable)),
        ]
    fx_age = duration(language, t.fx_age)  # from the source's own quote time
    if t.fx_source:
        key = "kimpcmd.fx_closed" if t.fx_closed else "kimpcmd.fx_from"
        fx = m(key, rate=_rate(t.usd_krw), source=m(f"fx.source.{t.fx_source}"), age=fx_age)
    else:
        fx = m("kimpcmd.fx", rate=_rate(t.usd_krw), age=fx_age)
    lines = [m("kimpcmd.tether", pct=_pct(t.tether), krw=krw, age=age), fx]
    if t.fx_disagree is not None:
        lines.append(m("kimpcmd.fx_warn", why=m.render(t.fx_disagree)))
    return lines


def render_headline(h: Headline, language: str = "en") -> str:
    m = Messages(language)
    w = h.wallet_notes

    def mark(c: CoinPremium) -> str:
        return _flag(c, w, m) + (" ⚠️" if c.coin in h.flags else "")

    lines = [m("kimpcmd.head_columns")]
    for c in h.coins:
        lines.append(f"{c.coin:<6} {_pct(c.usdt_kimp):>9} {_pct(c.fx_kimp):>9}{mark(c)}")
    if not h.coins:
        lines.append(m("kimpcmd.no_major"))
    lines += _tether_line(h.tether, language)
    if h.top:
        lines.append(
            m("kimpcmd.top") + ", ".join(f"{c.coin} {_pct(c.usdt_kimp)}{mark(c)}" for c in h.top)
        )
        lines.append(
            m("kimpcmd.bottom")
            + ", ".join(f"{c.coin} {_pct(c.usdt_kimp)}{mark(c)}" for c in h.bottom)
        )
    lines.append(m("kimpcmd.footer", live=h.live, universe=h.universe, basis=m.render(h.basis)))
    # The ⏸ legend only when a figure shown carries it, with why (not on every answer).
    why = next((c.suspended for c in (*h.coins, *h.top, *h.bottom) if c.suspended), None)
    if why is not None:
        lines.append(m("kimpcmd.d_suspended", why=m.render(why)))
    if w:
        lines.append(m("kimpcmd.wallet_footer"))
    for coin, flag in h.flags.items():
        lines.append(m("kimpcmd.flag", coin=coin, flags=m.render(flag)))
    return "\n".join(lines)


def render_detail(
    c: CoinPremium,
    exe: Executable | None,
    zone: str | Text | None,
    size: float,
    wallet: str | None = None,
    language: str = "en",
    flag: Text | None = None,
) -> str:
    m = Messages(language)
    a = c.ages
    age = partial(duration, language)
    lines = [
        m("kimpcmd.d_upbit", price=m.price(c.upbit_krw, "KRW"), age=age(a.upbit)),
        m("kimpcmd.d_binance", price=numbers.price(c.binance_usdt), age=age(a.binance)),
        m("kimpcmd.d_usdt", price=m.price(c.usdt_krw, "KRW"), age=age(a.usdt)),
        m("kimpcmd.d_fx", rate=_rate(c.usd_krw), age=age(a.fx)),
        m("kimpcmd.d_kimps", usdt=_pct(c.usdt_kimp), fx=_pct(c.fx_kimp), tether=_pct(c.tether)),
    ]
    if exe is None:
        lines.append(m("kimpcmd.d_no_exec"))
    else:
        lines.append(m("kimpcmd.d_exec", size=m.money(size, "KRW")))
        lines.append(
            m("kimpcmd.d_forward", value=_exe(exe.forward_pct, m.render(exe.forward_why or "")))
        )
        lines.append(
            m("kimpcmd.d_reverse", value=_exe(exe.reverse_pct, m.render(exe.reverse_why or "")))
        )
        if exe.forward_why or exe.reverse_why:
            fwd, rev = m.money(exe.forward_fits_krw, "KRW"), m.money(exe.reverse_fits_krw, "KRW")
            lines.append(m("kimpcmd.d_fits", fwd=fwd, rev=rev))
    if wallet:
        lines.append(wallet)
    if flag is not None:
        lines.append(m("kimpcmd.flag", coin=c.coin, flags=m.render(flag)))
    if c.implausible:
        lines.append(m("kimpcmd.d_implausible"))
    if c.suspended:
        lines.append(m("kimpcmd.d_suspended", why=m.render(c.suspended)))
    if zone:
        lines.append(m("kimpcmd.d_zone", zone=m.render(zone)))
    return "\n".join(lines)


def _coin_arg(raw: str, language: str = "en") -> str:
    coin = raw.strip().upper().removeprefix("KRW-").removesuffix("/KRW")
    if coin.endswith("USDT") and len(coin) > 4:
        coin = coin.removesuffix("USDT")
    if not coin.isalnum() or len(coin) > 15:
        raise CommandError(tr(language, "kimpcmd.bad_coin", raw=raw))
    return coin


def _one_coin(ctx: CommandContext) -> str:
    language = ctx.service.settings.language
    if len(ctx.args) > 1:
        raise CommandError(tr(language, "kimpcmd.one_coin", command=ctx.command))
    return _coin_arg(ctx.args[0], language)


# Percentages and seconds: a million is already absurd; beyond it a value overflows the store.
MAX_THRESHOLD = 1_000_000

_NAMES = {
    "high": ("high_pct", "%"),
    "low": ("low_pct", "%"),
    "margin": ("rearm_margin_pct", "pp"),
    "duration": ("min_duration", "s"),
    "cooldown": ("cooldown", "s"),
    "step": ("escalation_step_pct", "pp"),
    "jump": ("jump_pct", "pp"),
    "window": ("jump_window", "s"),
    "implausible": ("implausible_pct", "%"),
    "digest": ("digest_min", "coins"),
    "tetherhigh": ("tether_high_pct", "%"),
    "tetherlow": ("tether_low_pct", "%"),
    "spreadhigh": ("spread_high_pct", "%"),
    "spreadlow": ("spread_low_pct", "%"),
}


def render_thresholds(svc: KimpView, language: str = "en") -> str:
    m = Messages(language)
    cfg = asdict(svc.config)
    lines = [
        f"{name:<12} {numbers.grouped(cfg[field])}{m(f'kimpcmd.unit.{unit}')}"
        for name, (field, unit) in _NAMES.items()
    ]
    lines.append(m("kimpcmd.basis_line", basis=m.render(svc.basis)))
    lines.append(m("kimpcmd.tether_watch"))
    return "\n".join(lines)


def register_kimp(registry: CommandRegistry) -> None:
    @registry.command(
        "kimp",
        "Kimchi premium: headline, top/bottom coins, or one coin's detail",
        "/kimp [coin|net] | /kimp <upbit|bithumb> [coin] | /kimp spread [coin] | "
        "/kimp net <upbit|bithumb>",
        "Without a coin: BTC/ETH/XRP, the tether premium, the FX rate and its age, and the top "
        "and bottom coins. With a coin: every leg with its age, the three premiums, the "
        "executable premium after fees and the alert state."
        " With net: coins ranked by the premium left after the transfer (route, withdrawal "
        "fee, order-book depth) on KIMP_KRW_VENUE, or on the venue named (net bithumb); a "
        "coin's detail (/kimp <coin>, /kimp bithumb <coin>) shows each direction's route."
        " With upbit or bithumb (and a coin): that KRW venue's table or the coin there "
        "(without: KIMP_KRW_VENUE's). With "
        "spread: the Upbit–Bithumb spread per coin, the dearer venue and the net after both "
        "taker fees; spread <coin>: both books and each direction.",
    )
    async def kimp(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        m = Messages(ctx.service.settings.language)
        venue = await venue_reply(ctx, svc, m, render_headline)  # /kimp bithumb, /kimp spread
        if venue is not None:
            return venue
        if not ctx.args:
            body = render_headline(svc.headline(), m.language)
            return Reply.table(m("kimpcmd.title"), body, refresh="/kimp")
        coin = _one_coin(ctx)
        if not svc.is_known(coin) or coin == "USDT":
            if coin == "USDT":
                lines = _tether_line(svc.monitor.tether_view(), m.language)
                return Reply.table(m("kimpcmd.tether_title"), "\n".join(lines))
            raise CommandError(m("kimpcmd.not_listed", coin=coin))
        snap, exe, zone = svc.detail(coin)
        if snap is None:
            return Reply(m("kimpcmd.no_price", coin=coin))
        note = svc.wallet_note(coin, svc.basis_value(snap))
        wallet = wallet_note(note, m.language) if note else None
        size = svc.kimp_config.exec_size_krw
        body = render_detail(snap, exe, zone, size, wallet, m.language, svc.flag(coin))
        transfer = render_transfer(await svc.transfer_view(coin), m.language)
        tz = svc.kimp_config.tz
        extra = funding_lines(svc.funding(coin), tz, m)
        extra += rule_lines(svc, coin, tz, m)
        body = "\n".join([body, *transfer, *extra])
        return Reply.table(m("kimpcmd.coin_title", coin=coin), body, refresh=f"/kimp {coin}")

    @registry.command("kimpchart", "24 h premium chart of a coin (or USDT)", "/kimpchart <coin>")
    async def kimpchart(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        if not ctx.args:
            raise CommandError(tr(ctx.service.settings.language, "kimpcmd.which_coin"))
        coin = _one_coin(ctx)
        if not svc.is_known(coin):
            raise CommandError(tr(ctx.service.settings.language, "kimpcmd.not_tracked", coin=coin))
        m = Messages(ctx.service.settings.language)
        words = premium_words(m.language, coin, svc.kimp_config.tz, time.time())
        png = await svc.chart(coin, words=words)
        if png is None:  # pressed under an alert: a new message, the alert stays as it was
            return Reply(m("kimpcmd.no_history", coin=coin), in_place=False)
        caption = m("kimpcmd.chart_caption", coin=coin)
        return Reply(
            m("kimpcmd.chart_text", coin=coin),
            photo=png,
            photo_caption=caption,
            photo_kind=f"kimpchart-{coin}",
            in_place=False,
        )

    @registry.command(
        "kimpalert",
        "Show or change the kimp alert thresholds",
        "/kimpalert [name value | reset] | /kimpalert <coin> [high|low value | reset]",
        "Names: " + ", ".join(_NAMES) + ". Example: /kimpalert high 4 sets the premium alert to "
        "+4 %. Changes are kept across restarts; /kimpalert reset goes back to the settings. "
        "Per coin: /kimpalert XRP high 5 gives XRP its own high threshold, /kimpalert XRP reset "
        "goes back to the global ones.",
    )
    async def kimpalert(ctx: CommandContext) -> Reply:
        svc = _svc(ctx)
        t = Messages(ctx.service.settings.language)
        if not ctx.args:
            return Reply.table(t("kimpcmd.thresholds"), render_thresholds(svc, t.language))
        first = ctx.args[0].lower()
        # Per coin: "<coin> high|low <pct>", "<coin> reset" or "<coin>"; a coin may share a
        # threshold's name (STEP), so the word after it decides, never the first alone.
        second = ctx.args[1].lower() if len(ctx.args) > 1 else ""
        per_coin = (
            (len(ctx.args) == 3 and (first not in _NAMES or second in ("high", "low")))
            or (len(ctx.args) == 2 and second == "reset")
            or (len(ctx.args) == 1 and first not in _NAMES and first != "reset")
        )
        if per_coin:
            return await coin_alert(ctx, svc, t)
        if ctx.args[0].lower() == "reset":
            if len(ctx.args) > 1:
                raise CommandError(t("kimpcmd.reset_args"))
            await svc.reset_thresholds()
            return Reply.table(t("kimpcmd.reset_done"), render_thresholds(svc, t.language))
        if len(ctx.args) != 2:
            raise CommandError(t("kimpcmd.name_value"))
        name, raw = ctx.args[0].lower(), ctx.args[1].rstrip("%")
        if name not in _NAMES:
            raise CommandError(t("kimpcmd.unknown_name", name=name, names=", ".join(_NAMES)))
        try:
            value = float(raw)
        except ValueError:
            raise CommandError(t("kimpcmd.not_number", raw=ctx.args[1])) from None
        if not math.isfinite(value):
            raise CommandError(t("kimpcmd.not_finite"))
        if abs(value) > MAX_THRESHOLD:
            raise CommandError(
                t("arg.bad_value", raw=ctx.args[1], limit=numbers.grouped(MAX_THRESHOLD))
            )
        field = _NAMES[name][0]
        if field == "digest_min":
            if value < 1 or value != int(value):
                raise CommandError(t("kimpcmd.digest"))
            value = int(value)
        try:
            await svc.set_thresholds(**{field: value})
        except ValueError as exc:
            raise CommandError(t("kimpcmd.not_changed", error=exc)) from None
        title = t("kimpcmd.set_done", name=name, value=numbers.grouped(value))
        return Reply.table(title, render_thresholds(svc, t.language))
