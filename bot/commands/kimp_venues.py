"""/kimp <venue> and /kimp spread: the premium on either KRW venue (Upbit, Bithumb) and the
Upbit–Bithumb spread per coin. Thin: parse the arguments, ask the kimp provider
(bot.providers.KimpView), render with pure functions.

`/kimp` alone shows the KIMP_KRW_VENUE venue; `/kimp upbit` and `/kimp bithumb` choose one each
time (`/kimp bithumb <coin>`: one coin there, with each direction's route between Binance and
that venue); `/kimp net [upbit|bithumb]` ranks coins by the net premium after the transfer on
that venue (without: KIMP_KRW_VENUE's); `/kimp spread` lists the coins by spread with the dearer venue and the net after both
taker fees; `/kimp spread <coin>` shows both sides' books and each direction's net.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from bot.commands.base import CommandContext, CommandError, Reply
from bot.commands.kimp_net import render_net, render_transfer
from bot.i18n import Messages
from bot.i18n.when import duration
from bot.providers import KimpView
from core import numbers
from core.symbols import Venue

if TYPE_CHECKING:
    from alerts.krw_venues import SpreadView
    from alerts.monitor import CoinPremium, KrwQuote
    from alerts.premium import Executable
    from alerts.service import Headline
    from alerts.spread import SpreadRound

VENUE_WORDS = {"upbit": Venue.UPBIT, "bithumb": Venue.BITHUMB}
SPREAD_WORD = "spread"
NET_WORD = "net"
SPREAD_ROWS = 12  # the largest spreads either way; a phone shows about this many lines

HeadlineRenderer = Callable[["Headline", str], str]


def _pct(v: float | None) -> str:
    return numbers.NOT_A_NUMBER if v is None else f"{numbers.percent(v)}%"


def _name(m: Messages, venue: Venue) -> str:
    return m(f"name.{venue.value}")


def render_spreads(
    views: list[SpreadView],
    pair: tuple[Venue, Venue],
    size: float,
    levels: tuple[float, float],
    language: str = "en",
) -> str:
    """The coins with the largest spreads either way, each with the dearer venue and the net
    percent of buying where cheaper and selling where dearer (after both taker fees)."""
    m = Messages(language)
    a, b = _name(m, pair[0]), _name(m, pair[1])
    lines = []
    if not views:
        lines.append(m("kimpcmd.spread_none", a=a, b=b))
    else:
        lines.append(m("kimpcmd.spread_columns"))
        shown = sorted(views, key=lambda v: -abs(v.pct or 0.0))[:SPREAD_ROWS]
        for v in shown:
            dearer = _name(m, v.dearer) if v.dearer is not None else "-"
            net = _pct(v.exe.best.pct) if v.exe is not None else numbers.NOT_A_NUMBER
            mark = " ⏸" if v.suspended else ""
            lines.append(f"{v.coin:<7} {_pct(v.pct):<8} {dearer:<9} {net}{mark}")
        why = next((v.suspended for v in shown if v.suspended), None)
        if why is not None:
            lines.append(m("kimpcmd.d_suspended", why=m.render(why)))
    high, low = (f"{x:+g}" for x in levels)
    size_text = m.money(size, "KRW")
    lines.append(
        m("kimpcmd.spread_footer", n=len(views), a=a, b=b, size=size_text, high=high, low=low)
    )
    return "\n".join(lines)


def _side(q: KrwQuote, m: Messages) -> str:
    name, age = _name(m, q.venue), duration(m.language, q.age)
    price = m.price(q.price, "KRW")
    if q.bid <= 0 or q.ask <= 0:
        return m("kimpcmd.spread_side_nobook", venue=name, price=price, age=age)
    bid, ask = m.price(q.bid, "KRW"), m.price(q.ask, "KRW")
    return m("kimpcmd.spread_side", venue=name, price=price, bid=bid, ask=ask, age=age)


def _round(r: SpreadRound, v: SpreadView, m: Messages) -> str:
    buy, sell = (v.b, v.a) if r.buy_on == "b" else (v.a, v.b)
    value = _pct(r.pct)
    if r.pct is None and r.why is not None:
        value = f"{value} ({m.render(r.why)})"
    return m(
        "kimpcmd.spread_round", buy=_name(m, buy.venue), sell=_name(m, sell.venue), value=value
    )


def render_spread_coin(v: SpreadView, size: float, language: str = "en") -> str:
    """One coin: both sides with their top of book and age, the spread and which venue is
    dearer, and each direction's net at `size` after both taker fees."""
    m = Messages(language)
    lines = [_side(v.a, m), _side(v.b, m)]
    if v.dearer is None:
        lines.append(m("kimpcmd.spread_even", pct=_pct(v.pct)))
    else:
        lines.append(m("kimpcmd.spread_value", pct=_pct(v.pct), dearer=_name(m, v.dearer)))
    if v.exe is None:
        lines.append(m("kimpcmd.spread_no_exec"))
    else:
        lines.append(m("kimpcmd.spread_exec", size=m.money(size, "KRW")))
        lines += [_round(v.exe.sell_a, v, m), _round(v.exe.sell_b, v, m)]
    if v.suspended:
        lines.append(m("kimpcmd.d_suspended", why=m.render(v.suspended)))
    return "\n".join(lines)


