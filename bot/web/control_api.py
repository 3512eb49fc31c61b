"""Control endpoints: ask, then confirm; rate-limited; through the same bot manager as /start,
/stop, /pause and /resume."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request

from bot.web.read_api import Lang, ctx_of
from strategies.runner import BotError

Action = Literal["start", "stop", "pause", "resume"]


def router() -> APIRouter:
    r = APIRouter(prefix="/api")

    @r.post("/bots/{name}/{action}", status_code=202)
    async def ask(request: Request, name: str, action: Action, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        manager, m = ctx.bots(), ctx.words(lang)
        if name not in manager.definitions:
            raise HTTPException(404, f"no bot named {name!r}")
        held = [m.render(p) for p in manager.open_positions(name)] if action == "stop" else []
        return {
            "confirm": ctx.confirmations.ask(action, name),
            "action": action,
            "bot": name,
            "held": held,
            "expires_in": 60,
        }

    @r.post("/confirm/{key}")
    async def confirm(request: Request, key: str, lang: Lang = None) -> dict[str, Any]:
        ctx = ctx_of(request)
        manager, m = ctx.bots(), ctx.words(lang)
        if not ctx.control_limit.allow():
            raise HTTPException(429, "too many control requests: wait a minute")
        pending = ctx.confirmations.take(key)
        if pending is None:
            raise HTTPException(404, "unknown or expired confirmation: ask again")
        try:
            if pending.action == "start":
                text = await manager.start(pending.bot)
            elif pending.action == "stop":
                text = await manager.stop(pending.bot)
            else:
                text = await manager.set_paused(pending.bot, pending.action == "pause")
        except BotError as exc:
            raise HTTPException(409, m.render(exc.text)) from None
        return {"action": pending.action, "bot": pending.bot, "result": m.render(text)}

    return r
