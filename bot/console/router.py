"""Every console route, built over the stores the bot and the CLI use; `bot.app.create_app` includes it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from sqlite_utils import Database

from ..bookings import Bookings
from ..faq import Assistant
from ..settings import Settings
from .accounts import Accounts
from .admin_routes import admin_router
from .audit import Audit
from .auth_routes import auth_router
from .classes_routes import classes_router
from .figures_routes import figures_router
from .kb_files import kb_files_router
from .kb_routes import kb_router
from .notices_routes import notices_router
from .unanswered_routes import unanswered_router
from .web import Console, Refused, environment, refused_page

__all__ = ["Refused", "console_router", "refused_page"]


def console_router(
    settings: Settings, *, db: Database, assistant: Assistant, bookings: Bookings, run: Callable[..., Awaitable[Any]]
) -> APIRouter:
    """Every console route at /admin; `db` holds staff and the audit log; all store work goes through `run`."""
    console = Console(
        accounts=Accounts(db),
        audit=Audit(db),
        store=assistant.searcher.store,
        searcher=assistant.searcher,
        logbook=assistant.logbook,
        bookings=bookings,
        run=run,
        templates=environment(),
        municipality=settings.municipality,
    )
    router = APIRouter()
    for part in (
        auth_router,
        kb_files_router,
        kb_router,
        unanswered_router,
        classes_router,
        admin_router,
    ):
        router.include_router(part(console))
    router.include_router(figures_router(console, db=db, settings=settings))
    router.include_router(notices_router(console, db=db, settings=settings))
    return router