def render_venue_coin(
    venue: Venue,
    c: CoinPremium,
    exe: Executable | None,
    spread: SpreadView | None,
    size: float,
    language: str = "en",
) -> str:
    """One coin on one KRW venue: every leg with its age, the three premiums, the executable
    premium after that venue's and Binance's taker fees, and the spread against the other KRW
    venue when both list the coin."""
    m = Messages(language)
    a, name = c.ages, _name(m, venue)
    age = partial(duration, language)
    rate = numbers.NOT_A_NUMBER if c.usd_krw is None else numbers.grouped(c.usd_krw, 2)
    lines = [
        m("kimpcmd.v_price", venue=name, price=m.price(c.upbit_krw, "KRW"), age=age(a.upbit)),
        m("kimpcmd.d_binance", price=numbers.price(c.binance_usdt), age=age(a.binance)),
        m("kimpcmd.d_usdt", price=m.price(c.usdt_krw, "KRW"), age=age(a.usdt)),
        m("kimpcmd.d_fx", rate=rate, age=age(a.fx)),
        m("kimpcmd.d_kimps", usdt=_pct(c.usdt_kimp), fx=_pct(c.fx_kimp), tether=_pct(c.tether)),
    ]
    if exe is None:
        lines.append(m("kimpcmd.d_no_exec"))
    else:
        lines.append(m("kimpcmd.d_exec", size=m.money(size, "KRW")))
        for key, pct, why in (
            ("kimpcmd.v_forward", exe.forward_pct, exe.forward_why),
            ("kimpcmd.v_reverse", exe.reverse_pct, exe.reverse_why),
        ):
            value = (
                _pct(pct) if pct is not None or why is None else f"{_pct(pct)} ({m.render(why)})"
            )
            lines.append(m(key, venue=name, value=value))
    if spread is not None and spread.dearer is not None:
        lines.append(
            m("kimpcmd.spread_value", pct=_pct(spread.pct), dearer=_name(m, spread.dearer))
        )
    if c.implausible:
        lines.append(m("kimpcmd.d_implausible"))
    if c.suspended:
        lines.append(m("kimpcmd.d_suspended", why=m.render(c.suspended)))
    return "\n".join(lines)


def _coin(raw: str, m: Messages) -> str:
    coin = raw.strip().upper().removeprefix("KRW-")
    if not coin.isalnum() or len(coin) > 15:
        raise CommandError(m("kimpcmd.bad_coin", raw=raw))
    return coin


async def _spread_reply(svc: KimpView, args: list[str], m: Messages) -> Reply:
    pair = svc.krw.pair
    if pair is None:
        raise CommandError(m("kimpcmd.venue_off", venue=_name(m, Venue.BITHUMB)))
    a, b = _name(m, pair[0]), _name(m, pair[1])
    size = svc.kimp_config.exec_size_krw
    if len(args) == 1:
        cfg = svc.config
        body = render_spreads(
            svc.spreads(), pair, size, (cfg.spread_high_pct, cfg.spread_low_pct), m.language
        )
        return Reply.table(m("kimpcmd.spread_title", a=a, b=b), body, refresh="/kimp spread")
    if len(args) != 2:
        raise CommandError(m("kimpcmd.spread_args", cmd="/kimp spread"))
    coin = _coin(args[1], m)
    view = await svc.spread_walked(coin)  # both venues' real books, not only the top
    if view is None:
        raise CommandError(m("kimpcmd.spread_no_coin", coin=coin, a=a, b=b))
    title = m("kimpcmd.spread_coin_title", coin=coin, a=a, b=b)
    body = render_spread_coin(view, size, m.language)
    return Reply.table(title, body, refresh=f"/kimp spread {coin}")


