"""Logging in and out, the console's home, and its static files."""

import hmac
import secrets
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from .accounts import ROLES, Session
from .web import COOKIE, PAGES, Console, Guard, no_store

__all__ = ["auth_router"]

LOGIN_COOKIE = "madoguchi_login"
_STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def _home(session: Session) -> str:
    return next((href for href, _, roles in PAGES if session.user.may(roles)), "/admin/figures")


def _safe_next(target: str) -> str:
    return target if target.startswith("/admin/") and "//" not in target and "\\" not in target else ""


def auth_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)
    anyone = Guard(console, roles=frozenset(ROLES))

    def login_page(request: Request, *, error: str = "", status: int = 200, next_: str = "") -> Response:
        token = secrets.token_urlsafe(24)
        response = console.page("login.html", request=request, session=None, login_csrf=token, error=error, next=next_)
        response.status_code = status
        secure = request.url.scheme == "https"
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/admin", secure=secure)
        return response

    @router.get("/login")
    async def login_form(request: Request, next: str = "") -> Response:
        return login_page(request, next_=_safe_next(next))

    @router.post("/login")
    async def login(
        request: Request,
        name: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "",
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
            return login_page(request, error="画面が古くなりました。もう一度お試しください。", status=403)
        client = request.client.host if request.client else ""
        if await console.run(lambda: console.accounts.throttled(name=name, client=client)):
            return login_page(request, error="失敗が続いたため、15分ほど待ってからお試しください。", status=429)
        done = await console.run(lambda: console.accounts.login(name, password=password, client=client))
        if done is None:
            return login_page(request, error="名前かパスワードが違います。", status=401, next_=_safe_next(next))
        token, session = done
        response = RedirectResponse(_safe_next(next) or _home(session), status_code=303)
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", path="/admin", secure=request.url.scheme == "https"
        )
        response.delete_cookie(LOGIN_COOKIE, path="/admin")
        await console.record(session, action="login", target="console")
        return no_store(response)

    @router.post("/logout")
    async def logout(request: Request, session: Annotated[Session, Depends(anyone)]) -> Response:
        await console.run(console.accounts.logout, request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(COOKIE, path="/admin")
        return no_store(response)

    @router.get("")
    async def home(session: Annotated[Session, Depends(anyone)]) -> Response:
        return RedirectResponse(_home(session), status_code=303)

    @router.get("/static/{name}")
    async def asset(name: str) -> Response:
        if name not in _STATIC:
            return Response(status_code=404)
        body = (resources.files("bot.console") / "static" / name).read_bytes()
        return no_store(Response(body, media_type=_STATIC[name]))

    return router
