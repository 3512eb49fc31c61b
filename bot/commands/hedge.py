"""/hedge: two-leg hedges (Upbit spot against Binance USDⓈ-M).

`/hedge` lists open and recent hedges, `/hedge <id>` shows one with its PnL split; `/hedge open
<coin> <KRW> [reverse] [lev=N]` and `/hedge close <id> [qty|pct%]` move money, so they ask to confirm first (and a
late one asks again). Handlers parse, ask `facade.hedges` (bot.providers.HedgeDeskView) and
render; the hedge lines of /positions, /profit and the daily report are rendered here too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from bot.commands.base import CommandContext, CommandError, Reply, sane_decimal
from bot.commands.registry import CommandRegistry
from bot.i18n import Messages
from bot.providers import HedgeDeskView
from core import numbers
from core.hedge import HedgeOutcome, HedgeResult

if TYPE_CHECKING:
    from trading.hedge.provider import HedgeView

_OPEN_WORDS = ("open", "열기")
_CLOSE_WORDS = ("close", "청산")
_LEV_WORDS = ("lev", "leverage", "레버리지")


def _desk(ctx: CommandContext) -> HedgeDeskView:
    desk = ctx.service.hedges
    if desk is None:
        raise CommandError(Messages(ctx.service.settings.language)("hedge.not_running"))
    return desk


def _pct(value: Decimal | None) -> str:
    return "?" if value is None else f"{numbers.percent(value)}%"


def row(m: Messages, v: HedgeView) -> str:
    r = v.record
    return m(
        "hedge.row", id=r.hedge_id, coin=r.coin, direction=m(f"hedge.dir.{r.direction.value}"),
        state=m(f"hedge.state.{r.state.value}"), qty=numbers.quantity(abs(v.spot_qty) or
                                                                      abs(v.fut_qty)),
        pnl=m.money(v.pnl.total, "KRW"),
    )  # fmt: skip


def detail(m: Messages, v: HedgeView) -> str:
    r, p = v.record, v.pnl
    lines = [
        m("hedge.detail_head", id=r.hedge_id, coin=r.coin,
          bot=m("hedge.detail_bot", bot=r.bot) if r.bot else "",
          direction=m(f"hedge.dir.{r.direction.value}"), state=m(f"hedge.state.{r.state.value}")),
        m("hedge.detail_legs", spot=numbers.quantity(v.spot_qty), fut=numbers.quantity(v.fut_qty)),
        m("hedge.detail_premium", open=_pct(p.open_premium_pct), now=_pct(p.close_premium_pct)),
        m("hedge.detail_pnl", kind=m("hedge.realized" if p.realized else "hedge.unrealized"),
          total=m.money(p.total, "KRW")),
        m("hedge.detail_split", premium=m.money(p.premium, "KRW"),
          slippage=m.money(p.slippage, "KRW"), fees=m.money(p.fees, "KRW"),
          funding=m.money(p.funding, "KRW")),
        m("hedge.detail_orders", orders=", ".join(f"{o.client_id} ({o.phase.value})"
                                                  for o in v.orders) or "-"),
    ]  # fmt: skip
    if r.note:
        lines.append(
            m("hedge.detail_note", note=m(r.note) if r.note.startswith("hedge.") else r.note)
        )
    return "\n".join(lines)


def outcome(m: Messages, res: HedgeResult, opening: bool) -> str:
    reason = m.render(res.reason) if res.reason is not None else ""
    if "reduced" in res.details and res.outcome is HedgeOutcome.OPENED:
        left = numbers.grouped(res.spot.qty) if res.spot else "0"
        return m("hedge.reduced_done", id=res.hedge_id, qty=numbers.grouped(
            Decimal(res.details["reduced"])), left=left)  # fmt: skip
    if res.outcome is HedgeOutcome.OPENED and res.spot and res.futures:
        return m(
            "hedge.opened", id=res.hedge_id, spot=numbers.quantity(res.spot.qty),
            fut=numbers.quantity(res.futures.qty), spot_price=m.money(res.spot.avg_price, "KRW"),
            fut_price=m.money(res.futures.avg_price, "USDT"),
        )  # fmt: skip
    if res.outcome is HedgeOutcome.CLOSED:
        pnl = res.details.get("pnl_krw")
        return m("hedge.closed", id=res.hedge_id, pnl=m.money(Decimal(pnl), "KRW") if pnl else "?")
    if res.outcome is HedgeOutcome.UNWOUND:
        return m("hedge.outcome_unwound", id=res.hedge_id, reason=reason)
    if res.outcome is HedgeOutcome.EXPOSED:
        exposure = m.money(res.exposure_krw, "KRW")
        return m("hedge.outcome_exposed", id=res.hedge_id, reason=reason, exposure=exposure)
    if opening:
        return m("hedge.refused", reason=reason)
    return m("hedge.close_refused", id=res.hedge_id, reason=reason)


async def position_lines(ctx: CommandContext) -> list[str]:
    """The open hedges, for /positions (their legs are also among the venue positions)."""
    desk = ctx.service.hedges
    if desk is None:
        return []
    m = Messages(ctx.service.settings.language)
    views = await desk.hedges(active=True)
    if not views:
        return []
    out = [m("hedge.positions_title")]
    for v in views:
        out.append(
            m("hedge.positions_row", id=v.record.hedge_id, coin=v.record.coin,
              qty=numbers.quantity(v.spot_qty), premium=_pct(v.pnl.close_premium_pct),
              pnl=m.money(v.pnl.total, "KRW"))
        )  # fmt: skip
    return out


async def profit_line(ctx: CommandContext, days: int) -> str:
    """Hedges closed in the last `days` and the open ones, for /profit."""
    desk = ctx.service.hedges
    if desk is None:
        return ""
    since = desk.now() - days * 86400
    return await summary_line(Messages(ctx.service.settings.language), desk, since)


async def summary_line(m: Messages, desk: HedgeDeskView, since: float, key: str = "") -> str:
    views = await desk.hedges(limit=1000)
    if not views:
        return ""
    # refused hedges traded nothing: not counted
    done = [v for v in views if v.record.closed_ts is not None and v.record.closed_ts >= since]
    opened = [v for v in views if v.record.state.active]
    pnl = m.money(sum((v.pnl.total for v in done), Decimal(0)), "KRW")
    if key:
        return m(key, closed=len(done), pnl=pnl, open=len(opened))
    return m("hedge.profit_line", pnl=pnl, n=len(done), open=len(opened))


def _leverage_arg(
    m: Messages, desk: HedgeDeskView, args: list[str]
) -> tuple[int | None, list[str]]:
    """`lev=N` (or `leverage=N`, `레버리지=N`) anywhere in the arguments: the short's leverage
    for this hedge, 1..MAX_LEVERAGE, refused before anything is asked; the rest returned."""
    lev: int | None = None
    rest: list[str] = []
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq or key.lower() not in _LEV_WORDS:
            rest.append(arg)
            continue
        raw = value.lower().removesuffix("x").removesuffix("배")
        if not raw.isdigit() or len(raw) > 3:
            raise CommandError(m("hedge.bad_leverage", max=desk.max_leverage))
        lev = int(raw)
        if not 1 <= lev <= desk.max_leverage:
            raise CommandError(m("reason.leverage_range", lev=lev, max=desk.max_leverage))
    return lev, rest


def _close_qty(m: Messages, raw: str, held: Decimal) -> Decimal | None:
    """`/hedge close <id> <qty|pct%>`: the coins to take off both legs (None: all of them);
    the venues' lot grids and minimums are checked by the executor."""
    pct = raw.endswith("%")
    value = sane_decimal(raw.removesuffix("%").replace(",", ""))
    if value is None or value <= 0 or (pct and value > 100):
        raise CommandError(m("hedge.bad_close_qty"))
    qty = held * value / 100 if pct else value
    if qty > held:
        raise CommandError(m("hedge.close_qty_above", qty=numbers.grouped(qty),
                             held=numbers.grouped(held)))  # fmt: skip
    return None if qty == held else qty


