"""Kimp alert events to message texts: one message per market-wide or lone alert, a digest for
many, grouped suspensions; and the wallet gate's mark, worded. The alerts engines hand over
typed events and `Text`s; all their wording happens here, in the configured language."""

from __future__ import annotations

import hashlib

from alerts.config import SPREAD_PREFIX, AlertConfig
from alerts.events import AlertEvent, EventKind, Zone
from alerts.krw_venues import coin_of
from alerts.wallet import WalletNote
from alerts.wording import AlertMessage
from bot.i18n import Messages
from core import numbers
from core.notifications import Action, Actions
from core.symbols import Venue
from core.text import Text

_NAMES = {
    Venue.UPBIT: "name.upbit",
    Venue.BINANCE_SPOT: "name.binance",
    Venue.BITHUMB: "name.bithumb",
}
MAX_BUTTON_ROWS = 8  # a digest of many coins: buttons for the first (highest) ones only


def coin_buttons(events: list[AlertEvent] | tuple[AlertEvent, ...], t: Messages) -> Actions:
    """ "Mute 1 h", "mute today" and "show chart" for each coin a message is about (one row per
    coin, the coin named when there are several); none for the tether premium."""
    coins = list(dict.fromkeys(c for e in events if (c := coin_of(e.key)) is not None))
    named = len(coins) > 1
    rows = []
    for coin in coins[:MAX_BUTTON_ROWS]:
        pre = f"{coin} " if named else ""
        rows.append(
            (
                Action(pre + t("kimp.btn.mute_hour"), f"/kimpmute {coin} 1h"),
                Action(pre + t("kimp.btn.mute_today"), f"/kimpmute {coin} today"),
                Action(pre + t("kimp.btn.chart"), f"/kimpchart {coin}"),
            )
        )
    return tuple(rows)


CALLBACK_LIMIT = 64  # bytes of a Telegram button's callback_data: the command line it runs


def group_buttons(events: list[AlertEvent], t: Messages) -> Actions:
    """ "Mute N coins 1 h" / "... today" under a grouped notice (suspensions, resumptions)."""
    coins = sorted({e.key.removeprefix("coin:") for e in events if e.key.startswith("coin:")})
    return coins_buttons(coins, t)


def coins_buttons(coins: list[str], t: Messages) -> Actions:
    """ "Mute N coins 1 h" / "... today" for several coins (none for fewer than two).

    The coins ride in the command line ("/kimpmute ADA,DOT,XRP 1h"), which must fit Telegram's
    64-byte callback data: a long group gets one row per part that fits, named by its ends."""
    parts: list[list[str]] = []
    for coin in coins:
        line = f"/kimpmute {','.join([*parts[-1], coin])} today" if parts else ""
        if parts and len(line.encode()) <= CALLBACK_LIMIT:
            parts[-1].append(coin)
        else:
            parts.append([coin])
    rows = []
    for part in parts[:MAX_BUTTON_ROWS]:
        arg = ",".join(part)
        if len(parts) == 1:
            hour, today = (
                t("kimp.btn.group_hour", n=len(part)),
                t("kimp.btn.group_today", n=len(part)),
            )
        else:
            ends = part[0] if len(part) == 1 else f"{part[0]}…{part[-1]}"
            hour = t("kimp.btn.part_hour", coins=ends, n=len(part))
            today = t("kimp.btn.part_today", coins=ends, n=len(part))
        rows.append((Action(hour, f"/kimpmute {arg} 1h"), Action(today, f"/kimpmute {arg} today")))
    return tuple(rows) if len(coins) > 1 else ()


def notice_buttons(coins: list[str], language: str) -> Actions:
    """Under a notice of the venue's warnings (`alerts.notices`): one coin gets its own "mute
    1 h" / "mute today" / "chart" row, several the grouped mute buttons."""
    t = Messages(language)
    if len(coins) != 1:
        return coins_buttons(sorted(coins), t)
    (coin,) = coins
    return (
        (
            Action(t("kimp.btn.mute_hour"), f"/kimpmute {coin} 1h"),
            Action(t("kimp.btn.mute_today"), f"/kimpmute {coin} today"),
            Action(t("kimp.btn.chart"), f"/kimpchart {coin}"),
        ),
    )


def _message(text: str, events: list[AlertEvent], dedup_key: str, t: Messages) -> AlertMessage:
    return AlertMessage(text, tuple(events), dedup_key, coin_buttons(events, t))


def wallet_note(note: WalletNote, language: str = "en") -> str:
    """e.g. "⛔ withdrawals suspended on Upbit: cannot be arbitraged"."""
    t = Messages(language)
    text = "⛔ " + "; ".join(t(f"wallet.{what}", venue=t(_NAMES[v])) for v, what in note.problems)
    if note.blocked:
        return t("wallet.blocked", text=text)
    return t("wallet.open_route", text=text, route=" → ".join(t(_NAMES[v]) for v in note.route))


