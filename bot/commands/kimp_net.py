"""The transfer-aware executable premium, worded: the route lines of `/kimp <coin>` and the
`/kimp net` ranking. Pure renderers over `alerts.executable.TransferView`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import Messages
from core import numbers
from core.symbols import Venue
from core.text import Text

if TYPE_CHECKING:
    from alerts.executable import NetLeg, TransferView


def _pct(v: float | None) -> str:
    return numbers.NOT_A_NUMBER if v is None else f"{numbers.percent(v)}%"


def _direction(m: Messages, leg: NetLeg, krw: Venue) -> str:
    """ "Binance → Upbit" / "Bithumb → Binance": the direction named by its KRW venue."""
    if krw is Venue.UPBIT:
        return m(f"exec.{leg.direction.value}")
    return m(f"exec.{leg.direction.value}_venue", venue=m(f"name.{krw.value}"))


def _leg(m: Messages, coin: str, leg: NetLeg, krw: Venue = Venue.UPBIT) -> str:
    route = ""
    if leg.route is not None:
        r = leg.route
        if r.fee is None:
            route = m("exec.route_no_fee", network=r.network)
        else:
            minimum = m("exec.unknown") if r.minimum is None else numbers.plain(r.minimum)
            fee = f"{numbers.plain(r.fee)} {coin}"
            route = m("exec.route", network=r.network, fee=fee, minimum=minimum)
    if leg.cash_route is not None:  # the USDT leg, moving the other way
        c = leg.cash_route
        fee = m("exec.unknown") if c.fee is None else f"{numbers.plain(c.fee)} USDT"
        route += m("exec.cash_route", network=c.network, fee=fee)
    value = _pct(leg.pct)
    if leg.why is not None:
        value += f" ({m.render(leg.why)})"
    if leg.note is not None:
        value += f" · {m.render(leg.note)}"
    return m("exec.leg", direction=_direction(m, leg, krw), route=route, value=value)


def render_transfer(view: TransferView | Text | None, language: str = "en") -> list[str]:
    """The lines `/kimp <coin>` adds: each direction's route, fee and net premium."""
    m = Messages(language)
    if view is None:
        return []
    if isinstance(view, Text):
        return [m("exec.unavailable", why=m.render(view))]
    lines = [m("exec.title", size=m.money(view.size_krw, "KRW"))]
    lines += [_leg(m, view.coin, leg, view.krw) for leg in (view.forward, view.reverse)]
    return lines


def render_net(
    views: list[TransferView] | Text,
    size: float,
    language: str = "en",
    krw: Venue = Venue.UPBIT,
) -> str:
    """`/kimp net [venue]`: coins by their better direction's net premium between Binance and
    the KRW venue `krw`; `*` marks a figure that lacks a transfer cost."""
    m = Messages(language)
    if isinstance(views, Text):
        return m("exec.unavailable", why=m.render(views))
    upbit = krw is Venue.UPBIT
    lines = [m("kimpcmd.net_columns" if upbit else f"kimpcmd.net_columns_{krw.value}")]
    starred = False
    for v in views:
        cells = []
        for leg in (v.forward, v.reverse):
            star = "*" if leg.note is not None and leg.pct is not None else ""
            starred = starred or bool(star)
            cells.append(f"{_pct(leg.pct) + star:>10}")
        lines.append(f"{v.coin:<6} {cells[0]} {cells[1]}")
    if not views:
        lines.append(m("kimpcmd.net_empty"))
    money = m.money(size, "KRW")
    if upbit:
        lines.append(m("kimpcmd.net_footer", size=money))
    else:
        name = m(f"name.{krw.value}")
        lines.append(m("kimpcmd.net_footer_venue", size=money, venue=name, cmd=krw.value))
    if starred:
        note = m("kimpcmd.net_note") if upbit else m("kimpcmd.net_note_venue", cmd=krw.value)
        lines.append(note)
    return "\n".join(lines)