class HedgeReport:
    """The daily report's hedge section (`facade.report_sections`)."""

    def __init__(self, desk: HedgeDeskView, language: str) -> None:
        self.desk = desk
        self.m = Messages(language)

    async def report_lines(self, since: float, until: float) -> list[str]:
        line = await summary_line(self.m, self.desk, since, "hedge.report_line")
        return [line] if line else []


def register_hedge(registry: CommandRegistry) -> None:
    registry.mark_money("hedge")

    @registry.command(
        "hedge",
        "Two-leg hedges (Upbit spot against Binance USDⓈ-M): list, detail, open, close",
        "/hedge [id] | /hedge open <coin> <KRW> [reverse] [lev=N] | /hedge close <id> [qty|pct%]",
        "/hedge lists hedges; /hedge <id> shows one with its PnL split. /hedge open <coin> "
        "<KRW> [reverse] [lev=N] opens one (lev: the short's leverage, default "
        "HEDGE_DEFAULT_LEVERAGE); /hedge close <id> [qty|pct%] closes both legs, or that part of "
        "them. Both ask to confirm.",
    )
    async def hedge(ctx: CommandContext) -> Reply:
        m = Messages(ctx.service.settings.language)
        desk = _desk(ctx)
        args = ctx.args
        if not args:
            views = await desk.hedges(limit=20)
            if not views:
                return Reply(m("hedge.none"))
            body = "\n".join(row(m, v) for v in views)
            return Reply.table(m("hedge.title"), body, refresh="/hedge")
        verb = args[0].lower()
        if verb in _OPEN_WORDS:
            return _ask_open(ctx, m, args[1:])
        if verb in _CLOSE_WORDS:
            if len(args) not in (2, 3):
                raise CommandError(m("hedge.usage"))
            return await _ask_close(ctx, m, desk, args[1], args[2] if len(args) == 3 else None)
        if len(args) != 1:
            raise CommandError(m("hedge.usage"))
        view = await desk.detail(args[0])
        if view is None:
            raise CommandError(m("hedge.unknown", id=args[0]))
        return Reply.table("", detail(m, view), refresh=f"/hedge {args[0]}")

    def _ask_open(ctx: CommandContext, m: Messages, args: list[str]) -> Reply:
        desk = _desk(ctx)
        lev, args = _leverage_arg(m, desk, args)
        reverse = bool(args) and args[-1].lower() in ("reverse", "rev", "역방향")
        if reverse:
            args = args[:-1]
        if len(args) != 2 or not args[0].isalnum():
            raise CommandError(m("hedge.usage"))
        coin = args[0].upper()
        raw = args[1].replace(",", "").upper().removesuffix("KRW").removesuffix("원")
        size = sane_decimal(raw)
        if size is None or size <= 0:
            raise CommandError(m("hedge.bad_amount"))
        way = "reverse" if reverse else "forward"
        question = m(
            "hedge.open_question", coin=coin, direction=m(f"hedge.dir.{way}"),
            size=m.money(size, "KRW"), lev=lev or desk.default_leverage,
        )  # fmt: skip

        async def act(c: CommandContext) -> Reply:
            res = await _desk(c).open(coin, size, reverse, leverage=lev)
            return Reply(outcome(m, res, opening=True))

        return registry.ask_confirmation(ctx, question, act)

    async def _ask_close(
        ctx: CommandContext, m: Messages, desk: HedgeDeskView, hedge_id: str, part: str | None
    ) -> Reply:
        view = await desk.detail(hedge_id)
        if view is None:
            raise CommandError(m("hedge.unknown", id=hedge_id))
        qty = _close_qty(m, part, abs(view.spot_qty)) if part is not None else None
        if qty is None:
            question = m("hedge.close_question", id=hedge_id, coin=view.record.coin)
        else:
            question = m("hedge.reduce_question", id=hedge_id, coin=view.record.coin,
                         qty=numbers.grouped(qty), held=numbers.grouped(abs(view.spot_qty)))  # fmt: skip

        async def act(c: CommandContext) -> Reply:
            return Reply(outcome(m, await _desk(c).close(hedge_id, qty), opening=False))

        return registry.ask_confirmation(ctx, question, act)