def render(e: AlertEvent, language: str = "en") -> str:
    """One line for one event; premium alerts carry the key's note (the wallet gate's mark)."""
    line = _render(e, Messages(language))
    if e.note and e.kind in (EventKind.ENTER, EventKind.ESCALATE, EventKind.JUMP):
        line += f" · {wallet_note(e.note, language)}"
    return line


def _render(e: AlertEvent, t: Messages) -> str:
    v = f"{numbers.percent(e.value)}%" if e.value is not None else t("kimp.na")
    basis = t.render(e.basis)
    vb = f"{v} ({basis})" if basis and e.value is not None else v
    common = {"prefix": t("kimp.market") if e.market_wide else "", "label": t.render(e.label)}
    detail = t.render(e.detail)
    high = e.zone is Zone.HIGH
    # A spread between two KRW venues is no "premium": its own wording (kimp.spread.*).
    k = "kimp.spread." if e.key.startswith(SPREAD_PREFIX) else "kimp."
    if e.kind is EventKind.ENTER:
        key = k + ("enter_high" if high else "enter_low")
        return t(key, value=vb, threshold=f"{e.threshold:+g}", **common)
    if e.kind is EventKind.ESCALATE:
        key = k + ("escalate_high" if high else "escalate_low")
        return t(key, value=vb, threshold=f"{e.threshold:+g}", level=e.level, **common)
    if e.kind is EventKind.NORMAL:
        return t(k + "normal", value=vb, **common)
    if e.kind is EventKind.JUMP:
        return t(k + "jump", detail=detail, value=vb, **common)
    if e.kind is EventKind.SUSPENDED:
        return t("kimp.suspended", detail=detail, **common)
    if e.kind is EventKind.RESUMED:
        return t("kimp.resumed", value=v, **common)
    return t("kimp.implausible", value=v, detail=detail, **common)


def _digest_key(events: list[AlertEvent]) -> str:
    joined = "|".join(sorted(e.dedup_key for e in events))
    return "kimp:digest:" + hashlib.sha1(joined.encode()).hexdigest()[:16]


def compose(
    events: list[AlertEvent],
    now: float,
    digest_until: float,
    config: AlertConfig,
    language: str = "en",
) -> tuple[list[AlertMessage], float]:
    """Group one round of events into messages; returns (messages, new digest_until).

    Market-wide events always stand alone. Coin alerts become one digest when there are at least
    `digest_min` of them, or while a recent digest's window is open. Suspensions and resumptions
    of several coins are grouped into one message each. Implausible flags are not messages.
    """
    t = Messages(language)
    out: list[AlertMessage] = []
    coin: list[AlertEvent] = []
    status: dict[EventKind, list[AlertEvent]] = {EventKind.SUSPENDED: [], EventKind.RESUMED: []}
    for e in events:
        if e.kind is EventKind.IMPLAUSIBLE:
            continue
        if e.kind in status:
            status[e.kind].append(e)
        elif e.market_wide:
            out.append(_message(render(e, language), [e], e.dedup_key, t))
        else:
            coin.append(e)
    if coin:
        if len(coin) >= config.digest_min or now < digest_until:
            coin.sort(key=lambda e: -(e.value or 0.0))
            lines = [render(e, language) for e in coin]
            title = t("kimp.digest_many" if len(coin) > 1 else "kimp.digest_one", n=len(coin))
            out.append(_message("\n".join([title, *lines]), coin, _digest_key(coin), t))
            digest_until = now + config.digest_window
        else:
            out.extend(_message(render(e, language), [e], e.dedup_key, t) for e in coin)
    for kind, group in status.items():
        if len(group) == 1:
            out.append(_message(render(group[0], language), [group[0]], group[0].dedup_key, t))
        elif group:
            if kind is EventKind.SUSPENDED:
                # Grouped by the reason as worded: equal reasons read the same.
                by_reason: dict[str, list[str]] = {}
                for e in group:
                    by_reason.setdefault(t.render(e.detail), []).append(t.render(e.label))
                title = t("kimp.suspended_many", n=len(group))
                lines = [f"  {why}: {', '.join(labels)}" for why, labels in by_reason.items()]
            else:
                title = t("kimp.resumed_many", n=len(group))
                lines = ["  " + ", ".join(t.render(e.label) for e in group)]
            text = "\n".join([title, *lines])
            buttons = group_buttons(group, t)
            out.append(AlertMessage(text, tuple(group), _digest_key(group), buttons))
    return out, digest_until


class KimpAlertWording:
    """`alerts.wording.AlertWording` in one language, for `KimpService`."""

    __slots__ = ("language",)

    def __init__(self, language: str) -> None:
        self.language = language

    def compose(
        self, events: list[AlertEvent], now: float, digest_until: float, config: AlertConfig
    ) -> tuple[list[AlertMessage], float]:
        return compose(events, now, digest_until, config, self.language)

    def text(self, text: str | Text) -> str:
        return Messages(self.language).render(text)
