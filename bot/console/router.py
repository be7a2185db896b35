"""Every console route, built over the stores the bot and the CLI use; `bot.app.create_app` includes it."""

from __future__ import annotations

from fastapi import APIRouter

from .admin_routes import admin_router
from .auth_routes import auth_router
from .classes_routes import classes_router
from .figures_routes import figures_router
from .kb_files import kb_files_router
from .kb_routes import kb_router
from .notices_routes import notices_router
from .unanswered_routes import unanswered_router
from .web import Console, Refused, environment, refused_page

__all__ = ["Console", "Refused", "console_router", "environment", "refused_page"]


def console_router(console: Console) -> APIRouter:
    """Every console route at /admin, over the stores and the worker of `console`."""
    router = APIRouter()
    for part in (
        auth_router,
        kb_files_router,
        kb_router,
        unanswered_router,
        classes_router,
        admin_router,
        figures_router,
        notices_router,
    ):
        router.include_router(part(console))
    return router
