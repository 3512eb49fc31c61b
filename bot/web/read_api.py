"""Read endpoints: the same providers, and so the same figures, as the Telegram commands."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response

from bot.logging_setup import tail_log
from bot.web.context import WebContext
from bot.web.kimp_rows import kimp_rows
from bot.web.shape import shape
from core.notifications import NotificationKind
from core.symbols import Venue

Lang = Annotated[Literal["en", "ko"] | None, Query(description="reply language")]


def ctx_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.web
    return ctx


def router() -> APIRouter:
    r = APIRouter(prefix="/api")

    @r.get("/status")
    async def status(request: Request, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        svc, m = ctx.facade, ctx.words(lang)
        now = time.time()
        streams = [
            {
                "venue": st.venue.value,
                "connection": st.connection,
                "state": st.state.value,
                "reason": m.render(st.reason),
                "age": round(now - st.ts, 1),
            }
            for st in svc.stream_status.values()
        ]
        components = [
            {"name": c.name, "state": c.state.value, "restarts": c.restarts}
            for c in svc.supervisor.components()
        ]
        lines: dict[str, list[str]] = {}
        for name, provider in (
            ("streams", svc.market_data),
            ("bots", svc.bots),
            ("positions", svc.trading),
            ("kimp", svc.kimp),
        ):
            if provider is not None:
                lines[name] = [m.render(s) for s in await provider.status_lines()]
        return {
            "version": svc.version,
            "mode": "live" if svc.settings.core.live else "paper",
            "uptime": round(now - svc.started_at, 1),
            "streams": streams,
            "components": components,
            "lines": lines,
        }

    @r.get("/balances")
    async def balances(request: Request, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        m, trading = ctx.words(lang), ctx.trading()
        rows = await trading.balances()
        ages = trading.balances_age()
        return {
            venue.value: {
                "assets": [
                    {"asset": a, "free": shape(f, m), "locked": shape(lk, m), "krw": shape(k, m)}
                    for a, f, lk, k in assets
                ],
                "age": shape(ages.get(venue), m),
            }
            for venue, assets in rows.items()
        }

    @r.get("/positions")
    async def positions(request: Request, lang: Lang = None) -> list[Any]:
        ctx = ctx_of(request)
        m, rows = ctx.words(lang), await ctx.trading().position_rows()
        out = []
        for p in rows:
            item = shape(p, m)
            pnl = None if p.mark is None else (p.mark - p.entry_price) * p.qty
            item["unrealized"] = shape(pnl, m)
            out.append(item)
        return out

    @r.get("/orders")
    async def orders(
        request: Request,
        open_only: bool = True,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        lang: Lang = None,
    ) -> list[Any]:
        ctx = ctx_of(request)
        rows = await ctx.trading().orders(open_only=open_only, limit=limit)
        return list(shape(rows, ctx.words(lang)))

    @r.get("/trades")
    async def trades(
        request: Request,
        days: Annotated[float | None, Query(gt=0, le=3650)] = None,
        last: Annotated[int | None, Query(ge=1, le=500)] = 50,
        lang: Lang = None,
    ) -> list[Any]:
        ctx = ctx_of(request)
        rows = await ctx.trading().trade_rows(days=days, last=last)
        return list(shape(rows, ctx.words(lang)))

    @r.get("/profit")
    async def profit(
        request: Request,
        unit: Literal["day", "week", "month"] = "day",
        n: Annotated[int, Query(ge=1, le=90)] = 7,
        lang: Lang = None,
    ) -> dict[str, Any]:
        ctx = ctx_of(request)
        m, trading = ctx.words(lang), ctx.trading()
        owners = {owner or "manual": v for owner, v in trading.owner_pnl().items()}
        return {"owners": shape(owners, m), "periods": shape(await trading.periods(unit, n), m)}

    @r.get("/bots")
    async def bots(request: Request, lang: Lang = None) -> list[Any]:
        ctx = ctx_of(request)
        return list(shape(await ctx.bots().views(), ctx.words(lang)))

    @r.get("/bots/{name}")
    async def bot(request: Request, name: str, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        manager, m = ctx.bots(), ctx.words(lang)
        views = [v for v in await manager.views() if v.name == name]
        if not views:
            raise HTTPException(404, f"no bot named {name!r}")
        decisions = await manager.store.decisions(name, limit=30)
        return {"bot": shape(views[0], m), "decisions": shape(decisions, m)}

    @r.get("/kimp")
    async def kimp(
        request: Request,
        sort: Literal["coin", "usdt_kimp", "fx_kimp", "age"] = "usdt_kimp",
        desc: bool = True,
        q: Annotated[str, Query(max_length=15, pattern=r"^[A-Za-z0-9]*$")] = "",
        lang: Lang = None,
        venue: Literal["upbit", "bithumb"] = "upbit",
    ) -> dict[str, Any]:
        ctx = ctx_of(request)
        svc, m = ctx.kimp(), ctx.words(lang)
        book = svc.krw.book(Venue(venue))  # the KRW venue priced against Binance (issue 18)
        if book is None:
            raise HTTPException(404, f"{venue} is not watched (BITHUMB_ENABLED)")
        rows = kimp_rows(book, m)
        if q:
            rows = [r for r in rows if q.upper() in r["coin"]]
        for row in rows:  # asked for, not pushed: the executable premium and Upbit's flags
            if book is not svc.monitor:  # Upbit's only (`upbit_krw` is the venue's KRW price)
                row["exe_forward"] = row["exe_reverse"] = row["warning"] = None
                continue
            _, exe, _ = svc.detail(row["coin"])
            row["exe_forward"] = None if exe is None else _pct(exe.forward_pct)
            row["exe_reverse"] = None if exe is None else _pct(exe.reverse_pct)
            flag = svc.flag(row["coin"])
            row["warning"] = None if flag is None else m.render(flag)
        present = [r for r in rows if r[sort] is not None]
        present.sort(key=lambda r: r[sort], reverse=desc)
        return {
            "venue": venue,
            "basis": m.render(svc.basis),
            "tether": shape(book.tether_view(), m),
            "coins": present + [r for r in rows if r[sort] is None],
        }

    @r.get("/kimp/{coin}")
    async def kimp_coin(request: Request, coin: str, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        svc, m = ctx.kimp(), ctx.words(lang)
        coin = _coin(coin)
        if not svc.is_known(coin):
            raise HTTPException(404, f"{coin} is not in the kimp universe")
        snap, exe, zone = svc.detail(coin)
        return {"coin": coin, "premium": shape(snap, m), "executable": shape(exe, m),
                "zone": shape(zone, m)}  # fmt: skip

    @r.get("/kimp/{coin}/chart.png", response_class=Response)
    async def kimp_chart(
        request: Request, coin: str, hours: Annotated[float, Query(gt=0, le=720)] = 24.0
    ) -> Response:
        svc = ctx_of(request).kimp()
        coin = _coin(coin)
        png = await svc.chart(coin, hours) if svc.is_known(coin) else None
        if png is None:
            raise HTTPException(404, f"no premium history for {coin}")
        return Response(png, media_type="image/png")

    @r.get("/kimp/{coin}/history")
    async def kimp_history(
        request: Request, coin: str, hours: Annotated[float, Query(gt=0, le=720)] = 24.0
    ) -> dict[str, Any]:
        """One coin's premium per minute, on the basis the alerts watch (KIMP_ALERT_BASIS)."""
        ctx = ctx_of(request)
        coin = _coin(coin)
        basis = ctx.facade.settings.kimp.kimp_alert_basis
        now = time.time()
        day = await ctx.sources.kimp.kimp_day(now - hours * 3600, now, coin, basis)
        series = [] if day is None else [[ts, round(v, 3)] for ts, v in day.series]
        return {"coin": coin, "basis": basis, "series": series}

    @r.get("/alerts")
    async def alerts(
        request: Request, hours: Annotated[float, Query(gt=0, le=168)] = 24.0, lang: Lang = None
    ) -> dict[str, Any]:
        """The thresholds, and the kimp alerts sent (as worded to the user) over `hours`."""
        ctx = ctx_of(request)
        svc, m = ctx.kimp(), ctx.words(lang)
        now = time.time()
        kinds = (NotificationKind.KIMP_ALERT,)
        recent = await ctx.sources.incidents.texts(kinds, now - hours * 3600, now + 1)
        return {
            "basis": m.render(svc.basis),
            "thresholds": shape(svc.config, m),
            "recent": recent[-50:][::-1],
        }

    @r.get("/settings")
    async def settings(request: Request) -> dict[str, str]:
        return ctx_of(request).facade.settings.redacted()

    @r.get("/logs")
    async def logs(request: Request, n: Annotated[int, Query(ge=1, le=200)] = 50) -> list[str]:
        return tail_log(ctx_of(request).facade.settings.logging.log_dir, n)

    return r


def _coin(raw: str) -> str:
    coin = raw.strip().upper()
    if not coin.isalnum() or len(coin) > 15:
        raise HTTPException(422, f"not a coin symbol: {raw[:20]!r} (letters and digits only)")
    return coin


def _pct(v: float | None) -> float | None:
    return None if v is None else round(v, 3)
