"""The ASGI app: the token gate, security headers, error shapes, login, page and push routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.i18n import en, tr
from bot.web import control_api, read_api
from bot.web.auth import SESSION_COOKIE, SESSION_TTL
from bot.web.context import WebContext
from bot.web.push import PushHub

STATIC = Path(__file__).parent / "static"
# Reachable without the token: the login page itself and its script/style (no data in them).
OPEN = {"/", "/login", "/static/app.js", "/static/app.css", "/words/en", "/words/ko"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
}
Handler = Callable[[Request], Awaitable[Response]]


def create_app(ctx: WebContext, hub: PushHub) -> FastAPI:
    # No docs UI: Swagger/ReDoc load from a CDN, and the service must work offline.
    app = FastAPI(title="kimp-bot", version=ctx.facade.version, docs_url=None, redoc_url=None)
    app.state.web = ctx

    @app.middleware("http")
    async def gate(request: Request, call_next: Handler) -> Response:
        path = request.url.path
        if path not in OPEN and not ctx.gate.check(
            request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
        ):
            response: Response = JSONResponse(
                {"error": "unauthorized", "detail": "send Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        elif request.method == "POST" and not _same_origin(request):
            response = JSONResponse({"error": "forbidden", "detail": "cross-origin"}, 403)
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        ]
        return JSONResponse({"error": "bad request", "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        # Logged by uvicorn with the traceback; the caller gets no internals.
        return JSONResponse({"error": "internal error, see the service log"}, status_code=500)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in ("app.js", "app.css"):
            return JSONResponse({"error": "not found"}, status_code=404)
        return FileResponse(STATIC / name)

    @app.get("/words/{lang}", include_in_schema=False)
    async def words(lang: Literal["en", "ko"]) -> dict[str, str]:
        """The page's words from the catalog (bot/i18n), so the page has no wording of its own."""
        return {k: tr(lang, k) for k in en.TEXTS if k.startswith("web.")}

    @app.post("/login", include_in_schema=False)
    async def login(body: Login) -> Response:
        sid = ctx.gate.login(body.token)
        if sid is None:
            return JSONResponse({"error": "wrong token"}, status_code=401)
        response = JSONResponse({"ok": True})
        response.set_cookie(
            SESSION_COOKIE, sid, max_age=int(SESSION_TTL), httponly=True, samesite="strict"
        )
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        ctx.gate.logout(request.cookies.get(SESSION_COOKIE))
        response = JSONResponse({"ok": True})
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/api/stream")
    async def stream() -> StreamingResponse:
        headers = {"X-Accel-Buffering": "no"}  # nginx: pass events through at once
        return StreamingResponse(hub.stream(), media_type="text/event-stream", headers=headers)

    app.include_router(read_api.router())
    app.include_router(control_api.router())
    return app


class Login(BaseModel):
    token: str = Field(max_length=200)


def _same_origin(request: Request) -> bool:
    """A browser's cross-site POST carries an Origin of another host: refused (CSRF)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # API clients (curl, scripts) send none
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host
