"""What every console page shares: the stores, the role check (with CSRF), and rendering."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, Template, select_autoescape

from knowledge import KnowledgeStore, Searcher

from ..bookings import Bookings
from ..faq import Logbook
from ..notices import NoticeStore, Outbox
from .accounts import Accounts, Session
from .audit import Audit

__all__ = ["COOKIE", "PAGES", "Console", "Guard", "Refused", "environment", "no_store", "refused_page"]

COOKIE = "madoguchi_console"
R = TypeVar("R", bound=Response)
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The pages in the menu: address, label, and the roles that may open them (admin may open all).
PAGES = (
    ("/admin/kb", "知識ベース", frozenset({"editor"})),
    ("/admin/unanswered", "未回答の質問", frozenset({"editor"})),
    ("/admin/classes", "教室", frozenset({"operator"})),
    ("/admin/notices", "お知らせ", frozenset({"operator"})),
    ("/admin/figures", "数字", frozenset({"viewer", "editor", "operator"})),
    ("/admin/audit", "変更の記録", frozenset({"admin"})),
    ("/admin/staff", "職員", frozenset({"admin"})),
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Refused(HTTPException):
    """A console refusal (not logged in, wrong role, stale form): a page in Japanese where the app shows it."""


def tokyo_time(iso: str | None) -> str:
    """A stored UTC time as staff read it: `2026-11-23T09:05:00+00:00` → `2026-11-23 18:05`."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")


def environment() -> Environment:
    env = Environment(loader=PackageLoader("bot.console", "templates"), autoescape=select_autoescape(default=True))
    env.globals["pages"] = PAGES
    env.filters["tokyo"] = tokyo_time
    return env


@cache
def _refusal_template() -> Template:
    return environment().get_template("refused.html")


async def refused_page(request: Request, exc: Exception) -> Response:
    """The app's handler for `Refused`: the reason as a page (a redirect to the login page stays a redirect)."""
    assert isinstance(exc, Refused)
    html = _refusal_template().render(user=None, csrf="", path=request.url.path, message=exc.detail)
    return no_store(HTMLResponse(html, status_code=exc.status_code, headers=exc.headers))


def no_store(response: R) -> R:
    """The response with the console's headers: no caching, no framing, scripts and styles from the app only."""
    response.headers.update(SECURITY_HEADERS)
    return response


@dataclass
class Console:
    """What every page works with: the stores the bot and the CLI use, and the one worker thread they run on."""

    accounts: Accounts
    audit: Audit
    store: KnowledgeStore
    searcher: Searcher
    logbook: Logbook
    bookings: Bookings
    notices: NoticeStore
    outbox: Outbox
    run: Callable[..., Awaitable[Any]]
    templates: Environment
    push: Callable[..., Awaitable[Any]] | None = None  # push(address, reply) → the delivery: staff's test sends
    test_addresses: tuple[str, ...] = ()  # the staff accounts a test send goes to
    municipality: str = ""

    def page(self, name: str, *, request: Request, session: Session | None, **context: Any) -> HTMLResponse:
        user = session.user if session else None
        html = self.templates.get_template(name).render(
            user=user, csrf=session.csrf if session else "", path=request.url.path, **context
        )
        return no_store(HTMLResponse(html))

    async def record(
        self, session: Session, *, action: str, target: str, before: Any = None, after: Any = None
    ) -> None:
        """Write a change to the audit log, under the staff member who made it."""
        await self.run(
            lambda: self.audit.record(session.user.name, action=action, target=target, before=before, after=after)
        )

    async def session(self, request: Request) -> Session | None:
        token = request.cookies.get(COOKIE)
        return await self.run(self.accounts.session, token) if token else None


class Guard:
    """A route dependency: a live session whose role may use the page, and a CSRF token on every change."""

    def __init__(self, console: Console, *, roles: frozenset[str]) -> None:
        self.console, self.roles = console, roles

    async def __call__(self, request: Request) -> Session:
        session = await self.console.session(request)
        if session is None:
            if request.method in SAFE_METHODS:
                target = quote(request.url.path, safe="/")
                raise Refused(303, "ログインしてください。", headers={"Location": f"/admin/login?next={target}"})
            raise Refused(401, "ログインしてください。")
        if not session.user.may(self.roles):
            raise Refused(403, "この画面を使う権限がありません。")
        if request.method not in SAFE_METHODS:
            form = await request.form()
            sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
            if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
                raise Refused(403, "画面が古くなりました。開き直してから、もう一度お試しください。")
        return session