async def _coin_reply(svc: KimpView, venue: Venue, raw: str, m: Messages) -> Reply:
    coin = _coin(raw, m)
    size = svc.kimp_config.exec_size_krw
    snap, exe = svc.krw.detail(venue, coin, size)
    name = _name(m, venue)
    if snap is None:
        raise CommandError(m("kimpcmd.v_no_price", coin=coin, venue=name))
    body = render_venue_coin(venue, snap, exe, svc.spread(coin), size, m.language)
    # Each direction's route between Binance and this venue, as `/kimp <coin>` shows Upbit's.
    transfer = render_transfer(await svc.transfer_view(coin, venue), m.language)
    body = "\n".join([body, *transfer])
    title = m("kimpcmd.venue_coin_title", coin=coin, venue=name)
    return Reply.table(title, body, refresh=f"/kimp {venue.value} {coin}")


async def _net_reply(svc: KimpView, args: list[str], m: Messages) -> Reply:
    """`/kimp net [upbit|bithumb]`: coins by net premium after the transfer on that KRW venue
    (without one: KIMP_KRW_VENUE's, as `/kimp` alone)."""
    if len(args) > 2 or (len(args) == 2 and args[1].lower() not in VENUE_WORDS):
        raise CommandError(m("kimpcmd.net_args", venues="|".join(VENUE_WORDS)))
    venue = VENUE_WORDS[args[1].lower()] if len(args) == 2 else svc.kimp_config.default_krw
    if svc.krw.book(venue) is None:
        raise CommandError(m("kimpcmd.venue_off", venue=_name(m, venue)))
    ranked = await svc.net_ranking(venue=venue)
    if ranked is None:
        raise CommandError(m("kimpcmd.not_running"))
    body = render_net(ranked, svc.kimp_config.exec_size_krw, m.language, venue)
    refresh = "/kimp net" if len(args) == 1 else f"/kimp net {venue.value}"
    title = (
        m("kimpcmd.net_title")
        if venue is Venue.UPBIT
        else m("kimpcmd.net_title_venue", venue=_name(m, venue))
    )
    return Reply.table(title, body, refresh=refresh)


def _headline_reply(
    svc: KimpView, venue: Venue, m: Messages, render_headline: HeadlineRenderer
) -> Reply:
    body = render_headline(svc.headline(venue=venue), m.language)
    title = m("kimpcmd.venue_title", venue=_name(m, venue))
    return Reply.table(title, body, refresh=f"/kimp {venue.value}")


async def venue_reply(
    ctx: CommandContext, svc: KimpView, m: Messages, render_headline: HeadlineRenderer
) -> Reply | None:
    """The answer when /kimp names a KRW venue or the spread, or when it has no argument and
    KIMP_KRW_VENUE is not the primary venue; None: the plain /kimp path answers."""
    args = list(ctx.args)
    if not args:
        default = svc.kimp_config.default_krw
        if default is svc.krw.primary.krw_venue:
            return None
        if svc.krw.book(default) is None:
            raise CommandError(m("kimpcmd.venue_off", venue=_name(m, default)))
        return _headline_reply(svc, default, m, render_headline)
    first = args[0].lower()
    if first == SPREAD_WORD:
        return await _spread_reply(svc, args, m)
    if first == NET_WORD:
        return await _net_reply(svc, args, m)
    venue = VENUE_WORDS.get(first)
    if venue is None:
        return None
    if svc.krw.book(venue) is None:
        raise CommandError(m("kimpcmd.venue_off", venue=_name(m, venue)))
    if len(args) > 2:
        raise CommandError(m("kimpcmd.venue_args", venue=first))
    if len(args) == 2:
        return await _coin_reply(svc, venue, args[1], m)
    return _headline_reply(svc, venue, m, render_headline)
